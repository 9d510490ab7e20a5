"""Grants: one per OAuth app a user has authorized, derived from that user's authorizations
(behaviour.md §6.6). Nothing extra is stored: a grant's id is a stable hash of (user, app)."""

from __future__ import annotations

import hashlib
from typing import Any

from . import scopes
from .models import AuthorizationRecord


def grant_id(user_id: int, client_id: str) -> int:
    digest = hashlib.sha256(f"grant:{user_id}:{client_id}".encode()).digest()
    return int.from_bytes(digest[:7], "big") >> 3 or 1  # 53 bits, positive, JSON-safe


def grant_view(records: list[AuthorizationRecord], base_url: str) -> dict[str, Any]:
    first = min(records, key=lambda r: r.id)
    gid = grant_id(first.user_id, first.client_id)
    return {
        "id": gid,
        "url": f"{base_url}/applications/grants/{gid}",
        "app": {"name": first.app_name, "url": first.app_url, "client_id": first.client_id},
        "created_at": min(r.created_at for r in records),
        "updated_at": max(r.updated_at for r in records),
        "scopes": scopes.normalize(s for r in sorted(records, key=lambda r: r.id) for s in r.scopes),
    }

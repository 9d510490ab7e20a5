"""Grants: one per OAuth app a user has authorized, derived from that user's authorizations
(behaviour.md §6.6). Nothing extra is stored: a grant's id is a stable hash of (user, app)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from .records import AuthorizationRecord


def grant_id(user_id: int, client_id: str) -> int:
    digest = hashlib.sha256(f"grant:{user_id}:{client_id}".encode()).digest()
    return int.from_bytes(digest[:7], "big") >> 3 or 1  # 53 bits, positive, JSON-safe


@dataclass(frozen=True)
class Grant:
    """A user's authorizations of one app (at least one)."""

    authorizations: tuple[AuthorizationRecord, ...]

    @property
    def first(self) -> AuthorizationRecord:
        return min(self.authorizations, key=lambda r: r.id)

    @property
    def id(self) -> int:
        return grant_id(self.first.user_id, self.first.client_id)

    def ordered(self) -> list[AuthorizationRecord]:
        return sorted(self.authorizations, key=lambda r: r.id)


def group_grants(records: Iterable[AuthorizationRecord]) -> list[Grant]:
    """The grants of these (live) authorizations, in the order the user first authorized each app;
    personal tokens belong to no grant."""
    by_app: dict[str, list[AuthorizationRecord]] = {}
    for record in records:
        if not record.is_personal:
            by_app.setdefault(record.client_id, []).append(record)
    grants = [Grant(tuple(group)) for group in by_app.values()]
    return sorted(grants, key=lambda grant: grant.first.id)

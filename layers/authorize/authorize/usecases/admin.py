"""Creating users and OAuth apps without a caller: the admin CLI, the local server's demo seed, tests.

Users are made by ``users_admin.create_user``, the same code as ``POST /admin/users``; the rules for an
app's fields are here, for ``app create`` and ``app update`` alike.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..domain import tokens
from ..domain.admin_inputs import LOGIN_PATTERN, NewUser, validated
from ..domain.records import RESERVED_CLIENT_IDS, AppRecord, iso, utc_now
from ..domain.totp import TotpSealer
from ..ports import AuthorizationStore
from .users_admin import create_user as create_user_record

__all__ = ["LOGIN_PATTERN", "AdminError", "check_app_fields", "create_app", "create_user"]

MAX_APP_NAME = 255
MIN_TOKEN_LIFETIME = 60
MAX_TOKEN_LIFETIME = 10 * 365 * 86400


class AdminError(ValueError):
    """Bad input for an admin operation; the message is safe to print."""


def create_user(
    store: AuthorizationStore,
    login: str,
    password: str,
    *,
    with_totp: bool = False,
    sealer: TotpSealer | None = None,
    site_admin: bool = False,
    **profile: Any,
) -> dict[str, Any]:
    """A new user; with ``with_totp`` a fresh TOTP secret (returned once), sealed by ``sealer``.

    ``ValidationFailed`` for a bad login, password or profile field; ``AlreadyExists`` when taken.
    """
    if with_totp and sealer is None:
        raise AdminError("two-factor users need the TOTP key (TOTP_ENCRYPTION_KEY or TOTP_KEY_SECRET_ARN)")
    fields = validated(NewUser, {"login": login, **profile})
    created = create_user_record(
        store, fields, utc_now(), password=password, sealer=sealer if with_totp else None, site_admin=site_admin
    )
    out: dict[str, Any] = {"id": created.user.id, "login": created.user.login}
    if created.totp_secret:
        out["totp_secret"] = created.totp_secret
    return out


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 1024:
        raise AdminError("url must be an absolute http(s) URL")
    return url


def check_app_fields(
    name: str | None = None, url: str | None = None, token_lifetime: int | None = None
) -> dict[str, Any]:
    """The app fields given, checked (``name`` stripped); ``AdminError`` for a bad one."""
    out: dict[str, Any] = {}
    if name is not None:
        out["name"] = name.strip()
        if not out["name"] or len(out["name"]) > MAX_APP_NAME:
            raise AdminError(f"name must be 1-{MAX_APP_NAME} characters")
    if url is not None:
        out["url"] = _check_url(url)
    if token_lifetime is not None:
        if not MIN_TOKEN_LIFETIME <= token_lifetime <= MAX_TOKEN_LIFETIME:
            raise AdminError("token lifetime must be between 60 seconds and 10 years")
        out["token_lifetime"] = token_lifetime
    return out


def create_app(
    store: AuthorizationStore,
    name: str,
    url: str,
    *,
    client_id: str | None = None,
    client_secret: str | None = None,
    token_lifetime: int | None = None,
) -> dict[str, Any]:
    """Register an OAuth app. The client secret is returned here once and stored only as SHA-256."""
    fields = check_app_fields(name, url, token_lifetime)
    client_id = client_id or tokens.new_client_id()
    client_secret = client_secret or tokens.new_client_secret()
    if not re.fullmatch(r"[A-Za-z0-9]{20}", client_id) or client_id in RESERVED_CLIENT_IDS:
        raise AdminError("client_id must be 20 letters or digits (and not one of the reserved ids)")
    if len(client_secret) < 20:
        raise AdminError("client_secret must be at least 20 characters")
    stamp = iso(utc_now())
    store.put_app(
        AppRecord(
            client_id=client_id,
            client_secret_hash=tokens.hash_secret(client_secret),
            created_at=stamp,
            updated_at=stamp,
            **fields,
        )
    )
    out: dict[str, Any] = {"client_id": client_id, "client_secret": client_secret, "name": fields["name"], "url": url}
    if token_lifetime is not None:
        out["token_lifetime"] = token_lifetime
    return out

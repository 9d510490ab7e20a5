"""Administrative operations: creating users and OAuth apps. Used by the admin CLI and the local
server's demo seed."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..domain import passwords, tokens, totp
from ..domain.records import AppRecord, UserRecord, iso, utc_now
from ..domain.totp import TotpSealer
from ..ports import AuthorizationStore

# GitHub's login rule: alphanumerics and single hyphens, not at either end, at most 39 characters.
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")


class AdminError(ValueError):
    """Bad input for an admin operation; the message is safe to print."""


def create_user(
    store: AuthorizationStore,
    login: str,
    password: str,
    *,
    with_totp: bool = False,
    sealer: TotpSealer | None = None,
) -> dict[str, Any]:
    """A new user; with ``with_totp`` a fresh TOTP secret (returned once), sealed by ``sealer``."""
    if not LOGIN_PATTERN.match(login):
        raise AdminError("login must be 1-39 letters, digits or single inner hyphens")
    if not password or len(password) > 1024:
        raise AdminError("password must be 1-1024 characters")
    if with_totp and sealer is None:
        raise AdminError("two-factor users need the TOTP key (TOTP_ENCRYPTION_KEY or TOTP_KEY_SECRET_ARN)")
    user_id = store.allocate_user_id()
    secret = totp.new_secret() if with_totp else None
    record = UserRecord(
        id=user_id,
        login=login,
        password_hash=passwords.hash_password(password),
        totp_secret=sealer.seal(secret, user_id) if secret and sealer else None,
        created_at=iso(utc_now()),
    )
    store.put_user(record)  # AlreadyExists propagates: the CLI says "login already exists"
    out: dict[str, Any] = {"id": user_id, "login": login}
    if secret:
        out["totp_secret"] = secret
    return out


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 1024:
        raise AdminError("url must be an absolute http(s) URL")
    return url


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
    name = name.strip()
    if not name or len(name) > 255:
        raise AdminError("name must be 1-255 characters")
    client_id = client_id or tokens.new_client_id()
    client_secret = client_secret or tokens.new_client_secret()
    if not re.fullmatch(r"[A-Za-z0-9]{20}", client_id):
        raise AdminError("client_id must be 20 letters or digits")
    if len(client_secret) < 20:
        raise AdminError("client_secret must be at least 20 characters")
    if token_lifetime is not None and not 60 <= token_lifetime <= 10 * 365 * 86400:
        raise AdminError("token lifetime must be between 60 seconds and 10 years")
    store.put_app(
        AppRecord(
            client_id=client_id,
            name=name,
            url=_check_url(url),
            client_secret_hash=tokens.hash_secret(client_secret),
            created_at=iso(utc_now()),
            token_lifetime=token_lifetime,
        )
    )
    out: dict[str, Any] = {"client_id": client_id, "client_secret": client_secret, "name": name, "url": url}
    if token_lifetime is not None:
        out["token_lifetime"] = token_lifetime
    return out

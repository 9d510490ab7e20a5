"""Records (what the store keeps) and views (what the API shows).

Records hold no plaintext secret: tokens and client secrets as SHA-256, passwords as argon2id,
TOTP secrets encrypted (see ``totp.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PERSONAL_CLIENT_ID = "00000000000000000000"
PERSONAL_APP_URL = "https://developer.github.com/v3/oauth_authorizations/"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(ts: datetime) -> str:
    """GitHub's timestamp form: whole seconds, UTC, ``Z``."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def expiry(issued: datetime, lifetime: int | None) -> str | None:
    """``expires_at`` of a token issued at ``issued`` by an app with this token lifetime (None: never)."""
    return iso(issued + timedelta(seconds=lifetime)) if lifetime else None


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class UserRecord(_Record):
    id: int
    login: str
    password_hash: str
    totp_secret: str | None = None  # encrypted, see totp.py
    created_at: str


class AppRecord(_Record):
    client_id: str
    name: str
    url: str
    client_secret_hash: str
    created_at: str
    # Optional token lifetime in seconds (beyond GitHub's legacy API): tokens then carry expires_at.
    token_lifetime: int | None = None


class AuthorizationRecord(_Record):
    id: int
    user_id: int
    user_login: str
    client_id: str
    app_name: str
    app_url: str
    scopes: list[str] = Field(default_factory=list)
    note: str | None = None
    note_url: str | None = None
    fingerprint: str | None = None
    hashed_token: str
    token_last_eight: str
    created_at: str
    updated_at: str
    revision: int = 0  # optimistic-lock counter for updates; not part of the API view
    expires_at: str | None = None  # only for apps with a token lifetime

    def expires_epoch(self) -> int | None:
        if self.expires_at is None:
            return None
        return int(datetime.strptime(self.expires_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())

    def expired(self, now: float) -> bool:
        epoch = self.expires_epoch()
        return epoch is not None and epoch <= now

    @property
    def is_personal(self) -> bool:
        return self.client_id == PERSONAL_CLIENT_ID

    def view(self, base_url: str, token: str = "") -> dict[str, Any]:
        """The Authorization object in the key order seen on GitHub's wire (behaviour.md §2)."""
        url = f"{base_url}/authorizations/{self.id}"
        return {
            "id": self.id,
            "url": url,
            "app": {"name": self.app_name, "url": self.app_url, "client_id": self.client_id},
            "token": token,
            "hashed_token": self.hashed_token,
            "token_last_eight": self.token_last_eight,
            "note": self.note,
            "note_url": self.note_url,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "scopes": list(self.scopes),
            "fingerprint": self.fingerprint,
            **({"expires_at": self.expires_at} if self.expires_at else {}),
        }


class LoginContext(_Record):
    """What one batched read returns for a user-Basic request."""

    user: UserRecord | None
    app: AppRecord | None
    failed_logins: int = 0
    # Read in the same batch when the request names them: GET/PATCH/DELETE /authorizations/{id}, and
    # a Basic password that has the shape of a token (GitHub refuses tokens on these endpoints).
    authorization: AuthorizationRecord | None = None
    password_token: AuthorizationRecord | None = None


def simple_user(user_id: int, login: str, base_url: str) -> dict[str, Any]:
    """GitHub's simple-user shape (behaviour.md §2, ``user``)."""
    url = f"{base_url}/users/{login}"
    return {
        "login": login,
        "id": user_id,
        "node_id": _node_id("User", user_id),
        "avatar_url": f"{base_url}/avatars/{login}",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{base_url}/{login}",
        "followers_url": f"{url}/followers",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{url}/subscriptions",
        "organizations_url": f"{url}/orgs",
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events{{/privacy}}",
        "received_events_url": f"{url}/received_events",
        "type": "User",
        "site_admin": False,
    }


def _node_id(kind: str, number: int) -> str:
    import base64

    return base64.b64encode(f"04:{kind}{number}".encode()).decode().rstrip("=")

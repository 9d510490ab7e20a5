"""Records: what the store keeps. Views (what the API shows) are ``authorize.github.views``.

Records hold no plaintext secret: tokens and client secrets as SHA-256, passwords as argon2id,
TOTP secrets sealed (see ``totp.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

# A personal token (POST /authorizations without an app) belongs to this pseudo-app, as on GitHub.
PERSONAL_CLIENT_ID = "00000000000000000000"
PERSONAL_APP_URL = "https://developer.github.com/v3/oauth_authorizations/"
# An impersonation token (POST /admin/users/{username}/authorizations) belongs to this pseudo-app, as on
# GitHub Enterprise Server (name and URL as its answers carry them). No app item has this client id.
IMPERSONATION_CLIENT_ID = "0000000000000000000a"
IMPERSONATION_APP_NAME = "GitHub Site Administrator"
IMPERSONATION_APP_URL = "https://developer.github.com/v3/enterprise/users/"
RESERVED_CLIENT_IDS = frozenset({PERSONAL_CLIENT_ID, IMPERSONATION_CLIENT_ID})
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(ts: datetime) -> str:
    """GitHub's timestamp form: whole seconds, UTC, ``Z``."""
    return ts.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def expiry(issued: datetime, lifetime: int | None) -> str | None:
    """``expires_at`` of a token issued at ``issued`` by an app with this token lifetime (None: never)."""
    return iso(issued + timedelta(seconds=lifetime)) if lifetime else None


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


# GitHub's profile fields of a user (all optional).
PROFILE_FIELDS = ("name", "email", "company", "blog", "location", "bio", "twitter_username", "hireable")


class UserRecord(_Record):
    """A user. Kept twice, under its login and under its id (``adapters.dynamodb.keys``), written together."""

    id: int
    login: str
    password_hash: str | None = None  # None: no password yet (created by a site admin over the API)
    totp_secret: str | None = None  # sealed, see totp.py
    created_at: str
    updated_at: str | None = None  # None on users stored before profiles existed: created_at
    site_admin: bool = False
    suspended_at: str | None = None  # a suspended user's password and tokens are refused
    deleted_at: str | None = None  # being deleted: refused everywhere; the login is freed at the end
    revision: int = 0  # optimistic-lock counter of every change
    # PROFILE_FIELDS
    name: str | None = None
    email: str | None = None
    company: str | None = None
    blog: str | None = None
    location: str | None = None
    bio: str | None = None
    twitter_username: str | None = None
    hireable: bool | None = None

    @property
    def active(self) -> bool:
        """Neither suspended nor being deleted: its password and tokens work."""
        return self.suspended_at is None and self.deleted_at is None


class AppRecord(_Record):
    client_id: str
    name: str
    url: str
    client_secret_hash: str
    created_at: str
    # Optional token lifetime in seconds (beyond GitHub's legacy API): tokens then carry expires_at.
    token_lifetime: int | None = None
    updated_at: str | None = None
    deleted_at: str | None = None  # being deleted: its secret and tokens no longer work
    revision: int = 0  # optimistic-lock counter of every change


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
        return int(datetime.strptime(self.expires_at, TIMESTAMP_FORMAT).replace(tzinfo=UTC).timestamp())

    def expired(self, now: float) -> bool:
        epoch = self.expires_epoch()
        return epoch is not None and epoch <= now

    @property
    def is_personal(self) -> bool:
        return self.client_id == PERSONAL_CLIENT_ID

    @property
    def is_impersonation(self) -> bool:
        return self.client_id == IMPERSONATION_CLIENT_ID


# What an impersonation token is issued for: the pseudo-app, as an app record no table holds.
IMPERSONATION_APP = AppRecord(
    client_id=IMPERSONATION_CLIENT_ID,
    name=IMPERSONATION_APP_NAME,
    url=IMPERSONATION_APP_URL,
    client_secret_hash="",
    created_at="",
)

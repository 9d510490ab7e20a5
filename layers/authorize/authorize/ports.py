"""The data-access port. The use cases talk only to this; DynamoDB is one implementation
(``authorize.adapters.dynamodb``), an in-memory fake for unit tests is another (``tests/fakes.py``).

Every authorization has one uniqueness key: (user, client_id, fingerprint) for app tokens, and
(user, note) for personal tokens. Writes are atomic: an authorization, its id guard and its token
lookup change together or not at all. Every method may raise ``authorize.domain.exceptions.Unavailable``
when the database does not answer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from .domain.records import AppRecord, AuthorizationRecord, UserRecord


class AlreadyExists(Exception):
    """A uniqueness guard refused the write (login, client id, authorization key, ...); ``what`` names
    the guard when a write has several (``"login"``, ``"email"``)."""

    def __init__(self, what: str | None = None) -> None:
        super().__init__(what or "already exists")
        self.what = what


class IdCollision(Exception):
    """The freshly drawn authorization id or token hash is taken; draw again and retry."""


class Conflict(Exception):
    """The record changed since it was read (optimistic lock); read again and retry."""


@dataclass(frozen=True)
class AuthorizationKey:
    """An app authorization's get-or-create key: (user id, client id, fingerprint)."""

    user_id: int
    client_id: str
    fingerprint: str | None


class ActorRefused(Exception):
    """The site administrator a write was made for is no longer one (demoted, suspended or deleted
    meanwhile): the write was not made."""


@dataclass(frozen=True)
class LoginContext:
    """What the one batched read of a user-Basic request returns (a plain dataclass: its parts are
    records validated already, so a model here would only cost a schema build and a check per request)."""

    user: UserRecord | None
    app: AppRecord | None
    failed_logins: int = 0
    # Read in the same batch when the request names them: GET/PATCH/DELETE /authorizations/{id}, and
    # a Basic password that has the shape of a token (GitHub refuses tokens on these endpoints).
    authorization: AuthorizationRecord | None = None
    password_token: AuthorizationRecord | None = None
    # The authorization under the get-or-create key asked for (only meaningful if the key's user id
    # is the user's: the caller checks).
    keyed: AuthorizationRecord | None = None


class AuthorizationStore(ABC):
    # --- reads ---------------------------------------------------------------------------------

    @abstractmethod
    def load_login_context(
        self,
        login: str,
        client_id: str | None,
        window_start: int,
        *,
        authorization_id: int | None = None,
        token_hash: str | None = None,
        keyed: AuthorizationKey | None = None,
    ) -> LoginContext:
        """User, app, failure count, and optionally an authorization by id, a token, and an
        authorization by its get-or-create key: one read."""

    @abstractmethod
    def load_app_token(self, client_id: str, token_hash: str) -> tuple[AppRecord | None, AuthorizationRecord | None]:
        """An app and the authorization holding a token, in one read."""

    @abstractmethod
    def get_authorization(self, authorization_id: int) -> AuthorizationRecord | None:
        """An authorization by id (strongly consistent), or None when it does not exist (any more)."""

    @abstractmethod
    def find_token(self, token_hash: str) -> AuthorizationRecord | None:
        """The authorization holding this token (by its SHA-256), or None."""

    @abstractmethod
    def find_tokens(self, token_hashes: Sequence[str]) -> list[AuthorizationRecord]:
        """The authorizations holding any of these tokens (strongly consistent, batched reads)."""

    @abstractmethod
    def list_authorizations(self, user_id: int) -> list[AuthorizationRecord]:
        """Every authorization of a user (strongly consistent), in no particular order."""

    # --- writes --------------------------------------------------------------------------------

    @abstractmethod
    def reserve_attempt(self, login: str, window_start: int, expires_at: int, max_failures: int) -> bool:
        """Count one login attempt in the window before it is evaluated, unless ``max_failures`` are
        counted already: one conditional write, so concurrent attempts cannot pass the limit together.
        False when the limit is reached (nothing counted)."""

    @abstractmethod
    def count_request(self, bucket: str, window_start: int, expires_at: int, limit: int) -> bool:
        """Count one request of ``bucket`` (e.g. a client address) in the window, unless ``limit`` are
        counted already (one conditional write). False when the limit is reached."""

    @abstractmethod
    def release_attempt(self, login: str, window_start: int) -> None:
        """Uncount an attempt that turned out right (never below zero; a missing counter stays missing)."""

    @abstractmethod
    def get_or_create_authorization(
        self, new: AuthorizationRecord, now: int | None = None
    ) -> tuple[AuthorizationRecord, bool]:
        """Store ``new`` under its key unless the key is taken; return ``(stored, created)``.

        A key held by an authorization that expired before ``now`` (epoch seconds) counts as free.

        One conditional write: on a hit the existing record comes back from the failed condition,
        never from a second read. ``IdCollision`` when the id or the token hash is already used.
        """

    @abstractmethod
    def create_authorization(self, new: AuthorizationRecord) -> None:
        """Store ``new``; ``AlreadyExists`` if its key is taken, ``IdCollision`` as above."""

    @abstractmethod
    def replace_authorization(self, old: AuthorizationRecord, new: AuthorizationRecord) -> None:
        """Replace ``old`` (as read) by ``new``: same id; key and token may change.

        ``Conflict`` if ``old`` is no longer what is stored, ``AlreadyExists`` if the new key is
        taken by another authorization, ``IdCollision`` if a new token hash is taken.
        """

    @abstractmethod
    def delete_authorizations(self, records: Sequence[AuthorizationRecord]) -> None:
        """Delete these authorizations with their token lookups; their ids stay reserved.

        ``Conflict`` if one of them changed or vanished since it was read.
        """

    @abstractmethod
    def allocate_user_id(self) -> int:
        """A new, never reused user id."""

    @abstractmethod
    def put_user(self, user: UserRecord) -> None:
        """Create a user; ``AlreadyExists("login")`` if the login (case-insensitive) is taken,
        ``AlreadyExists("email")`` if its email is another user's."""

    @abstractmethod
    def put_app(self, app: AppRecord) -> None:
        """Create an OAuth app; ``AlreadyExists`` if the client id is taken."""

    # --- users and apps, for their administration ----------------------------------------------

    @abstractmethod
    def get_user(self, login: str) -> UserRecord | None:
        """A user by login (case-insensitive, strongly consistent)."""

    @abstractmethod
    def get_owner(
        self, user_id: int, login_hint: str, client_id: str | None = None
    ) -> tuple[UserRecord | None, AppRecord | None]:
        """A user by id and, when ``client_id`` is given, an app: one read.

        ``login_hint`` is the login the caller last knew (an authorization's ``user_login``): users
        stored before they were kept by id too are found under it, if it is still theirs.
        """

    @abstractmethod
    def list_users(self) -> list[UserRecord]:
        """Every user, by login (a scan: for administration only)."""

    @abstractmethod
    def replace_user(self, old: UserRecord, new: UserRecord, *, actor: UserRecord | None = None) -> None:
        """Replace ``old`` (as read) by ``new``, moving it when the login changes; one atomic write.

        ``Conflict`` if ``old`` is no longer what is stored; ``AlreadyExists("login" | "email")`` if the
        new login or email is another user's; ``ActorRefused`` if ``actor`` (a site administrator, not
        ``old`` itself) is no longer an active one when the write would commit.
        """

    @abstractmethod
    def delete_user(self, user: UserRecord) -> None:
        """Remove ``user`` (as read) and free its login and email; ``Conflict`` if it changed."""

    @abstractmethod
    def clear_failed_logins(self, login: str) -> int:
        """Forget every failed-login count of ``login``; how many windows were cleared."""

    @abstractmethod
    def get_app(self, client_id: str) -> AppRecord | None:
        """An OAuth app by client id (strongly consistent)."""

    @abstractmethod
    def list_apps(self) -> list[AppRecord]:
        """Every OAuth app (a scan: for administration only)."""

    @abstractmethod
    def replace_app(self, old: AppRecord, new: AppRecord) -> None:
        """Replace ``old`` (as read) by ``new``; ``Conflict`` if it changed."""

    @abstractmethod
    def delete_app(self, app: AppRecord) -> None:
        """Remove ``app`` (as read); ``Conflict`` if it changed."""

    @abstractmethod
    def app_authorizations(self, client_id: str) -> list[AuthorizationRecord]:
        """Every authorization of one app, of every user (a scan: for administration only)."""

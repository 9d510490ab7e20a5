"""Administering OAuth apps and tokens (the admin CLI): list, show, update, rotate a secret, delete; a
user's tokens listed, one revoked.

An app's name and URL are copied into its authorizations (they are what the authorization views
show): an update changes the app, then brings the copies up to date, each with its own conditional
write; running the same update again finishes a refresh that was cut short. Deleting marks the app
first (its secret and every token of its stop working in that write), deletes its authorizations in
batched transactions, then the app; a failure on the way leaves it marked, and deleting it again
finishes the job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain import tokens
from ..domain.apps import could_be_client_id
from ..domain.exceptions import NotFound
from ..domain.records import AppRecord, AuthorizationRecord, iso
from .authorizations import Authorizations
from .deps import Deps
from .retry import STORED, Stored, write_with_retry
from .users_admin import UsersAdmin


@dataclass(frozen=True)
class Rotated:
    app: AppRecord
    client_secret: str  # the new plaintext secret, shown once


class AppsAdmin:
    def __init__(self, deps: Deps, authorizations: Authorizations) -> None:
        self.deps = deps
        self.store = deps.store
        self.authorizations = authorizations

    def find(self, client_id: str) -> AppRecord:
        app = self.store.get_app(client_id) if could_be_client_id(client_id) else None
        if app is None:
            raise NotFound()
        return app

    def list(self) -> list[AppRecord]:
        return self.store.list_apps()

    def _change(self, client_id: str, **changes: Any) -> AppRecord:
        def draft(app: AppRecord) -> tuple[AppRecord, AppRecord]:
            now = iso(self.deps.now())
            return app, app.model_copy(update={**changes, "updated_at": now, "revision": app.revision + 1})

        def refresh(app: AppRecord, drafted: tuple[AppRecord, AppRecord]) -> AppRecord | Stored:
            fresh = self.store.get_app(app.client_id)
            if fresh == drafted[1]:
                return STORED
            if fresh is None or fresh.deleted_at is not None:
                raise NotFound()
            return fresh

        current = self.find(client_id)
        if current.deleted_at is not None:
            raise NotFound()
        written = write_with_retry(current, draft, lambda pair: self.store.replace_app(*pair), refresh=refresh)
        return written.draft[1]

    def rotate_secret(self, client_id: str) -> Rotated:
        """A new client secret; the old one stops working at once (every request reads the app)."""
        secret = tokens.new_client_secret()
        return Rotated(self._change(client_id, client_secret_hash=tokens.hash_secret(secret)), secret)

    def update(self, client_id: str, **fields: Any) -> tuple[AppRecord, int]:
        """Change name, URL or token lifetime (checked by ``admin.check_app_fields``); a new lifetime
        applies to tokens issued from now on. The app, and how many authorizations' copies of its name
        and URL were brought up to date."""
        app = self._change(client_id, **fields) if fields else self.find(client_id)
        if app.deleted_at is not None:
            raise NotFound()
        stale = [
            r for r in self.store.app_authorizations(app.client_id) if (r.app_name, r.app_url) != (app.name, app.url)
        ]
        for record in stale:
            self._refresh_copy(record, app)
        return app, len(stale)

    def _refresh_copy(self, record: AuthorizationRecord, app: AppRecord) -> None:
        """One authorization shows the app's current name and URL (nothing else changes, not even
        ``updated_at``); gone meanwhile is fine."""

        def draft(current: AuthorizationRecord) -> tuple[AuthorizationRecord, AuthorizationRecord]:
            update = {"app_name": app.name, "app_url": app.url, "revision": current.revision + 1}
            return current, current.model_copy(update=update)

        def refresh(current: AuthorizationRecord, _: object) -> AuthorizationRecord | Stored:
            fresh = self.store.get_authorization(current.id)
            if fresh is None or (fresh.app_name, fresh.app_url) == (app.name, app.url):
                return STORED
            return fresh

        write_with_retry(record, draft, lambda pair: self.store.replace_authorization(*pair), refresh=refresh)

    def delete(self, client_id: str) -> int:
        """Delete the app and every authorization of its; how many authorizations were deleted."""
        app = self.find(client_id)
        if app.deleted_at is None:
            app = self._change(client_id, deleted_at=iso(self.deps.now()))
        revoked = self.store.app_authorizations(app.client_id)
        self.authorizations.delete_records(revoked)

        def refresh(current: AppRecord, _: AppRecord) -> AppRecord | Stored:
            fresh = self.store.get_app(current.client_id)
            return STORED if fresh is None else fresh

        write_with_retry(app, lambda a: a, self.store.delete_app, refresh=refresh)
        return len(revoked)


class TokensAdmin:
    """A user's tokens, as the operator sees them (never the token itself: only its hash is stored)."""

    def __init__(self, users: UsersAdmin) -> None:
        self.users = users
        self.deps = users.deps

    def list(self, login: str) -> list[AuthorizationRecord]:
        """The user's live authorizations, newest first."""
        records = self.deps.store.list_authorizations(self.users.find(login).id)
        return sorted((r for r in records if self.deps.live(r)), key=lambda r: r.id, reverse=True)

    def revoke(self, authorization_id: int) -> AuthorizationRecord:
        record = self.deps.live(self.deps.store.get_authorization(authorization_id))
        if record is None:
            raise NotFound()
        self.users.authorizations.delete_records([record])
        return record

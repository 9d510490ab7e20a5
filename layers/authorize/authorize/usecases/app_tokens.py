"""App-authenticated token endpoints (behaviour.md §7).

The app proves itself with its client id and secret (Basic, or the query parameters GitHub accepted
until 2021) and names one of its tokens, which is looked up by SHA-256 only. Wrong app credentials,
unknown tokens and other apps' tokens are all ``NotFound``: nothing is disclosed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import authorizations as rules
from ..domain import tokens
from ..domain.apps import could_be_client_id, verified_app
from ..domain.authorizations import Issued
from ..domain.credentials import AppCredentials
from ..domain.exceptions import NotFound
from ..domain.records import AppRecord, AuthorizationRecord, UserRecord
from .authorizations import Authorizations
from .owners import MAX_TOKEN, Owned, Owners, is_text
from .retry import STORED, Stored, token_landed, write_with_retry

__all__ = ["MAX_TOKEN", "AppTokens", "Reset"]


@dataclass(frozen=True)
class Reset(Issued):
    """A reset authorization with its new token, and its user as stored now."""

    user: UserRecord


class AppTokens:
    def __init__(self, authorizations: Authorizations, owners: Owners) -> None:
        self.authorizations = authorizations
        self.owners = owners
        self.deps = authorizations.deps
        self.store = authorizations.store

    def authenticate(
        self, client_id: str, credentials: AppCredentials, access_token: str
    ) -> tuple[AppRecord, AuthorizationRecord]:
        """The app (by its credentials) and its authorization holding ``access_token``: one read."""
        if credentials.client_id != client_id or not could_be_client_id(client_id) or len(access_token) > MAX_TOKEN:
            raise NotFound()
        if not is_text(access_token) or not is_text(credentials.client_secret):  # lone surrogates cannot be hashed
            raise NotFound()
        if not tokens.has_valid_checksum(access_token):  # not one we issued: not worth a read
            raise NotFound()
        app, record = self.store.load_app_token(client_id, tokens.hash_token(access_token))
        app = verified_app(app, credentials.client_secret)
        if app is None:
            raise NotFound()
        record = self.deps.live(record)
        if record is None or record.client_id != app.client_id:
            raise NotFound()
        return app, record

    def check(self, client_id: str, credentials: AppCredentials, access_token: str) -> Owned:
        """The authorization and its user: ``NotFound`` also when its user is suspended or gone."""
        record = self.authenticate(client_id, credentials, access_token)[1]
        return Owned(record, self.owners.for_app(record))

    def reset(self, client_id: str, credentials: AppCredentials, access_token: str) -> Reset:
        """New token for the same authorization; the old one stops working in the same write."""
        app, current = self.authenticate(client_id, credentials, access_token)
        user = self.owners.for_app(current)

        def draft(record: AuthorizationRecord) -> tuple[AuthorizationRecord, Issued]:
            return record, rules.reset(record, app, self.deps.now())

        def refresh(
            record: AuthorizationRecord, drafted: tuple[AuthorizationRecord, Issued]
        ) -> AuthorizationRecord | Stored:
            if token_landed(self.store, drafted[1].authorization):  # an earlier attempt of ours committed
                return STORED
            # Reset, revoked or changed meanwhile: only go on if the presented token still holds.
            fresh = self.deps.live(self.store.find_token(record.hashed_token))
            if fresh is None:
                raise NotFound()
            return fresh

        written = write_with_retry(
            current,
            draft,
            lambda pair: self.store.replace_authorization(pair[0], pair[1].authorization),
            refresh=refresh,
            landed=lambda pair: token_landed(self.store, pair[1].authorization),
        )
        issued = written.draft[1]
        return Reset(issued.authorization, issued.created, issued.token, user)

    def revoke(self, client_id: str, credentials: AppCredentials, access_token: str) -> None:
        _, record = self.authenticate(client_id, credentials, access_token)
        self.authorizations.delete_records([record])

    def revoke_grant(self, client_id: str, credentials: AppCredentials, access_token: str) -> None:
        """Every authorization of this app for the token's owner."""
        _, record = self.authenticate(client_id, credentials, access_token)
        mine = [r for r in self.store.list_authorizations(record.user_id) if r.client_id == client_id]
        self.authorizations.delete_records(mine)

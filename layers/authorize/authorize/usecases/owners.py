"""Whose a token is, now: the authorization holding it and its user (and app) as stored at this moment.

A token works only while its user exists, is not being deleted and is not suspended, and, for an app's
token, while its app exists and is not being deleted: deleting or suspending a user (or deleting an app)
stops every token at once, whatever items are still on their way out. The user is read here anyway, so
views show its current login and ``site_admin`` (an authorization keeps the login it was issued under).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import tokens
from ..domain.exceptions import AccountSuspended, BadCredentials, NotFound
from ..domain.records import RESERVED_CLIENT_IDS, AuthorizationRecord, UserRecord
from .deps import Deps

MAX_TOKEN = 255


def is_text(value: str) -> bool:
    """Encodable as UTF-8: a ``\\ud800`` escape in a query string or header decodes to a lone surrogate."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Owned:
    """A working token's authorization and its (active) user."""

    authorization: AuthorizationRecord
    user: UserRecord


class Owners:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def _user(self, record: AuthorizationRecord, *, with_app: bool) -> UserRecord | None:
        """The record's user if the token may work (suspension aside); None when it is dead."""
        client_id = None if not with_app or record.client_id in RESERVED_CLIENT_IDS else record.client_id
        user, app = self.deps.store.get_owner(record.user_id, record.user_login, client_id)
        if client_id is not None and (app is None or app.deleted_at is not None):
            return None
        return user if user is not None and user.deleted_at is None else None

    def of_token(self, token: str) -> Owned:
        """A token presented as credentials (``GET /user``, the site-admin API): ``BadCredentials`` when
        it is unknown, expired or dead, ``AccountSuspended`` when its user is suspended."""
        if not token or len(token) > MAX_TOKEN or not is_text(token) or not tokens.has_valid_checksum(token):
            raise BadCredentials()  # not one we issued (prefix, length, CRC32): not worth a read
        record = self.deps.live(self.deps.store.find_token(tokens.hash_token(token)))
        user = self._user(record, with_app=True) if record is not None else None
        if record is None or user is None:
            raise BadCredentials()
        if user.suspended_at is not None:
            raise AccountSuspended()
        return Owned(record, user)

    def for_app(self, record: AuthorizationRecord) -> UserRecord:
        """The user of a token its app names (check, reset): ``NotFound`` unless the token works (the app
        itself was just verified)."""
        user = self._user(record, with_app=False)
        if user is None or not user.active:
            raise NotFound()
        return user

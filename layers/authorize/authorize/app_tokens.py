"""App-authenticated token endpoints (behaviour.md §7) and token-authenticated ``GET /user``.

The app proves itself with its client id and secret (Basic, or the query parameters GitHub accepted
until 2021) and names one of its tokens, which is looked up by SHA-256 only. Wrong app credentials,
unknown tokens and other apps' tokens are all 404: nothing is disclosed.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import bodies, errors, tokens
from .credentials import Basic, Bearer, parse_authorization
from .models import AppRecord, AuthorizationRecord, expiry, iso
from .service import CLIENT_ID_PATTERN, DUMMY_SECRET_HASH, AuthorizeService, Issued
from .store import Conflict, IdCollision

DOCS_CHECK = errors.DOCS_AUTHORIZATIONS + "#check-an-authorization"
DOCS_RESET = errors.DOCS_AUTHORIZATIONS + "#reset-an-authorization"
DOCS_REVOKE = errors.DOCS_AUTHORIZATIONS + "#revoke-an-authorization-for-an-application"
DOCS_REVOKE_GRANT = errors.DOCS_AUTHORIZATIONS + "#revoke-a-grant-for-an-application"
MAX_TOKEN = 255
_ATTEMPTS = 5


def _is_text(value: str) -> bool:
    """Encodable as UTF-8: a ``\\ud800`` escape in a query string or header decodes to a lone surrogate."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def access_token_from_body(raw_body: bytes | str | None, docs: str) -> str:
    payload = bodies.parse_json_object(raw_body)
    token = payload.get("access_token")
    if not isinstance(token, str) or not token:
        raise errors.validation_failed([errors.field_error("access_token", "missing_field")], docs)
    return token


class AppTokenService:
    def __init__(self, service: AuthorizeService) -> None:
        self.service = service
        self.store = service.store

    def app_credentials(self, authorization: str | None, query: Mapping[str, str]) -> tuple[str, str]:
        """The (client_id, client_secret) presented; none at all is 401 (behaviour.md §7.4)."""
        creds = parse_authorization(authorization)
        if isinstance(creds, Basic):
            return creds.username, creds.password
        if query.get("client_id") and query.get("client_secret"):
            return query["client_id"], query["client_secret"]
        raise errors.requires_authentication()

    def authenticate(
        self, client_id: str, authorization: str | None, query: Mapping[str, str], access_token: str, docs: str
    ) -> tuple[AppRecord, AuthorizationRecord]:
        """The app (by its credentials) and its authorization holding ``access_token``: one read."""
        cred_id, cred_secret = self.app_credentials(authorization, query)
        if cred_id != client_id or not CLIENT_ID_PATTERN.match(client_id) or len(access_token) > MAX_TOKEN:
            raise errors.not_found(docs)
        if not _is_text(access_token) or not _is_text(cred_secret):  # lone surrogates cannot be hashed
            raise errors.not_found(docs)
        app, record = self.store.load_app_token(client_id, tokens.hash_token(access_token))
        stored = app.client_secret_hash if app else DUMMY_SECRET_HASH
        if not tokens.secret_matches(cred_secret, stored) or app is None:
            raise errors.not_found(docs)
        record = self.service.live(record)
        if record is None or record.client_id != app.client_id:
            raise errors.not_found(docs)
        return app, record

    def check(self, client_id: str, authorization: str | None, query: Mapping[str, str], access_token: str) -> Issued:
        _, record = self.authenticate(client_id, authorization, query, access_token, DOCS_CHECK)
        return Issued(record, False, access_token)

    def reset(self, client_id: str, authorization: str | None, query: Mapping[str, str], access_token: str) -> Issued:
        """New token for the same authorization; the old one stops working in the same write."""
        app, current = self.authenticate(client_id, authorization, query, access_token, DOCS_RESET)
        for _ in range(_ATTEMPTS):
            token = tokens.new_token(tokens.APP_TOKEN_PREFIX)
            now = self.service.now()
            updated = current.model_copy(
                update={
                    "hashed_token": tokens.hash_token(token),
                    "token_last_eight": token[-8:],
                    "updated_at": iso(now),
                    "revision": current.revision + 1,
                    # A new token gets a full lifetime of its own.
                    "expires_at": expiry(now, app.token_lifetime),
                }
            )
            try:
                self.store.replace_authorization(current, updated)
                return Issued(updated, True, token)
            except IdCollision:
                continue
            except errors.ServiceUnavailable:
                if self.service.landed(updated):  # committed, answer lost: hand out the new token
                    return Issued(updated, True, token)
                raise
            except Conflict:
                if self.service.landed(updated):  # an earlier attempt of ours committed
                    return Issued(updated, True, token)
                # Reset, revoked or changed meanwhile: only go on if the presented token still holds.
                fresh = self.service.live(self.store.find_token(current.hashed_token))
                if fresh is None:
                    raise errors.not_found(DOCS_RESET) from None
                current = fresh
        raise errors.ServiceUnavailable()

    def revoke(self, client_id: str, authorization: str | None, query: Mapping[str, str], access_token: str) -> None:
        _, record = self.authenticate(client_id, authorization, query, access_token, DOCS_REVOKE)
        self.service.delete_records([record])

    def revoke_grant(
        self, client_id: str, authorization: str | None, query: Mapping[str, str], access_token: str
    ) -> None:
        """Every authorization of this app for the token's owner."""
        _, record = self.authenticate(client_id, authorization, query, access_token, DOCS_REVOKE_GRANT)
        mine = [r for r in self.store.list_authorizations(record.user_id) if r.client_id == client_id]
        self.service.delete_records(mine)


def token_user(service: AuthorizeService, authorization: str | None) -> AuthorizationRecord:
    """``GET /user`` with ``Authorization: token …`` or ``Bearer …``: the token's authorization."""
    creds = parse_authorization(authorization)
    if not isinstance(creds, Bearer):
        raise errors.requires_authentication()
    token = creds.token
    if not token or len(token) > MAX_TOKEN or not _is_text(token):
        raise errors.bad_credentials()
    record = service.live(service.store.find_token(tokens.hash_token(token)))
    if record is None:
        raise errors.bad_credentials()
    return record

"""The domain: who is calling, and the life of an authorization. No boto3 and no HTTP here."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from . import bodies, errors, passwords, scopes, tokens, totp
from .config import Settings, get_settings
from .credentials import Basic, Bearer, parse_authorization
from .models import (
    PERSONAL_APP_URL,
    PERSONAL_CLIENT_ID,
    AppRecord,
    AuthorizationRecord,
    LoginContext,
    UserRecord,
    expiry,
    iso,
)
from .pagination import Page
from .store import AlreadyExists, AuthorizationStore, Conflict, IdCollision

# Client ids we issue are 20 hex characters; GitHub's were 20 characters of [0-9a-zA-Z] with an
# optional "Iv1." prefix. Anything else cannot be an app, and is not worth a database read.
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
DUMMY_SECRET_HASH = tokens.hash_secret("no application has this secret")
_ATTEMPTS = 5


@dataclass(frozen=True)
class Caller:
    user: UserRecord
    context: LoginContext


@dataclass(frozen=True)
class Issued:
    """An authorization as a response shows it: ``token`` is plaintext only right after issuing."""

    authorization: AuthorizationRecord
    created: bool
    token: str


def parse_id(raw: str) -> int | None:
    """Path ids are positive integers below 2**53; anything else names nothing (404)."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 16:
        return None
    value = int(raw)
    return value if 0 < value <= tokens.MAX_SAFE_INTEGER else None


def verify_app(app: AppRecord | None, client_secret: str, docs: str) -> AppRecord:
    """Constant-time secret check; an unknown app costs the same as a wrong secret."""
    stored = app.client_secret_hash if app else DUMMY_SECRET_HASH
    if not tokens.secret_matches(client_secret, stored) or app is None:
        raise errors.invalid_application(docs)
    return app


class AuthorizeService:
    def __init__(
        self,
        store: AuthorizationStore,
        settings: Settings | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.settings = settings or get_settings()
        self.clock = clock

    # --- authentication (behaviour.md §3: the first failing check decides) ----------------------

    def now(self) -> datetime:
        return datetime.fromtimestamp(int(self.clock()), UTC)

    def live(self, record: AuthorizationRecord | None) -> AuthorizationRecord | None:
        """None for a missing or expired authorization (TTL purges expired items only eventually)."""
        return None if record is None or record.expired(self.clock()) else record

    def landed(self, record: AuthorizationRecord) -> bool:
        """After a write that went unanswered: did ``record`` (with its new token) commit after all?

        One read by token hash. A client that never got its plaintext token cannot ask for it again, so
        this is worth checking before answering 503; if the database still fails, the answer stays 503.
        """
        try:
            stored = self.store.find_token(record.hashed_token)
        except errors.ServiceUnavailable:
            return False
        return stored is not None and stored.id == record.id

    def _window(self) -> tuple[int, int]:
        now = int(self.clock())
        window = self.settings.lockout_window_seconds
        start = now - now % window
        return start, start + window

    def _fail_login(self, login: str) -> errors.ApiError:
        start, end = self._window()
        # The counter item outlives its window a little so late reads still see it; TTL purges it.
        self.store.record_failed_login(login, start, end + 60)
        return errors.bad_credentials()

    def authenticate_user(
        self,
        authorization: str | None,
        otp: str | None,
        *,
        client_id: str | None = None,
        authorization_id: int | None = None,
    ) -> Caller:
        """User Basic authentication with lockout and TOTP.

        User, app, lockout counter and (when named) the authorization are read in one batch.
        """
        creds = parse_authorization(authorization)
        if creds is None:
            raise errors.requires_authentication()
        if isinstance(creds, Bearer):
            raise errors.basic_auth_only()
        if not isinstance(creds, Basic):
            raise errors.bad_credentials()
        app_id = client_id if client_id is not None and CLIENT_ID_PATTERN.match(client_id) else None
        token_hash = tokens.hash_token(creds.password) if tokens.has_valid_checksum(creds.password) else None
        window_start, _ = self._window()
        context = self.store.load_login_context(
            creds.username, app_id, window_start, authorization_id=authorization_id, token_hash=token_hash
        )
        if context.password_token and context.password_token.user_login.lower() == creds.username.lower():
            raise errors.basic_auth_only()  # a token of this login used as its password
        if context.failed_logins >= self.settings.lockout_max_failures:
            raise errors.locked_out()
        user = context.user
        if not passwords.verify_password(user.password_hash if user else None, creds.password) or user is None:
            raise self._fail_login(creds.username)
        if user.totp_secret and not totp.verify(totp.unseal(user.totp_secret, user.id), otp):
            if otp:  # a wrong code counts toward the lockout; the first, code-less call does not
                self._fail_login(creds.username)
            raise errors.otp_required()
        return Caller(user=user, context=context)

    # --- building records -----------------------------------------------------------------------

    def _issue(
        self, user: UserRecord, app: AppRecord | None, body: bodies.AuthorizationFields
    ) -> tuple[str, AuthorizationRecord]:
        """A fresh token and the record for it: an app token, or a personal one when ``app`` is None."""
        token = tokens.new_token(tokens.APP_TOKEN_PREFIX if app else tokens.PERSONAL_TOKEN_PREFIX)
        moment = self.now()
        now = iso(moment)
        record = AuthorizationRecord(
            id=tokens.new_authorization_id(),
            user_id=user.id,
            user_login=user.login,
            client_id=app.client_id if app else PERSONAL_CLIENT_ID,
            # A personal token's "app" is named by its note (behaviour.md §2).
            app_name=app.name if app else body.note or "",
            app_url=app.url if app else PERSONAL_APP_URL,
            scopes=body.scopes or [],
            note=body.note,
            note_url=body.note_url,
            fingerprint=body.fingerprint,
            hashed_token=tokens.hash_token(token),
            token_last_eight=token[-8:],
            created_at=now,
            updated_at=now,
            expires_at=expiry(moment, app.token_lifetime if app else None),
        )
        return token, record

    # --- PUT /authorizations/clients/{client_id}[/{fingerprint}] (behaviour.md §5, §8) ----------

    def get_or_create(
        self,
        *,
        authorization: str | None,
        otp: str | None,
        client_id: str,
        path_fingerprint: str | None,
        raw_body: bytes | str | None,
    ) -> Issued:
        docs = errors.DOCS_GET_OR_CREATE_FINGERPRINT if path_fingerprint is not None else errors.DOCS_GET_OR_CREATE
        caller = self.authenticate_user(authorization, otp, client_id=client_id)
        payload = bodies.parse_json_object(raw_body)
        if path_fingerprint is not None and len(path_fingerprint) > bodies.MAX_FINGERPRINT:
            raise errors.validation_failed([errors.field_error("fingerprint", "invalid")], docs)
        body = bodies.get_or_create_body(payload, client_id, path_fingerprint, docs)
        app = verify_app(caller.context.app, body.client_secret, docs)
        for _ in range(_ATTEMPTS):
            token, record = self._issue(caller.user, app, body)
            try:
                stored, created = self.store.get_or_create_authorization(record, now=int(self.clock()))
            except IdCollision:
                continue
            except errors.ServiceUnavailable:
                if self.landed(record):  # it committed; only the answer was lost: the token is still ours
                    return Issued(record, True, token)
                raise
            return Issued(stored, created, token if created else "")
        raise errors.ServiceUnavailable()

    # --- POST /authorizations (behaviour.md §6.1) -----------------------------------------------

    def create(self, *, authorization: str | None, otp: str | None, raw_body: bytes | str | None) -> Issued:
        docs = errors.DOCS_AUTHORIZATIONS + "#create-a-new-authorization"
        peeked = bodies.peek_json_object(raw_body)
        client_id = peeked.get("client_id") if isinstance(peeked.get("client_id"), str) else None
        caller = self.authenticate_user(authorization, otp, client_id=client_id)
        body = bodies.create_body(bodies.parse_json_object(raw_body), docs)
        if body.client_id is not None or body.client_secret is not None:
            if body.client_id is None or body.client_secret is None or body.client_id != client_id:
                raise errors.invalid_application(docs)
            app: AppRecord | None = verify_app(caller.context.app, body.client_secret, docs)
        else:
            app = None
        for _ in range(_ATTEMPTS):
            token, record = self._issue(caller.user, app, body)
            try:
                self.store.create_authorization(record)
            except IdCollision:
                continue
            except errors.ServiceUnavailable:
                if self.landed(record):
                    return Issued(record, True, token)
                raise
            except AlreadyExists:
                field = "fingerprint" if app is not None else "description"
                raise errors.validation_failed([errors.field_error(field, "already_exists")], docs) from None
            return Issued(record, True, token)
        raise errors.ServiceUnavailable()

    # --- GET /authorizations, GET /authorizations/{id} (behaviour.md §6.2, §6.3) ----------------

    def list_authorizations(
        self, *, authorization: str | None, otp: str | None, query: Mapping[str, str]
    ) -> tuple[list[AuthorizationRecord], Page, int]:
        caller = self.authenticate_user(authorization, otp)
        records = [r for r in self.store.list_authorizations(caller.user.id) if self.live(r)]
        client_id = query.get("client_id")
        if client_id:
            records = [r for r in records if r.client_id == client_id]
        records.sort(key=lambda r: r.id, reverse=True)  # newest first
        page = Page.from_query(query)
        return page.slice(records), page, len(records)

    def _owned(self, caller: Caller, record: AuthorizationRecord | None) -> AuthorizationRecord:
        # Someone else's authorization is indistinguishable from a missing one (no existence leak).
        record = self.live(record)
        if record is None or record.user_id != caller.user.id:
            raise errors.not_found(errors.DOCS_AUTHORIZATIONS)
        return record

    def get(self, *, authorization: str | None, otp: str | None, raw_id: str) -> AuthorizationRecord:
        authorization_id = parse_id(raw_id)
        caller = self.authenticate_user(authorization, otp, authorization_id=authorization_id)
        return self._owned(caller, caller.context.authorization)

    # --- PATCH /authorizations/{id} (behaviour.md §6.4) -----------------------------------------

    def update(
        self, *, authorization: str | None, otp: str | None, raw_id: str, raw_body: bytes | str | None
    ) -> AuthorizationRecord:
        docs = errors.DOCS_AUTHORIZATIONS + "#update-an-existing-authorization"
        authorization_id = parse_id(raw_id)
        caller = self.authenticate_user(authorization, otp, authorization_id=authorization_id)
        current = self._owned(caller, caller.context.authorization)
        change = bodies.update_body(bodies.parse_json_object(raw_body), docs)
        for _ in range(_ATTEMPTS):
            updated = self._apply(current, change, docs, self.now())
            try:
                self.store.replace_authorization(current, updated)
                return updated
            except AlreadyExists:
                field = "description" if current.is_personal else "fingerprint"
                raise errors.validation_failed([errors.field_error(field, "already_exists")], docs) from None
            except Conflict:
                fresh = self.store.get_authorization(current.id)
                if fresh == updated:  # our own write, committed by an attempt whose answer was lost
                    return updated
                current = self._owned(caller, fresh)
        raise errors.ServiceUnavailable()

    @staticmethod
    def _apply(
        current: AuthorizationRecord, change: bodies.UpdateBody, docs: str, now: datetime
    ) -> AuthorizationRecord:
        fields = change.model_fields_set
        new_scopes = list(current.scopes)
        if change.scopes is not None:
            new_scopes = change.scopes
        elif change.add_scopes is not None:
            new_scopes = scopes.normalize([*current.scopes, *change.add_scopes])
        elif change.remove_scopes is not None:
            removed = set(change.remove_scopes)
            new_scopes = [s for s in current.scopes if s not in removed]
        update: dict[str, Any] = {
            "scopes": new_scopes,
            "updated_at": iso(now),
            "revision": current.revision + 1,
        }
        for name in ("note", "note_url", "fingerprint"):
            if name in fields:
                update[name] = getattr(change, name)
        if current.is_personal:
            # A personal token is named by its note: it cannot lose it, and its "app" follows it.
            if not update.get("note", current.note):
                raise errors.validation_failed([errors.field_error("description", "missing_field")], docs)
            update["app_name"] = update.get("note", current.note)
        return current.model_copy(update=update)

    # --- DELETE /authorizations/{id} (behaviour.md §6.5) ----------------------------------------

    def delete(self, *, authorization: str | None, otp: str | None, raw_id: str) -> None:
        authorization_id = parse_id(raw_id)
        caller = self.authenticate_user(authorization, otp, authorization_id=authorization_id)
        current = self._owned(caller, caller.context.authorization)
        for _ in range(_ATTEMPTS):
            try:
                self.store.delete_authorizations([current])
                return
            except Conflict:
                current = self._owned(caller, self.store.get_authorization(current.id))
        raise errors.ServiceUnavailable()

    # --- grants: one per app the user has authorized (behaviour.md §6.6) ------------------------

    def grants(self, caller: Caller) -> dict[str, list[AuthorizationRecord]]:
        by_app: dict[str, list[AuthorizationRecord]] = {}
        for record in self.store.list_authorizations(caller.user.id):
            if not record.is_personal and self.live(record):
                by_app.setdefault(record.client_id, []).append(record)
        return by_app

    def delete_records(self, records: list[AuthorizationRecord]) -> None:
        """Delete a set read moments ago; a record changed meanwhile is read again and retried."""
        for _ in range(_ATTEMPTS):
            try:
                self.store.delete_authorizations(records)
                return
            except Conflict:
                fresh = [self.store.get_authorization(r.id) for r in records]
                records = [r for r in fresh if r is not None]
        raise errors.ServiceUnavailable()

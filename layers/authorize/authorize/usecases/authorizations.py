"""A user's authorizations (behaviour.md §5, §6): get-or-create, create, list, get, update, delete.

Every method takes a ``Caller`` already authenticated by ``login.Login`` (the route authenticates
first, so credentials are checked before a body is read, as GitHub did).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..domain import authorizations as rules
from ..domain.apps import verified_app
from ..domain.authorizations import Issued
from ..domain.exceptions import FieldError, InvalidApplication, NotFound, ValidationFailed
from ..domain.inputs import AuthorizationFields, CreateBody, GetOrCreateBody, UpdateBody
from ..domain.paging import Page, Paged
from ..domain.records import AppRecord, AuthorizationRecord, UserRecord
from ..ports import AlreadyExists
from .deps import Deps
from .login import Caller
from .retry import STORED, Stored, deletions_landed, token_landed, write_with_retry

# A replace is drawn as (the record as read, the record to store instead).
Replacement = tuple[AuthorizationRecord, AuthorizationRecord]


class Authorizations:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.store = deps.store

    def _issue(self, user: UserRecord, app: AppRecord | None, fields: AuthorizationFields) -> Issued:
        return rules.issue(user, app, fields, self.deps.now())

    def _landed(self, issued: Issued) -> bool:
        return token_landed(self.store, issued.authorization)

    # --- PUT /authorizations/clients/{client_id}[/{fingerprint}] ---------------------------------

    def get_or_create(self, caller: Caller, body: GetOrCreateBody) -> Issued:
        """The caller's authorization for (app, fingerprint): the existing one (``token`` empty), or a
        new one with its token. Creating is one conditional write, so a race cannot create two; the
        existing one comes from the login batch when it was read there, else from that write's refusal."""
        app = verified_app(caller.app, body.client_secret)
        if app is None:
            raise InvalidApplication()
        # Read with the caller (a warm container knows the user's id): a repeat costs no write.
        existing = self.deps.live(caller.keyed)
        if existing is not None and (existing.client_id, existing.fingerprint) == (app.client_id, body.fingerprint):
            return Issued(existing, False, "")
        return self.get_or_create_for(caller.user, app, body)

    def get_or_create_for(self, user: UserRecord, app: AppRecord, body: AuthorizationFields) -> Issued:
        """Get-or-create for a user and an app already verified (also the site administrator's
        impersonation token, of the pseudo-app ``IMPERSONATION_APP``)."""
        written = write_with_retry(
            body,
            lambda fields: self._issue(user, app, fields),
            lambda issued: self.store.get_or_create_authorization(issued.authorization, now=int(self.deps.clock())),
            landed=self._landed,
        )
        if written.result is None:  # it committed; only the answer was lost: the token is still ours
            return written.draft
        stored, created = written.result
        return Issued(stored, created, written.draft.token if created else "")

    # --- POST /authorizations ---------------------------------------------------------------------

    def create(self, caller: Caller, body: CreateBody, peeked_client_id: str | None) -> Issued:
        """A new authorization: a personal token, or an app's when the body names the app (whose
        record was read with the caller, by the ``client_id`` peeked from the body)."""
        app: AppRecord | None = None
        if body.client_id is not None or body.client_secret is not None:
            if body.client_id is None or body.client_secret is None or body.client_id != peeked_client_id:
                raise InvalidApplication()
            app = verified_app(caller.app, body.client_secret)
            if app is None:
                raise InvalidApplication()
        try:
            written = write_with_retry(
                body,
                lambda fields: self._issue(caller.user, app, fields),
                lambda issued: self.store.create_authorization(issued.authorization),
                landed=self._landed,
            )
        except AlreadyExists:
            raise ValidationFailed(FieldError("fingerprint" if app else "description", "already_exists")) from None
        return written.draft

    # --- GET /authorizations, GET /authorizations/{id} ---------------------------------------------

    def list_authorizations(
        self, caller: Caller, page: Page, client_id: str | None = None
    ) -> Paged[AuthorizationRecord]:
        """The caller's live authorizations, newest first, optionally of one app."""
        records = [r for r in self.store.list_authorizations(caller.user.id) if self.deps.live(r)]
        if client_id:
            records = [r for r in records if r.client_id == client_id]
        records.sort(key=lambda r: r.id, reverse=True)
        return Paged.of(records, page)

    def owned(self, caller: Caller, record: AuthorizationRecord | None) -> AuthorizationRecord:
        # Someone else's authorization is indistinguishable from a missing one (no existence leak).
        record = self.deps.live(record)
        if record is None or record.user_id != caller.user.id:
            raise NotFound()
        return record

    def get(self, caller: Caller) -> AuthorizationRecord:
        """The authorization the request named, read with the caller."""
        return self.owned(caller, caller.authorization)

    # --- PATCH /authorizations/{id} -------------------------------------------------------------

    def update(self, caller: Caller, current: AuthorizationRecord, change: UpdateBody) -> AuthorizationRecord:
        def draft(record: AuthorizationRecord) -> Replacement:
            return record, rules.apply_update(record, change, self.deps.now())

        def refresh(_: AuthorizationRecord, replacement: Replacement) -> AuthorizationRecord | Stored:
            updated = replacement[1]
            fresh = self.store.get_authorization(updated.id)
            if fresh == updated:  # our own write, committed by an attempt whose answer was lost
                return STORED
            return self.owned(caller, fresh)

        try:
            written = write_with_retry(
                current, draft, lambda pair: self.store.replace_authorization(*pair), refresh=refresh
            )
        except AlreadyExists:
            field = "description" if current.is_personal else "fingerprint"
            raise ValidationFailed(FieldError(field, "already_exists")) from None
        return written.draft[1]

    # --- DELETE /authorizations/{id} and every bulk deletion ------------------------------------

    def delete(self, caller: Caller, current: AuthorizationRecord) -> None:
        write_with_retry(
            current,
            lambda record: record,
            lambda record: self.store.delete_authorizations([record]),
            refresh=lambda record, _: self.owned(caller, self.store.get_authorization(record.id)),
            landed=lambda record: deletions_landed(self.store, [record]),
        )

    def delete_records(self, records: Sequence[AuthorizationRecord]) -> None:
        """Delete a set read moments ago; a record changed meanwhile is read again and retried."""

        def refresh(current: list[AuthorizationRecord], _: object) -> list[AuthorizationRecord]:
            fresh = [self.store.get_authorization(r.id) for r in current]
            return [r for r in fresh if r is not None]

        write_with_retry(
            list(records),
            lambda current: current,
            self.store.delete_authorizations,
            refresh=refresh,
            landed=lambda current: deletions_landed(self.store, current),
        )

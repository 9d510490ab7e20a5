"""Administering users: what GitHub Enterprise Server's site-administrator API does (create, rename,
promote and demote, suspend and unsuspend, delete), shared by the REST routes and the admin CLI.

``actor`` is the site administrator acting over the API, or None for the operator at the CLI, who holds
the table's keys: GitHub's rule that an administrator cannot demote, suspend or delete their own account
binds the first (and, checked in the same write, they must still be an active site administrator when it
commits, so no two administrators can demote each other at once); the CLI may do anything, as GHES's
``ghe-user-*`` console commands may.

Deleting marks the user first (every password and token of theirs stops working in that write), then
deletes their authorizations in batched transactions, then the user, which frees the login. A failure on
the way leaves a user marked as being deleted; deleting it again finishes the job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..domain import passwords, totp
from ..domain import users as rules
from ..domain.admin_inputs import LOGIN_PATTERN, USER_RESOURCE, NewUser, Profile, check_password
from ..domain.exceptions import FieldError, NotFound, SiteAdminRequired, ValidationFailed
from ..domain.records import UserRecord, iso
from ..domain.totp import TotpSealer
from ..ports import ActorRefused, AlreadyExists, AuthorizationStore
from .authorizations import Authorizations
from .deps import Deps
from .retry import STORED, Stored, write_with_retry

Change = Callable[[UserRecord], UserRecord | None]  # the changed user, or None: nothing to change


def already_exists(error: AlreadyExists) -> ValidationFailed:
    return ValidationFailed(FieldError(error.what or "login", "already_exists", resource=USER_RESOURCE))


@dataclass(frozen=True)
class Created:
    user: UserRecord
    totp_secret: str | None = None  # the plaintext seed, shown once to the operator


def create_user(
    store: AuthorizationStore,
    fields: NewUser,
    now: datetime,
    *,
    password: str | None = None,
    sealer: TotpSealer | None = None,
    site_admin: bool = False,
) -> Created:
    """A new user; with a ``sealer``, with a fresh TOTP seed sealed by it. Without ``password`` it has
    none until one is set (its impersonation tokens work at once). ``AlreadyExists("login" | "email")``
    when taken (case-insensitively)."""
    if password is not None:
        check_password(password)
    user_id = store.allocate_user_id()
    secret = totp.new_secret() if sealer is not None else None
    user = rules.new_user(
        user_id,
        fields,
        now,
        password_hash=passwords.hash_password(password) if password is not None else None,
        totp_secret=sealer.seal(secret, user_id) if sealer is not None and secret else None,
        site_admin=site_admin,
    )
    store.put_user(user)
    return Created(user, secret)


class UsersAdmin:
    def __init__(self, deps: Deps, authorizations: Authorizations) -> None:
        self.deps = deps
        self.store = deps.store
        self.authorizations = authorizations

    # --- reading ----------------------------------------------------------------------------------

    def find(self, login: str, *, deleting: bool = False) -> UserRecord:
        """The user with this login; ``NotFound`` when none (or it is being deleted, unless ``deleting``)."""
        user = self.store.get_user(login) if LOGIN_PATTERN.match(login) else None
        if user is None or (user.deleted_at is not None and not deleting):
            raise NotFound()
        return user

    def list(self) -> list[UserRecord]:
        return self.store.list_users()

    # --- creating ---------------------------------------------------------------------------------

    def create(
        self,
        fields: NewUser,
        *,
        password: str | None = None,
        two_factor: bool = False,
        site_admin: bool = False,
    ) -> Created:
        return create_user(
            self.store,
            fields,
            self.deps.now(),
            password=password,
            sealer=self.deps.sealer if two_factor else None,
            site_admin=site_admin,
        )

    def create_for_api(self, fields: NewUser) -> UserRecord:
        """``POST /admin/users`` (no password until one is set): a taken login or email is GitHub's 422
        ``already_exists``."""
        try:
            return self.create(fields).user
        except AlreadyExists as exc:
            raise already_exists(exc) from None

    # --- changing ---------------------------------------------------------------------------------

    def change(self, actor: UserRecord | None, login: str, change: Change) -> UserRecord:
        """Apply ``change`` to the user in one conditional write, re-reading and retrying if the user
        changed meanwhile; the user as stored afterwards."""
        return self._write(actor, self.find(login), change)

    def _write(self, actor: UserRecord | None, current: UserRecord, change: Change) -> UserRecord:

        def refresh(user: UserRecord, drafted: tuple[UserRecord, UserRecord]) -> UserRecord | Stored:
            fresh, _ = self.store.get_owner(user.id, user.login)
            if fresh == drafted[1]:
                return STORED  # our own write, committed by an attempt whose answer was lost
            if fresh is None or fresh.deleted_at is not None:
                raise NotFound()
            return fresh

        def draft(user: UserRecord) -> tuple[UserRecord, UserRecord]:
            return user, change(user) or user

        def write(pair: tuple[UserRecord, UserRecord]) -> None:
            if pair[1] is not pair[0]:  # nothing to change: no write
                self.store.replace_user(pair[0], pair[1], actor=actor)

        try:
            written = write_with_retry(current, draft, write, refresh=refresh)
        except AlreadyExists as exc:
            raise already_exists(exc) from None
        except ActorRefused:
            raise SiteAdminRequired() from None
        return written.draft[1]

    def rename(self, actor: UserRecord | None, login: str, new_login: str) -> UserRecord:
        """Atomic: the login item moves in one transaction; id, authorizations and tokens stay the user's,
        and the old login is free at once."""
        return self.change(actor, login, lambda u: rules.revised(u, self.deps.now(), login=new_login))

    def set_site_admin(self, actor: UserRecord | None, login: str, site_admin: bool) -> UserRecord:
        def change(user: UserRecord) -> UserRecord | None:
            if not site_admin:
                rules.refuse_own_account(actor, user)
            return rules.revised(user, self.deps.now(), site_admin=site_admin)

        return self.change(actor, login, change)

    def set_suspended(self, actor: UserRecord | None, login: str, suspended: bool) -> UserRecord:
        """Suspended: its password and every token of its stop working, until unsuspended (they are kept)."""

        def change(user: UserRecord) -> UserRecord | None:
            if suspended:
                rules.refuse_own_account(actor, user)
            now = self.deps.now()
            stamp = (user.suspended_at or iso(now)) if suspended else None
            return rules.revised(user, now, suspended_at=stamp)

        return self.change(actor, login, change)

    def update_profile(self, login: str, profile: Profile) -> UserRecord:
        """The profile fields ``profile`` names (``None`` clears one)."""
        return self.change(None, login, lambda u: rules.revised(u, self.deps.now(), **profile.sent()))

    # --- deleting ---------------------------------------------------------------------------------

    def delete(self, actor: UserRecord | None, login: str) -> int:
        """Delete the user and every authorization of theirs; how many authorizations were deleted."""
        user = self.find(login, deleting=True)
        rules.refuse_own_account(actor, user)
        if user.deleted_at is None:
            now = self.deps.now()
            user = self._write(actor, user, lambda u: rules.revised(u, now, deleted_at=iso(now)))
        revoked = self.store.list_authorizations(user.id)
        self.authorizations.delete_records(revoked)

        def refresh(current: UserRecord, _: UserRecord) -> UserRecord | Stored:
            fresh, _app = self.store.get_owner(current.id, current.login)
            return STORED if fresh is None else fresh

        write_with_retry(user, lambda u: u, self.store.delete_user, refresh=refresh)
        return len(revoked)

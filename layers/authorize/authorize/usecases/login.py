"""Who is calling: user Basic authentication with the failed-login limit and TOTP (behaviour.md §3).

The first failing check decides. User, app, lockout counter and (when named) an authorization are
read in one batch, so a login this container has verified before costs that one round trip.

The limit holds by construction under concurrency: a password or two-factor code is only evaluated
after an attempt is reserved with one conditional write that refuses once ``lockout_max_failures``
attempts are counted in the window. A wrong guess keeps its reservation (it is the failure); a right
one gives it back. A password (or code) this container verified moments ago needs no reservation:
that is no guess, and deciding it by the batch's counter is linearisable (it happened before the
failures the counter does not show yet).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from ..domain import tokens, totp
from ..domain.apps import could_be_client_id
from ..domain.credentials import Basic, Bearer, Credentials
from ..domain.exceptions import (
    AccountSuspended,
    AuthenticationRequired,
    BadCredentials,
    LockedOut,
    OtpRequired,
    PasswordRequired,
)
from ..domain.lockout import Window
from ..domain.records import AppRecord, AuthorizationRecord, UserRecord
from ..domain.verified import VerifiedCache
from ..ports import AuthorizationKey, LoginContext
from .deps import Deps

# An accepted code stays acceptable for at most its own 30 s step and the next (valid_window=1).
OTP_MEMORY_SECONDS = 60
USER_IDS_MAX = 4096


@dataclass(frozen=True)
class Caller:
    """An authenticated user, and what was read with them: the app, the authorization the request
    names by id, and the one under the get-or-create key it asked for (None when absent)."""

    user: UserRecord
    app: AppRecord | None = None
    authorization: AuthorizationRecord | None = None
    keyed: AuthorizationRecord | None = None


class UserIds:
    """login -> user id, as verified by this container. A login keeps its id while the user exists;
    a cached id is only used together with the user item read in the same batch, which proves it."""

    def __init__(self, max_entries: int = USER_IDS_MAX) -> None:
        self._ids: OrderedDict[str, int] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def get(self, login: str) -> int | None:
        with self._lock:
            return self._ids.get(login.lower())

    def remember(self, login: str, user_id: int) -> None:
        with self._lock:
            self._ids[login.lower()] = user_id
            self._ids.move_to_end(login.lower())
            while len(self._ids) > self._max:
                self._ids.popitem(last=False)


class _Attempt:
    """At most one reservation per request, given back if the credentials turn out right."""

    def __init__(self, login: Login, name: str, window: Window) -> None:
        self.login, self.name, self.window = login, name, window
        self.reserved = False

    def reserve(self) -> None:
        if self.reserved:
            return
        store, limit = self.login.deps.store, self.login.deps.settings.lockout_max_failures
        if not store.reserve_attempt(self.name, self.window.start, self.window.counter_expires, limit):
            raise LockedOut()
        self.reserved = True

    def release(self) -> None:
        if self.reserved:
            self.login.deps.store.release_attempt(self.name, self.window.start)
            self.reserved = False


class Login:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.user_ids = UserIds()
        self.codes = VerifiedCache(min(OTP_MEMORY_SECONDS, deps.settings.password_cache_seconds))

    def _window(self) -> Window:
        return Window.containing(self.deps.clock(), self.deps.settings.lockout_window_seconds)

    def authenticate(
        self,
        credentials: Credentials,
        otp: str | None,
        *,
        client_id: str | None = None,
        authorization_id: int | None = None,
        get_or_create: bool = False,
        fingerprint: str | None = None,
    ) -> Caller:
        """With ``get_or_create``, also read the caller's authorization under the key (client_id,
        fingerprint) in the same batch, when this container knows the login's user id."""
        if credentials is None:
            raise AuthenticationRequired()
        if isinstance(credentials, Bearer):
            raise PasswordRequired()
        if not isinstance(credentials, Basic):
            raise BadCredentials()
        login, password = credentials.username, credentials.password
        app_id = client_id if could_be_client_id(client_id) else None
        known_id = self.user_ids.get(login) if get_or_create and app_id is not None else None
        window = self._window()
        context = self.deps.store.load_login_context(
            login,
            app_id,
            window.start,
            authorization_id=authorization_id,
            token_hash=tokens.hash_token(password) if tokens.has_valid_checksum(password) else None,
            keyed=AuthorizationKey(known_id, app_id, fingerprint) if known_id is not None and app_id else None,
        )
        user = self._verified_user(context, password, otp, _Attempt(self, login, window))
        self.user_ids.remember(login, user.id)
        keyed = context.keyed if known_id == user.id else None  # a recreated or renamed login: not theirs
        return Caller(user=user, app=context.app, authorization=context.authorization, keyed=keyed)

    def _verified_user(self, context: LoginContext, password: str, otp: str | None, attempt: _Attempt) -> UserRecord:
        # A user being deleted is already gone for logins (its login is freed once its tokens are).
        user = context.user if context.user is not None and context.user.deleted_at is None else None
        if context.password_token and user is not None and context.password_token.user_id == user.id:
            raise PasswordRequired()  # a token of this login used as its password
        if context.failed_logins >= self.deps.settings.lockout_max_failures:
            raise LockedOut()
        passwords = self.deps.passwords
        if user is None or not passwords.known(user.password_hash, password):
            attempt.reserve()
            if not passwords.verify(user.password_hash if user else None, password) or user is None:
                raise BadCredentials()  # the reservation stays: it is this failure
        if user.totp_secret:
            self._second_factor(user, otp, attempt)
        attempt.release()
        if user.suspended_at is not None:  # only a caller with every credential right learns this
            raise AccountSuspended()
        return user

    def _second_factor(self, user: UserRecord, otp: str | None, attempt: _Attempt) -> None:
        if not otp:  # the first, code-less call is a challenge, not a guess
            attempt.release()
            raise OtpRequired()
        user_key = f"{user.id}:{user.totp_secret}"
        if self.codes.holds(user_key, otp):
            return
        attempt.reserve()
        if not totp.verify(self.deps.sealer.unseal(user.totp_secret or "", user.id), otp):
            raise OtpRequired()  # the reservation stays: a wrong code counts toward the lockout
        self.codes.add(user_key, otp)

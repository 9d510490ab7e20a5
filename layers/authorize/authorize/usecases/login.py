"""Who is calling: user Basic authentication with the failed-login limit and TOTP (behaviour.md §3).

The first failing check decides. User, app, lockout counter and (when named) an authorization are
read in one batch, so a successful login costs one round trip.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import tokens, totp
from ..domain.apps import could_be_client_id
from ..domain.credentials import Basic, Bearer, Credentials
from ..domain.exceptions import AuthenticationRequired, BadCredentials, LockedOut, OtpRequired, PasswordRequired
from ..domain.lockout import Window
from ..domain.records import AppRecord, AuthorizationRecord, UserRecord
from .deps import Deps


@dataclass(frozen=True)
class Caller:
    """An authenticated user, and what was read with them: the app and the authorization the request
    names (None when it named none, or they do not exist)."""

    user: UserRecord
    app: AppRecord | None = None
    authorization: AuthorizationRecord | None = None


class Login:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def _window(self) -> Window:
        return Window.containing(self.deps.clock(), self.deps.settings.lockout_window_seconds)

    def _count_failure(self, login: str) -> None:
        window = self._window()
        self.deps.store.record_failed_login(login, window.start, window.counter_expires)

    def authenticate(
        self,
        credentials: Credentials,
        otp: str | None,
        *,
        client_id: str | None = None,
        authorization_id: int | None = None,
    ) -> Caller:
        if credentials is None:
            raise AuthenticationRequired()
        if isinstance(credentials, Bearer):
            raise PasswordRequired()
        if not isinstance(credentials, Basic):
            raise BadCredentials()
        login, password = credentials.username, credentials.password
        token_hash = tokens.hash_token(password) if tokens.has_valid_checksum(password) else None
        context = self.deps.store.load_login_context(
            login,
            client_id if could_be_client_id(client_id) else None,
            self._window().start,
            authorization_id=authorization_id,
            token_hash=token_hash,
        )
        if context.password_token and context.password_token.user_login.lower() == login.lower():
            raise PasswordRequired()  # a token of this login used as its password
        if context.failed_logins >= self.deps.settings.lockout_max_failures:
            raise LockedOut()
        user = context.user
        if not self.deps.passwords.verify(user.password_hash if user else None, password) or user is None:
            self._count_failure(login)
            raise BadCredentials()
        if user.totp_secret and not totp.verify(self.deps.sealer.unseal(user.totp_secret, user.id), otp):
            if otp:  # a wrong code counts toward the lockout; the first, code-less call does not
                self._count_failure(login)
            raise OtpRequired()
        return Caller(user=user, app=context.app, authorization=context.authorization)

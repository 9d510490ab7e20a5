"""``GET /user``: who the credentials belong to, by token or by password (how clients confirm a token)."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.credentials import Bearer, Credentials
from .app_tokens import AppTokens
from .login import Login


@dataclass(frozen=True)
class Me:
    user_id: int
    login: str
    scopes: list[str] | None  # the token's scopes; None when the caller authenticated with a password


class Users:
    def __init__(self, login: Login, app_tokens: AppTokens) -> None:
        self.login = login
        self.app_tokens = app_tokens

    def me(self, credentials: Credentials, otp: str | None) -> Me:
        if isinstance(credentials, Bearer):
            record = self.app_tokens.token_owner(credentials.token)
            return Me(record.user_id, record.user_login, list(record.scopes))
        user = self.login.authenticate(credentials, otp).user  # Basic, broken or absent
        return Me(user.id, user.login, None)

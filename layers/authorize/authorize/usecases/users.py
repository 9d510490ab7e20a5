"""``GET /user``: who the credentials belong to, by token or by password (how clients confirm a token)."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.credentials import Bearer, Credentials
from ..domain.records import UserRecord
from .login import Login
from .owners import Owners


@dataclass(frozen=True)
class Me:
    user: UserRecord
    scopes: list[str] | None  # the token's scopes; None when the caller authenticated with a password


class Users:
    def __init__(self, login: Login, owners: Owners) -> None:
        self.login = login
        self.owners = owners

    def me(self, credentials: Credentials, otp: str | None) -> Me:
        if isinstance(credentials, Bearer):
            owned = self.owners.of_token(credentials.token)
            return Me(owned.user, list(owned.authorization.scopes))
        return Me(self.login.authenticate(credentials, otp).user, None)  # Basic, broken or absent

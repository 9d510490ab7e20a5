"""An operator's help with a user's credentials (the admin CLI): a new password, two-factor
authentication enabled (again) or disabled, and the failed-login limit lifted.

None of this has a GitHub API: GHES does it in its site-admin pages and console.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import passwords, totp
from ..domain import users as rules
from ..domain.admin_inputs import check_password
from ..domain.records import UserRecord
from .users_admin import UsersAdmin


@dataclass(frozen=True)
class Enrolled:
    user: UserRecord
    totp_secret: str  # the plaintext seed, shown once to the operator


class CredentialsAdmin:
    def __init__(self, users: UsersAdmin) -> None:
        self.users = users
        self.deps = users.deps

    def set_password(self, login: str, password: str) -> UserRecord:
        """Also for a user created over the API, who has none until this. A verified-password cache
        entry is keyed by the stored hash, so the old password stops working at once."""
        password_hash = passwords.hash_password(check_password(password))
        return self.users.change(None, login, lambda u: rules.revised(u, self.deps.now(), password_hash=password_hash))

    def enable_2fa(self, login: str) -> Enrolled:
        """A fresh TOTP seed (re-enrolling replaces the old one, which stops working at once)."""
        secret = totp.new_secret()
        user = self.users.find(login)
        sealed = self.deps.sealer.seal(secret, user.id)  # bound to the user id, which never changes
        return Enrolled(
            self.users.change(None, login, lambda u: rules.revised(u, self.deps.now(), totp_secret=sealed)), secret
        )

    def disable_2fa(self, login: str) -> UserRecord:
        return self.users.change(None, login, lambda u: rules.revised(u, self.deps.now(), totp_secret=None))

    def unlock(self, login: str) -> int:
        """Forget the user's failed logins (every window): the lockout ends at once."""
        return self.deps.store.clear_failed_logins(self.users.find(login).login)

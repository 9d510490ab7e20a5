"""Who may use the site-administrator API: a site administrator, with Basic credentials (and 2FA, the
lockout and the suspension rule, as on every Basic route) or a token carrying the ``site_admin`` scope.
Anyone else: ``SiteAdminRequired`` (403)."""

from __future__ import annotations

from ..domain.credentials import Bearer, Credentials
from ..domain.exceptions import SiteAdminRequired
from ..domain.records import UserRecord
from ..domain.scopes import SITE_ADMIN
from .login import Login
from .owners import Owners


class SiteAdmins:
    def __init__(self, login: Login, owners: Owners) -> None:
        self.login = login
        self.owners = owners

    def authenticate(self, credentials: Credentials, otp: str | None) -> UserRecord:
        if isinstance(credentials, Bearer):
            owned = self.owners.of_token(credentials.token)
            if SITE_ADMIN not in owned.authorization.scopes:
                raise SiteAdminRequired()
            user = owned.user
        else:
            user = self.login.authenticate(credentials, otp).user
        if not user.site_admin:
            raise SiteAdminRequired()
        return user

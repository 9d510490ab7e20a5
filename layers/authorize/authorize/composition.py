"""Putting the application together: settings -> store, key source, verifier -> use cases.

The Lambda handler, the local server, the admin CLI and the tests all compose through here, so each
gets the same wiring; only the store (and, in tests, the clock) differs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .adapters.secrets import totp_key_source
from .domain.passwords import PasswordVerifier
from .domain.totp import TotpSealer
from .ports import AuthorizationStore
from .settings import Settings
from .usecases.app_tokens import AppTokens
from .usecases.authorizations import Authorizations
from .usecases.deps import Deps
from .usecases.grants import Grants
from .usecases.login import Login
from .usecases.owners import Owners
from .usecases.revocation import Revocation
from .usecases.users import Users

if TYPE_CHECKING:  # imported when the administration is first used (see UseCases.admin)
    from .usecases.apps_admin import AppsAdmin, TokensAdmin
    from .usecases.credentials_admin import CredentialsAdmin
    from .usecases.impersonation import Impersonation
    from .usecases.site_admins import SiteAdmins
    from .usecases.users_admin import UsersAdmin


def sealer_for(settings: Settings) -> TotpSealer:
    return TotpSealer(totp_key_source(settings))


@dataclass(frozen=True)
class Administration:
    """The site-administrator API's and the admin CLI's use cases (one implementation for both doors)."""

    site_admins: SiteAdmins
    users: UsersAdmin
    credentials: CredentialsAdmin
    impersonation: Impersonation
    apps: AppsAdmin
    tokens: TokensAdmin

    @classmethod
    def build(cls, deps: Deps, login: Login, owners: Owners, authorizations: Authorizations) -> Administration:
        from .usecases.apps_admin import AppsAdmin, TokensAdmin
        from .usecases.credentials_admin import CredentialsAdmin
        from .usecases.impersonation import Impersonation
        from .usecases.site_admins import SiteAdmins
        from .usecases.users_admin import UsersAdmin

        users = UsersAdmin(deps, authorizations)
        return cls(
            SiteAdmins(login, owners),
            users,
            CredentialsAdmin(users),
            Impersonation(users),
            AppsAdmin(deps, authorizations),
            TokensAdmin(users),
        )


@dataclass(frozen=True)
class UseCases:
    deps: Deps
    login: Login
    authorizations: Authorizations
    grants: Grants
    app_tokens: AppTokens
    users: Users
    owners: Owners
    revocation: Revocation

    @cached_property
    def admin(self) -> Administration:
        """Built (and its modules imported) on first use: most containers never serve a site
        administrator, and a cold start should not pay for the administration's code."""
        return Administration.build(self.deps, self.login, self.owners, self.authorizations)

    @property
    def settings(self) -> Settings:
        return self.deps.settings

    @property
    def store(self) -> AuthorizationStore:
        return self.deps.store

    @classmethod
    def build(
        cls,
        store: AuthorizationStore,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.time,
        sealer: TotpSealer | None = None,
    ) -> UseCases:
        deps = Deps(
            store=store,
            settings=settings,
            passwords=PasswordVerifier(settings.password_cache_seconds),
            sealer=sealer or sealer_for(settings),
            clock=clock,
        )
        login = Login(deps)
        authorizations = Authorizations(deps)
        owners = Owners(deps)
        return cls(
            deps,
            login,
            authorizations,
            Grants(authorizations),
            AppTokens(authorizations, owners),
            Users(login, owners),
            owners,
            Revocation(authorizations),
        )


def dynamodb_client(settings: Settings) -> Any:
    """A DynamoDB client with the settings' retries and timeouts: botocore directly, since boto3 would
    add its own import time (and s3transfer's) to every cold start."""
    import botocore.session

    from .adapters.dynamodb.faults import client_config, keep_within_deadline

    client = botocore.session.get_session().create_client(
        "dynamodb",
        config=client_config(
            settings.dynamodb_max_attempts, settings.dynamodb_connect_timeout, settings.dynamodb_read_timeout
        ),
    )
    keep_within_deadline(client, settings.dynamodb_connect_timeout, settings.dynamodb_read_timeout)
    return client


def dynamodb_use_cases(settings: Settings, client: Any | None = None) -> UseCases:
    from .adapters.dynamodb.store import DynamoDBStore

    return UseCases.build(DynamoDBStore(client or dynamodb_client(settings), settings.table_name), settings)

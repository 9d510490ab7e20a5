"""Impersonation tokens (GHES ``POST|DELETE /admin/users/{username}/authorizations``): a site administrator
gets a token that acts as the user, of the pseudo-app "GitHub Site Administrator".

Get-or-create, keyed by (user, impersonation) in the user's own authorizations: the same single
conditional write as ``PUT /authorizations/clients/{client_id}``, so concurrent requests make one token
(201 with it; 200 with ``token: ""`` and the same id for the rest). The user sees it among their
authorizations and may delete it like any other.
"""

from __future__ import annotations

from ..domain.admin_inputs import USER_RESOURCE, ImpersonationScopes
from ..domain.authorizations import Issued
from ..domain.exceptions import FieldError, ValidationFailed
from ..domain.inputs import AuthorizationFields
from ..domain.records import IMPERSONATION_APP
from ..domain.scopes import SITE_ADMIN
from .users_admin import UsersAdmin


class Impersonation:
    def __init__(self, users: UsersAdmin) -> None:
        self.users = users

    def get_or_create(self, login: str, body: ImpersonationScopes) -> Issued:
        """``site_admin`` is a scope only for a site administrator's own token, i.e. a user who is one."""
        user = self.users.find(login)
        requested = body.scopes or []
        if SITE_ADMIN in requested and not user.site_admin:
            raise ValidationFailed(FieldError("scopes", "invalid", resource=USER_RESOURCE))
        # Already validated (with site_admin allowed): not through AuthorizationFields' own validators.
        fields = AuthorizationFields.model_construct(scopes=requested, note=None, note_url=None, fingerprint=None)
        return self.users.authorizations.get_or_create_for(user, IMPERSONATION_APP, fields)

    def delete(self, login: str) -> int:
        """Every impersonation token of the user stops working; how many there were."""
        user = self.users.find(login)
        records = [r for r in self.users.store.list_authorizations(user.id) if r.is_impersonation]
        self.users.authorizations.delete_records(records)
        return len(records)

"""A user's grants: one per app they have authorized (behaviour.md §6.6)."""

from __future__ import annotations

from ..domain.exceptions import NotFound
from ..domain.grants import Grant, group_grants
from ..domain.paging import Page, Paged
from .authorizations import Authorizations
from .login import Caller


class Grants:
    def __init__(self, authorizations: Authorizations) -> None:
        self.authorizations = authorizations
        self.deps = authorizations.deps

    def _all(self, caller: Caller) -> list[Grant]:
        records = self.deps.store.list_authorizations(caller.user.id)
        return group_grants(r for r in records if self.deps.live(r))

    def list_grants(self, caller: Caller, page: Page) -> Paged[Grant]:
        return Paged.of(self._all(caller), page)

    def get(self, caller: Caller, grant_id: int | None) -> Grant:
        grant = next((g for g in self._all(caller) if g.id == grant_id), None)
        if grant is None:
            raise NotFound()
        return grant

    def delete(self, caller: Caller, grant_id: int | None) -> None:
        """Revoke every authorization of the grant's app."""
        self.authorizations.delete_records(self.get(caller, grant_id).authorizations)

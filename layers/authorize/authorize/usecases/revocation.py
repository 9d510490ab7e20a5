"""GitHub's credential revocation API: anyone who finds a leaked token can have it revoked at once,
without owning it. Whether any listed credential was live is never told: every answer is the same.

Only tokens that could be ours are looked up (prefix and CRC32 checked first), by hash, 100 to a
batched read; what is found is deleted as ``DELETE /authorizations/{id}`` would delete it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..domain import tokens
from ..domain.exceptions import RequestRefused
from ..domain.lockout import Window
from ..domain.records import AuthorizationRecord
from .authorizations import Authorizations

MAX_CREDENTIALS = 1000
RATE_WINDOW_SECONDS = 3600


class Revocation:
    def __init__(self, authorizations: Authorizations) -> None:
        self.authorizations = authorizations
        self.deps = authorizations.deps

    def revoke(self, credentials: Sequence[str], client: str) -> list[AuthorizationRecord]:
        """Revoke every live token among ``credentials`` sent by ``client`` (its address); return them."""
        window = Window.containing(self.deps.clock(), RATE_WINDOW_SECONDS)
        limit = self.deps.settings.revocation_requests_per_hour
        if not self.deps.store.count_request(client, window.start, window.counter_expires, limit):
            raise RequestRefused(f"at most {limit} revocation requests an hour are accepted from one address")
        hashes = [tokens.hash_token(c) for c in dict.fromkeys(credentials) if tokens.has_valid_checksum(c)]
        if not hashes:
            return []
        found = [r for r in self.deps.store.find_tokens(hashes) if self.deps.live(r)]
        self.authorizations.delete_records(found)
        return found

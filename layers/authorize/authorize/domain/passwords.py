"""Password hashing: argon2id with OWASP's recommended minimum (m=19 MiB, t=2, p=1).

About 16 ms a verification on this project's reference machine; see docs/performance.md.

A warm container remembers, for a few minutes, which (stored hash, password) pairs it has verified
(``verified.VerifiedCache``), so a client repeating a correct login does not pay for argon2 on every
request. The stored hash is part of the key: a password change, read from the table on every request
anyway, invalidates the entry at once. A cache lifetime of 0 (``PASSWORD_CACHE_SECONDS=0``) turns it off.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .verified import VerifiedCache

HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)

# The hash of a random, discarded password, with the same parameters. Unknown logins are verified
# against it so that they cost as much as known ones (no user enumeration by timing).
_DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$bMJo9bjYDq/Jn7GANWeAOw$CZxxk/Hsz74QafmpLtoVLmt/Gn1g6TJw4zcLuKYVifc"


def hash_password(password: str) -> str:
    return HASHER.hash(password)


class PasswordVerifier:
    """Constant-work argon2id checks with a cache of recent successes (see the module docstring)."""

    def __init__(self, cache_seconds: float = 300.0, hasher: PasswordHasher | None = None) -> None:
        self.cache = VerifiedCache(cache_seconds)
        self.hasher = hasher or HASHER

    @property
    def cache_seconds(self) -> float:
        return self.cache.seconds

    @cache_seconds.setter
    def cache_seconds(self, value: float) -> None:
        self.cache.seconds = value

    def clear_cache(self) -> None:
        self.cache.clear()

    def cached_entries(self) -> bytes:
        return self.cache.entries()

    def known(self, stored_hash: str | None, password: str) -> bool:
        """Verified recently in this container: right, without running argon2 (and without a guess)."""
        return stored_hash is not None and self.cache.holds(stored_hash, password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """Constant-work check: an absent user still pays for one verification."""
        if self.known(stored_hash, password):
            return True
        try:
            ok = self.hasher.verify(stored_hash or _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeEncodeError):
            return False
        if not (ok and stored_hash is not None):
            return False
        self.cache.add(stored_hash, password)
        return True

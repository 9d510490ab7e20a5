"""Password hashing: argon2id with OWASP's recommended minimum (m=19 MiB, t=2, p=1).

About 16 ms a verification on this project's reference machine; see docs/performance.md.

A warm container remembers, for a few minutes, which (stored hash, password) pairs it has verified, so
a client repeating a correct login does not pay for argon2 on every request. Only successes are cached,
under an HMAC with a per-process random key (never the password, not even hashed on its own), and the
stored hash is part of the key: a password change, read from the table on every request anyway,
invalidates the entry at once. A cache lifetime of 0 (``PASSWORD_CACHE_SECONDS=0``) turns it off.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)

# The hash of a random, discarded password, with the same parameters. Unknown logins are verified
# against it so that they cost as much as known ones (no user enumeration by timing).
_DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$bMJo9bjYDq/Jn7GANWeAOw$CZxxk/Hsz74QafmpLtoVLmt/Gn1g6TJw4zcLuKYVifc"

CACHE_MAX = 1024


def hash_password(password: str) -> str:
    return HASHER.hash(password)


class PasswordVerifier:
    """Constant-work argon2id checks with a cache of recent successes (see the module docstring)."""

    def __init__(self, cache_seconds: float = 300.0, hasher: PasswordHasher | None = None) -> None:
        self.cache_seconds = cache_seconds
        self.hasher = hasher or HASHER
        self._cache_key = secrets.token_bytes(32)
        self._verified: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def _cache_id(self, stored_hash: str, password: str) -> bytes:
        message = stored_hash.encode() + b"\0" + password.encode("utf-8", "surrogatepass")
        return hmac.new(self._cache_key, message, hashlib.sha256).digest()

    def clear_cache(self) -> None:
        with self._lock:
            self._verified.clear()

    def cached_entries(self) -> bytes:
        """What the cache holds, for tests that check it never holds a password."""
        with self._lock:
            return b"".join(self._verified)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """Constant-work check: an absent user still pays for one verification."""
        ttl = self.cache_seconds
        cache_id = self._cache_id(stored_hash, password) if stored_hash and ttl > 0 else None
        if cache_id is not None:
            with self._lock:
                expires = self._verified.get(cache_id)
                if expires is not None and expires > time.monotonic():
                    return True
        try:
            ok = self.hasher.verify(stored_hash or _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeEncodeError):
            return False
        if not (ok and stored_hash is not None):
            return False
        if cache_id is not None:
            with self._lock:
                self._verified[cache_id] = time.monotonic() + ttl
                self._verified.move_to_end(cache_id)
                while len(self._verified) > CACHE_MAX:
                    self._verified.popitem(last=False)
        return True

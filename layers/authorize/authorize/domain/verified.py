"""A container's memory of secrets it has recently verified, so a repeat costs no second check.

Only successes are kept, under an HMAC with a per-process random key (never the secret itself, not
even hashed on its own), each for a bounded time. Used for passwords (argon2id is deliberately slow)
and for two-factor codes (so a client re-sending an accepted code does not count as a new guess).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict

CACHE_MAX = 1024


class VerifiedCache:
    def __init__(self, seconds: float, max_entries: int = CACHE_MAX) -> None:
        self.seconds = seconds  # 0 turns the cache off
        self.max_entries = max_entries
        self._key = secrets.token_bytes(32)
        self._entries: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def _id(self, *parts: str) -> bytes:
        message = b"\0".join(p.encode("utf-8", "surrogatepass") for p in parts)
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def holds(self, *parts: str) -> bool:
        if self.seconds <= 0:
            return False
        entry = self._id(*parts)
        with self._lock:
            expires = self._entries.get(entry)
            return expires is not None and expires > time.monotonic()

    def add(self, *parts: str, seconds: float | None = None) -> None:
        lifetime = self.seconds if seconds is None else min(seconds, self.seconds)
        if lifetime <= 0:
            return
        entry = self._id(*parts)
        with self._lock:
            self._entries[entry] = time.monotonic() + lifetime
            self._entries.move_to_end(entry)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def rekey(self) -> None:
        """A new random key, and nothing remembered under the old one (after a SnapStart restore every
        clone of the snapshot would otherwise share one key)."""
        with self._lock:
            self._key = secrets.token_bytes(32)
            self._entries.clear()

    def entries(self) -> bytes:
        """What the cache holds, for tests that check it never holds a secret."""
        with self._lock:
            return b"".join(self._entries)

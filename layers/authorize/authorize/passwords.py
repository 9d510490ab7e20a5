"""Password hashing: argon2id with OWASP's recommended minimum (m=19 MiB, t=2, p=1).

About 16 ms a verification on this project's reference machine; see docs/performance.md.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)

# The hash of a random, discarded password, with the same parameters. Unknown logins are verified
# against it so that they cost as much as known ones (no user enumeration by timing).
_DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$bMJo9bjYDq/Jn7GANWeAOw$CZxxk/Hsz74QafmpLtoVLmt/Gn1g6TJw4zcLuKYVifc"


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-work check: an absent user still pays for one verification."""
    try:
        ok = _HASHER.verify(stored_hash or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and stored_hash is not None

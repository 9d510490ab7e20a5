"""Token, id and credential material.

Tokens follow GitHub's 2021 format (behaviour.md §11): ``gho_`` + 30 random base62 characters +
6 base62 characters of the CRC32 of those 30, left-padded with ``0``: 40 characters in all.
Only ``sha256(token)`` and the last eight characters are ever stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
import zlib

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
APP_TOKEN_PREFIX = "gho_"  # noqa: S105 - a prefix, not a secret
PERSONAL_TOKEN_PREFIX = "ghp_"  # noqa: S105
TOKEN_PATTERN = re.compile(r"^gh[opusr]_[A-Za-z0-9]{36}$")
_RANDOM_LEN = 30
_CHECKSUM_LEN = 6

# Authorization ids: milliseconds since 2020-01-01 shifted left 12 bits, plus 12 random bits.
# They grow with creation time (as GitHub's did) and stay below 2**53 for ~69 years, so every
# JSON client reads them exactly. Uniqueness is not left to chance: the store guards each id
# with a conditional write and retries on the (rare) collision.
_ID_EPOCH_MS = 1_577_836_800_000
_ID_RANDOM_BITS = 12
MAX_SAFE_INTEGER = 2**53 - 1


def base62(number: int, width: int = 0) -> str:
    if number < 0:
        raise ValueError("base62 takes a non-negative integer")
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(BASE62[rest])
    return "".join(reversed(digits)).rjust(width, "0") or "0"


def checksum(random_part: str) -> str:
    """Base62 CRC32 of the random part, as GitHub's token scanners check it."""
    return base62(zlib.crc32(random_part.encode("ascii")) & 0xFFFFFFFF, _CHECKSUM_LEN)


def new_token(prefix: str = APP_TOKEN_PREFIX) -> str:
    random_part = "".join(secrets.choice(BASE62) for _ in range(_RANDOM_LEN))
    return prefix + random_part + checksum(random_part)


def has_valid_checksum(token: str) -> bool:
    if not TOKEN_PATTERN.match(token):
        return False
    body = token[4:]
    return hmac.compare_digest(checksum(body[:_RANDOM_LEN]), body[_RANDOM_LEN:])


def hash_token(token: str) -> str:
    """Lower-case hex SHA-256 of the token's UTF-8 bytes: GitHub's ``hashed_token``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_secret(secret: str) -> str:
    """Client secrets are high-entropy, so a plain SHA-256 is enough (as for tokens)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def new_authorization_id(now_ms: int | None = None) -> int:
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    value = ((ms - _ID_EPOCH_MS) << _ID_RANDOM_BITS) | secrets.randbits(_ID_RANDOM_BITS)
    if not 0 < value <= MAX_SAFE_INTEGER:
        raise OverflowError("authorization id out of the JSON-safe range")
    return value


def new_client_id() -> str:
    """20 lower-case hex characters, the shape of GitHub's OAuth app client ids."""
    return secrets.token_hex(10)


def new_client_secret() -> str:
    """40 lower-case hex characters, the shape of GitHub's OAuth app client secrets."""
    return secrets.token_hex(20)

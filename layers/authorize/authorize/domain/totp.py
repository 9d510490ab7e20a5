"""TOTP two-factor codes (RFC 6238 via pyotp) and how their secrets are kept.

The TOTP seed is a usable secret, so it is never stored in the clear: it is sealed with AES-256-GCM
under a key that lives outside the table (injected: see ``authorize.adapters.secrets``), with the user
id as associated data so a sealed seed cannot be moved to another user's record. A table dump alone
therefore yields no working second factor.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from typing import Any

_VERSION = "v1"


def new_secret() -> str:
    import pyotp  # only 2FA users pay the import

    return pyotp.random_base32()


class TotpSealer:
    """Seals and unseals TOTP seeds with a key given by ``key`` (called only when needed)."""

    def __init__(self, key: Callable[[], bytes]) -> None:
        self._key = key

    def _aesgcm(self) -> Any:  # imported lazily: only users with 2FA pay the import
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(self._key())

    def seal(self, secret: str, user_id: int) -> str:
        nonce = os.urandom(12)
        sealed = self._aesgcm().encrypt(nonce, secret.encode("ascii"), _associated(user_id))
        return f"{_VERSION}:" + base64.b64encode(nonce + sealed).decode("ascii")

    def unseal(self, sealed: str, user_id: int) -> str:
        version, _, payload = sealed.partition(":")
        if version != _VERSION:
            raise ValueError("unknown TOTP seal version")
        raw = base64.b64decode(payload)
        return str(self._aesgcm().decrypt(raw[:12], raw[12:], _associated(user_id)).decode("ascii"))


def _associated(user_id: int) -> bytes:
    return f"totp:{user_id}".encode()


def verify(secret: str, code: str | None) -> bool:
    """Accept the current code and its neighbours (±1 step, 30 s each).

    A code is deliberately *not* single-use: octokit/auth-basic re-sends the last accepted code on
    later requests (behaviour.md §3.1), so one-time use would break real clients.
    """
    if not code:
        return False
    code = code.strip()
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return False
    import pyotp

    return bool(pyotp.TOTP(secret).verify(code, valid_window=1))

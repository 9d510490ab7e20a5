"""Where the TOTP sealing key comes from: the environment (base64 of 32 bytes), or a Secrets Manager
secret (deployments), fetched once per container and only when a 2FA user first needs it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
from collections.abc import Callable
from typing import Any

from ..settings import Settings

KEY_BYTES = 32


class TotpKeyError(RuntimeError):
    """The TOTP key is missing or malformed: a configuration fault, not the caller's."""


def decode_key(key_b64: str) -> bytes:
    try:
        key = base64.b64decode(key_b64.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TotpKeyError("TOTP key is not valid base64") from exc
    if len(key) != KEY_BYTES:
        raise TotpKeyError("TOTP key must be 32 bytes (base64 of 32 random bytes)")
    return key


def secrets_manager_key(secret_arn: str, client: Any | None = None) -> bytes:
    """CloudFormation generates the secret as random text; its SHA-256 is the 32-byte key."""
    if client is None:
        import botocore.session  # only deployments that keep the key in Secrets Manager pay for this

        client = botocore.session.get_session().create_client("secretsmanager")
    value = client.get_secret_value(SecretId=secret_arn)["SecretString"]
    return hashlib.sha256(value.encode("utf-8")).digest()


def totp_key_source(settings: Settings) -> Callable[[], bytes]:
    """A function giving the key, loaded on first call and then kept (one fetch per container)."""
    lock = threading.Lock()
    loaded: list[bytes] = []

    def load() -> bytes:
        if settings.totp_key_b64:
            return decode_key(settings.totp_key_b64)
        if settings.totp_key_secret_arn:
            return secrets_manager_key(settings.totp_key_secret_arn)
        raise TotpKeyError("TOTP_ENCRYPTION_KEY or TOTP_KEY_SECRET_ARN must be set to use 2FA")

    def key() -> bytes:
        with lock:
            if not loaded:
                loaded.append(load())
            return loaded[0]

    return key

"""Settings, read once from the environment (Lambda configuration or the local server)."""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass, field
from functools import lru_cache


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    table_name: str = "authorize"
    lockout_max_failures: int = 10
    lockout_window_seconds: int = 3600
    # When set, every emitted URL starts with it (custom domains); otherwise it is derived per request.
    public_base_url: str | None = None
    totp_key_b64: str | None = field(default=None, repr=False)
    totp_key_secret_arn: str | None = None
    # Worst case per call: 3 sends x (1 s connect + 1.5 s read) + backoff, inside the 10 s Lambda timeout,
    # so a dead database still gets our 503 rather than API Gateway's 502.
    dynamodb_max_attempts: int = 3
    dynamodb_connect_timeout: float = 1.0
    dynamodb_read_timeout: float = 1.5

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            table_name=os.environ.get("TABLE_NAME", "authorize"),
            lockout_max_failures=max(1, _int_env("LOCKOUT_MAX_FAILURES", 10)),
            lockout_window_seconds=max(1, _int_env("LOCKOUT_WINDOW_SECONDS", 3600)),
            public_base_url=(os.environ.get("PUBLIC_BASE_URL") or "").rstrip("/") or None,
            totp_key_b64=os.environ.get("TOTP_ENCRYPTION_KEY") or None,
            totp_key_secret_arn=os.environ.get("TOTP_KEY_SECRET_ARN") or None,
            dynamodb_max_attempts=max(1, _int_env("DYNAMODB_MAX_ATTEMPTS", 3)),
        )

    def totp_key(self) -> bytes:
        return _totp_key(self.totp_key_b64, self.totp_key_secret_arn)


@lru_cache(maxsize=4)
def _totp_key(key_b64: str | None, secret_arn: str | None) -> bytes:
    if not key_b64 and secret_arn:
        import hashlib

        import botocore.session  # only deployments that keep the key in Secrets Manager pay for this call

        # CloudFormation generates that secret as random text; hash it to the 32-byte key.
        client = botocore.session.get_session().create_client("secretsmanager")
        value = client.get_secret_value(SecretId=secret_arn)["SecretString"]
        return hashlib.sha256(value.encode("utf-8")).digest()
    if not key_b64:
        raise RuntimeError("TOTP_ENCRYPTION_KEY or TOTP_KEY_SECRET_ARN must be set to use 2FA")
    try:
        key = base64.b64decode(key_b64.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise RuntimeError("TOTP key is not valid base64") from exc
    if len(key) != 32:
        raise RuntimeError("TOTP key must be 32 bytes (base64 of 32 random bytes)")
    return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()

"""Settings, read from the environment once by whoever composes the application (the Lambda handler,
the local server, the admin CLI) and passed on: nothing in this package reads them behind a caller's back."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_TABLE_NAME = "authorize"


class BadSetting(ValueError):
    """A setting that is not what it must be (the message names it)."""


def int_env(
    env: Mapping[str, str], name: str, default: int, minimum: int | None = None, *, strict: bool = False
) -> int:
    """An integer setting: ``default`` when unset or empty, raised to ``minimum`` if below it. Not an
    integer: ``default`` too (a deployed function keeps running), or ``BadSetting`` with ``strict``."""
    raw = (env.get(name) or "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        if strict:
            raise BadSetting(f"{name} must be a number, not {raw!r}") from None
        value = default
    return value if minimum is None else max(minimum, value)


def float_env(env: Mapping[str, str], name: str, default: float) -> float:
    try:
        return float(env.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    table_name: str = DEFAULT_TABLE_NAME
    lockout_max_failures: int = 10
    lockout_window_seconds: int = 3600
    # When set, every emitted URL starts with it (custom domains); otherwise it is derived per request,
    # from a Host header only if it names the domain API Gateway served, loopback, or one of these.
    public_base_url: str | None = None
    allowed_hosts: frozenset[str] = frozenset()
    totp_key_b64: str | None = field(default=None, repr=False)
    totp_key_secret_arn: str | None = None
    # How long a warm container trusts a verified (stored hash, password) pair; 0 turns the cache off.
    password_cache_seconds: float = 300.0
    # Worst case per call: 3 sends x (1 s connect + 1.5 s read) + backoff, inside the 10 s Lambda timeout,
    # so a dead database still gets our 503 rather than API Gateway's 502.
    dynamodb_max_attempts: int = 3
    dynamodb_connect_timeout: float = 1.0
    dynamodb_read_timeout: float = 1.5
    # The credential revocation API's limit per client address (GitHub: 60 an hour).
    revocation_requests_per_hour: int = 60
    # One deadline per request: the Lambda's remaining time less this margin (time to answer), or
    # ``request_deadline_seconds`` where no Lambda context tells the remaining time.
    deadline_margin_seconds: float = 0.5
    request_deadline_seconds: float = 9.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            table_name=env.get("TABLE_NAME") or DEFAULT_TABLE_NAME,
            lockout_max_failures=int_env(env, "LOCKOUT_MAX_FAILURES", 10, minimum=1),
            lockout_window_seconds=int_env(env, "LOCKOUT_WINDOW_SECONDS", 3600, minimum=1),
            public_base_url=(env.get("PUBLIC_BASE_URL") or "").rstrip("/") or None,
            allowed_hosts=frozenset(h.strip().lower() for h in env.get("ALLOWED_HOSTS", "").split(",") if h.strip()),
            totp_key_b64=env.get("TOTP_ENCRYPTION_KEY") or None,
            totp_key_secret_arn=env.get("TOTP_KEY_SECRET_ARN") or None,
            password_cache_seconds=float_env(env, "PASSWORD_CACHE_SECONDS", 300.0),
            dynamodb_max_attempts=int_env(env, "DYNAMODB_MAX_ATTEMPTS", 3, minimum=1),
            request_deadline_seconds=float_env(env, "REQUEST_DEADLINE_SECONDS", 9.0),
            revocation_requests_per_hour=int_env(env, "REVOCATION_REQUESTS_PER_HOUR", 60, minimum=1),
        )

    def request_budget(self, remaining_ms: int | None) -> float:
        """Seconds a request may use: what the Lambda has left less the margin, else the default."""
        if remaining_ms is None:
            return self.request_deadline_seconds
        return max(0.0, remaining_ms / 1000 - self.deadline_margin_seconds)

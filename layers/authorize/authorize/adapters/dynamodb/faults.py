"""Infrastructure faults -> ``Unavailable``: what the store raises when DynamoDB does not answer well.

Also the client's retry and timeout configuration, and the backoff between the store's own retries
(unprocessed keys, transaction conflicts), so the fault policy is in one place.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, HTTPClientError

from ...domain.exceptions import Unavailable

_T = TypeVar("_T")

# Answers that mean "the database is busy or unwell, not your request": after botocore's own retries
# they become 503 + Retry-After.
TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "TransactionConflictException",
        "TransactionInProgressException",
        "LimitExceededException",
    }
)
# Reasons inside TransactionCanceledException that are worth another try of the same write.
RETRYABLE_REASONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
)
# How often the store itself repeats a transaction cancelled by a conflict, or a batch read's
# unprocessed keys, before answering Unavailable (botocore's retries come on top, per call).
STORE_ATTEMPTS = 6


def client_config(max_attempts: int, connect_timeout: float, read_timeout: float) -> Config:
    return Config(
        # total_max_attempts counts the first try too (botocore's max_attempts counts only retries).
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        tcp_keepalive=True,
    )


def error_code(exc: ClientError) -> str | None:
    code = exc.response.get("Error", {}).get("Code")
    return str(code) if code is not None else None


def translate_faults(fn: Callable[..., _T]) -> Callable[..., _T]:
    """Turn infrastructure faults into ``Unavailable``; leave everything else alone."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> _T:
        try:
            return fn(*args, **kwargs)
        except ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
            # Any 5xx is the service's (or a proxy's) trouble, also when its body names no known
            # code: an HTML 502 from a load balancer parses as Code "502".
            if error_code(exc) in TRANSIENT_CODES or status >= 500:
                raise Unavailable("dynamodb: " + str(error_code(exc))) from None
            raise
        except (ConnectionError, HTTPClientError, BotoCoreError) as exc:
            # Timeouts, refused or reset connections (after botocore's retries).
            raise Unavailable("dynamodb: " + type(exc).__name__) from exc

    return wrapper


def backoff(attempt: int) -> None:
    time.sleep(min(0.5, 0.01 * 2**attempt) * random.random())  # noqa: S311 - jitter, not a secret

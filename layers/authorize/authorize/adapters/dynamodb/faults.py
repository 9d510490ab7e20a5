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

from ... import deadline
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


class DeadlineReached(BotoCoreError):
    """The request's deadline leaves no room for another attempt: stop, and answer 503 in time."""

    fmt = "the request's deadline leaves no time for another DynamoDB attempt"


def _transient(response: Any, caught: Exception | None) -> bool:
    """What botocore may retry and ``translate_faults`` calls Unavailable: no answer, 5xx, throttling."""
    if caught is not None:
        return True
    http, parsed = response
    code = (parsed or {}).get("Error", {}).get("Code")
    return http.status_code >= 500 or code in TRANSIENT_CODES


def keep_within_deadline(client: Any, connect_timeout: float, read_timeout: float) -> None:
    """Make ``client`` respect ``authorize.deadline``: no attempt starts that could outlast the deadline
    (one attempt takes at most ``connect_timeout + read_timeout``), and no retry sleeps into it."""
    attempt = connect_timeout + read_timeout

    def before_send(**_: Any) -> None:
        if not deadline.allows(attempt):
            raise DeadlineReached()

    def needs_retry(
        response: Any = None, caught_exception: Exception | None = None, attempts: int = 1, **_: Any
    ) -> None:
        # botocore's standard backoff sleeps at most 1 s * 2 ** (attempts - 1) (throttling's base).
        if _transient(response, caught_exception) and not deadline.allows(attempt + min(2 ** (attempts - 1), 20)):
            raise DeadlineReached()

    client.meta.events.register("before-send.dynamodb", before_send, unique_id="authorize-deadline-send")
    client.meta.events.register_first("needs-retry.dynamodb", needs_retry, unique_id="authorize-deadline-retry")


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

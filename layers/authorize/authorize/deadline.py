"""One deadline per request: every database call, retry and check gets only what is left of it.

The handler opens a scope at the start of an invocation (the Lambda's remaining time minus a margin,
or a default where there is no Lambda); anything below may ask what remains. Outside a scope there is
no deadline (the admin CLI, scripts).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_end: ContextVar[float | None] = ContextVar("authorize_deadline", default=None)


def remaining() -> float | None:
    """Seconds left before the current request's deadline; None outside a request."""
    end = _end.get()
    return None if end is None else end - time.monotonic()


def allows(seconds: float) -> bool:
    """Whether ``seconds`` more work fits before the deadline (always, outside a request)."""
    left = remaining()
    return left is None or left >= seconds


@contextmanager
def scope(seconds: float) -> Iterator[None]:
    token = _end.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _end.reset(token)

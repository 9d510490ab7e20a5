"""Path parameters: ids as GitHub's URLs carry them."""

from __future__ import annotations

from ..domain.tokens import MAX_SAFE_INTEGER


def parse_id(raw: str) -> int | None:
    """Path ids are positive integers below 2**53; anything else names nothing (404)."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 16:
        return None
    value = int(raw)
    return value if 0 < value <= MAX_SAFE_INTEGER else None

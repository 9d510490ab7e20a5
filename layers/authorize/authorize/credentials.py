"""Reading credentials out of request headers (RFC 7617 Basic, and GitHub's token schemes)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

MAX_LOGIN = 100  # GitHub logins are at most 39 characters; past this no lookup is worth a read


@dataclass(frozen=True)
class Basic:
    username: str
    password: str


@dataclass(frozen=True)
class Bearer:
    token: str


Credentials = Basic | Bearer | None


def parse_authorization(header: str | None) -> Credentials | str:
    """``None`` when absent or of a scheme we do not know; ``"malformed"`` for broken Basic."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    scheme = scheme.lower()
    value = value.strip()
    if scheme in ("token", "bearer"):
        return Bearer(value)
    if scheme != "basic":
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return "malformed"
    username, sep, password = decoded.partition(":")
    if not sep or not username or len(username) > MAX_LOGIN:
        return "malformed"
    return Basic(username, password)

"""What a caller presents: a login and password, a token, something broken, or nothing (None)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Basic:
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Bearer:
    token: str = field(repr=False)


@dataclass(frozen=True)
class Malformed:
    """Basic credentials that cannot be read (bad base64, no colon, no or an overlong login)."""


Credentials = Basic | Bearer | Malformed | None


@dataclass(frozen=True)
class AppCredentials:
    """An OAuth app's client id and secret, as an app-authenticated request presents them."""

    client_id: str
    client_secret: str = field(repr=False)

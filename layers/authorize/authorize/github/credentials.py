"""Reading credentials out of the ``Authorization`` header (RFC 7617 Basic, and GitHub's token schemes)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from ..domain.credentials import AppCredentials, Basic, Bearer, Credentials, Malformed
from ..domain.exceptions import AuthenticationRequired

MAX_LOGIN = 100  # GitHub logins are at most 39 characters; past this no lookup is worth a read


def parse_authorization(header: str | None) -> Credentials:
    """``None`` when absent or of a scheme we do not know; ``Malformed`` for broken Basic."""
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
        return Malformed()
    username, sep, password = decoded.partition(":")
    if not sep or not username or len(username) > MAX_LOGIN:
        return Malformed()
    return Basic(username, password)


def app_credentials(credentials: Credentials, query: Mapping[str, str]) -> AppCredentials:
    """The app's (client_id, client_secret): Basic, or the query parameters GitHub accepted until 2021.
    None at all is ``AuthenticationRequired`` (behaviour.md §7.4)."""
    if isinstance(credentials, Basic):
        return AppCredentials(credentials.username, credentials.password)
    if query.get("client_id") and query.get("client_secret"):
        return AppCredentials(query["client_id"], query["client_secret"])
    raise AuthenticationRequired()

"""OAuth apps: which client ids can name one, and the constant-time check of a client secret."""

from __future__ import annotations

import re

from . import tokens
from .records import AppRecord

# Client ids we issue are 20 hex characters; GitHub's were 20 characters of [0-9a-zA-Z] with an
# optional "Iv1." prefix. Anything else cannot be an app, and is not worth a database read.
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
DUMMY_SECRET_HASH = tokens.hash_secret("no application has this secret")


def could_be_client_id(client_id: str | None) -> bool:
    return client_id is not None and CLIENT_ID_PATTERN.match(client_id) is not None


def verified_app(app: AppRecord | None, client_secret: str) -> AppRecord | None:
    """The app if ``client_secret`` is its secret; an unknown app costs the same as a wrong secret, and
    an app being deleted is unknown already."""
    stored = app.client_secret_hash if app else DUMMY_SECRET_HASH
    if not tokens.secret_matches(client_secret, stored) or app is None or app.deleted_at is not None:
        return None
    return app

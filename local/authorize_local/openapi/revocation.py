"""The documentation of ``POST /credentials/revoke`` (GitHub's credential revocation API), part of the
table in ``operations.py``."""

from __future__ import annotations

from typing import Any

from authorize.domain.exceptions import CredentialsNotAccepted, RequestRefused
from authorize.usecases.revocation import MAX_CREDENTIALS

from .components import JSON, TAG_CREDENTIALS
from .operation import Operation, RequestBody
from .responses import BAD_JSON, SERVER_ERROR, SERVICE_UNAVAILABLE, error

ACCEPTED: dict[str, Any] = {
    "description": "Accepted: every live token listed is revoked. The same answer whatever the list held.",
    "content": {JSON: {"schema": {"type": "object"}, "example": {}}},
}

REVOCATION_OPERATIONS: dict[tuple[str, str], Operation] = {
    ("POST", "/credentials/revoke"): Operation(
        "Revoke a list of credentials",
        "credentials/revoke",
        TAG_CREDENTIALS,
        [],
        {
            202: ACCEPTED,
            400: BAD_JSON,
            403: error(
                "Any credentials sent: this endpoint answers anonymous callers only.",
                ("forbidden", CredentialsNotAccepted()),
            ),
            422: error(
                "Validation failed, or the endpoint has been spammed: not a list of 1 to "
                f"{MAX_CREDENTIALS} strings, or more than the hourly limit of requests from this address.",
                ("bad_list", RequestRefused(f"credentials must be a list of 1 to {MAX_CREDENTIALS} strings")),
                ("spammed", RequestRefused("at most 60 revocation requests an hour are accepted from one address")),
            ),
            503: SERVICE_UNAVAILABLE,
            500: SERVER_ERROR,
        },
        description=(
            "Submit tokens found exposed (`gho_…`, `ghp_…`) to have them revoked at once, without owning "
            "them: each one that is live is deleted as `DELETE /authorizations/{authorization_id}` would. "
            "Unauthenticated: a request with credentials is refused. At most "
            f"{MAX_CREDENTIALS} credentials a request and 60 requests an hour per client address."
        ),
        body=RequestBody(
            "RevocationBody",
            "The credentials to revoke.",
            example={"credentials": ["gho_16C7e42F292c6912E7710c838347Ae178B4a"]},
        ),
    ),
}

"""Responses shared by several operations: the headers they document, and the builders of a success
response and of an error response (``Refusal``) for the route decorators' ``responses`` keyword.

An error response names the exceptions behind it; its examples are GitHub's answers to them, made by
the handler's own mapping (``authorize.github.errors.to_github``) with the documentation page of the
route (``authorize.github.operations``), as the handler answers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authorize.domain.exceptions import (
    AuthenticationRequired,
    BadCredentials,
    FieldError,
    LockedOut,
    NotFound,
    OtpRequired,
    PasswordRequired,
    Unavailable,
    ValidationFailed,
)
from authorize.github.bodies import BodyNotObject, ProblemsParsingJson
from authorize.github.errors import RETRY_AFTER_SECONDS, OperationDocs, server_error, to_github
from authorize.github.errors import GitHubError as GitHubAnswer

from .components import JSON, LOCAL_SERVER
from .models import GitHubError

_BASE = LOCAL_SERVER

# --- headers -------------------------------------------------------------------------------------

LOCATION = {
    "description": "The authorization's URL: the same as `url` in the body.",
    "schema": {"type": "string", "format": "uri"},
    "example": f"{_BASE}/authorizations/1",
}
LINK = {
    "description": (
        'Pagination: `<url>; rel="name"` entries (`prev`, `next`, `last`, `first`) joined by `, `. '
        "Absent when everything fits on one page."
    ),
    "schema": {"type": "string"},
    "example": (f'<{_BASE}/authorizations?page=2>; rel="next", <{_BASE}/authorizations?page=2>; rel="last"'),
}
GITHUB_OTP = {
    "description": (
        "Only on the two-factor challenge: `required; app`. The login and password were right; send the "
        "user's current code in the `X-GitHub-OTP` request header."
    ),
    "schema": {"type": "string", "pattern": "^required; [a-z]+$"},
    "example": to_github(OtpRequired()).headers["X-GitHub-OTP"],
}
RETRY_AFTER = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "integer"},
    "example": RETRY_AFTER_SECONDS,
}
OAUTH_SCOPES = {
    "description": "With a token: its scopes, comma-separated. Absent with Basic credentials.",
    "schema": {"type": "string"},
    "example": "public_repo, gist",
}
ACCEPTED_OAUTH_SCOPES = {
    "description": "With a token: the scopes this endpoint needs (none). Absent with Basic credentials.",
    "schema": {"type": "string"},
    "example": "",
}

# --- responses -----------------------------------------------------------------------------------


def ok(description: str, model: Any, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {JSON: {"model": model}}}
    if headers:
        response["headers"] = headers
    return response


# An exception a route raises (answered with the route's documentation page), or an answer itself.
Example = Exception | GitHubAnswer


@dataclass(frozen=True)
class Refusal:
    """An error response: the body is always ``GitHubError``; the examples are named answers."""

    description: str
    examples: tuple[tuple[str, Example], ...]
    headers: dict[str, Any] | None = None

    def response(self, docs: OperationDocs) -> dict[str, Any]:
        """The response as Powertools takes it, for the route documented by ``docs``."""
        answers = {
            name: example if isinstance(example, GitHubAnswer) else to_github(example, docs)
            for name, example in self.examples
        }
        media = {
            "model": GitHubError,
            "examples": {name: {"summary": a.body["message"], "value": a.body} for name, a in answers.items()},
        }
        response: dict[str, Any] = {"description": self.description, "content": {JSON: media}}
        if self.headers:
            response["headers"] = self.headers
        return response


def error(description: str, *named: tuple[str, Example], headers: dict[str, Any] | None = None) -> Refusal:
    return Refusal(description, named, headers)


NO_CONTENT = {"description": "Done: no body."}

BAD_JSON = error(
    "The body is not JSON (`Problems parsing JSON`) or not a JSON object (`Body should be a JSON object`).",
    ("problems_parsing_json", ProblemsParsingJson()),
    ("body_not_object", BodyNotObject()),
)
USER_401 = error(
    "No credentials (`Requires authentication`), a wrong login or password (`Bad credentials`), or the "
    "two-factor challenge (`Must specify two-factor authentication OTP code.` with `X-GitHub-OTP`).",
    ("otp_required", OtpRequired()),
    ("bad_credentials", BadCredentials()),
    ("requires_authentication", AuthenticationRequired()),
    headers={"X-GitHub-OTP": GITHUB_OTP},
)
# The routes that take a token as well as user Basic credentials (`GET /user`, the site-administrator API).
BASIC_OR_TOKEN_401 = error(
    "No credentials (`Requires authentication`), a wrong login or password or an unknown, revoked or expired "
    "token (`Bad credentials`), or the two-factor challenge for Basic credentials.",
    ("requires_authentication", AuthenticationRequired()),
    ("bad_credentials", BadCredentials()),
    ("otp_required", OtpRequired()),
    headers={"X-GitHub-OTP": GITHUB_OTP},
)
USER_403 = error(
    "Too many failed logins (even with the right password now), or a token used where only a login and "
    "password are accepted.",
    ("locked_out", LockedOut()),
    ("basic_auth_only", PasswordRequired()),
)
APP_401 = error(
    "No app credentials. Wrong ones are a 404, like an unknown token.",
    ("requires_authentication", AuthenticationRequired()),
)
USER_404 = error(
    "No such authorization or grant of this user (another user's looks the same as a missing one).",
    ("not_found", NotFound()),
)
SERVICE_UNAVAILABLE = error(
    "The database did not answer in time: retry after `Retry-After` seconds.",
    ("service_unavailable", Unavailable()),
    headers={"Retry-After": RETRY_AFTER},
)
SERVER_ERROR = error("An unexpected failure.", ("server_error", server_error()))


def field_errors(*fields: tuple[str, str]) -> ValidationFailed:
    return ValidationFailed(*(FieldError(field, code) for field, code in fields))


USER_ERRORS: dict[int, Any] = {401: USER_401, 403: USER_403, 503: SERVICE_UNAVAILABLE, 500: SERVER_ERROR}

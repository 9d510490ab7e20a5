"""Exceptions -> GitHub's error answers: the one mapping table.

Every error body is ``{"message", "errors"?, "documentation_url"}`` with GitHub's byte-exact message
(behaviour.md §4.1: clients compare them). Most answers point at a fixed documentation page; the rest
(``None`` below) at the page of the operation that failed, from ``operations.OPERATION_DOCS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain.exceptions import (
    AccountSuspended,
    AuthenticationRequired,
    BadCredentials,
    Contention,
    CredentialsNotAccepted,
    DomainError,
    FieldError,
    InvalidApplication,
    LockedOut,
    NotFound,
    OtpRequired,
    OwnAccount,
    PasswordRequired,
    RequestRefused,
    SiteAdminRequired,
    Unavailable,
    ValidationFailed,
)
from .bodies import BodyNotObject, ProblemsParsingJson
from .docs import DOCS_2FA, DOCS_V3

RESOURCE = "OauthAccess"  # the ``resource`` of a field error that names none (an authorization's)
RETRY_AFTER_SECONDS = 1


@dataclass(frozen=True)
class Answer:
    status: int
    message: str
    documentation_url: str | None = None  # None: the failing operation's own page
    headers: Mapping[str, str] = field(default_factory=dict)


ANSWERS: dict[type[Exception], Answer] = {
    ProblemsParsingJson: Answer(400, "Problems parsing JSON", DOCS_V3),
    BodyNotObject: Answer(400, "Body should be a JSON object", DOCS_V3),
    AuthenticationRequired: Answer(401, "Requires authentication", DOCS_V3),
    BadCredentials: Answer(401, "Bad credentials", DOCS_V3),
    OtpRequired: Answer(
        401, "Must specify two-factor authentication OTP code.", DOCS_2FA, {"X-GitHub-OTP": "required; app"}
    ),
    LockedOut: Answer(403, "Maximum number of login attempts exceeded. Please try again later.", DOCS_V3),
    PasswordRequired: Answer(403, "This API can only be accessed with username and password Basic Auth", DOCS_V3),
    CredentialsNotAccepted: Answer(403, "Forbidden"),
    AccountSuspended: Answer(403, "Sorry. Your account was suspended.", DOCS_V3),
    SiteAdminRequired: Answer(403, "Must be a site administrator.", None),
    OwnAccount: Answer(403, "You can demote, suspend or delete any user account except your own.", None),
    NotFound: Answer(404, "Not Found"),
    InvalidApplication: Answer(422, "Invalid Application client_id or secret."),
    ValidationFailed: Answer(422, "Validation Failed"),
    RequestRefused: Answer(422, "Validation Failed"),
    Unavailable: Answer(
        503, "Service Unavailable. Please try again later.", DOCS_V3, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    ),
    # Concurrent writers on one record until the deadline: as retryable as an unavailable database.
    Contention: Answer(
        503, "Service Unavailable. Please try again later.", DOCS_V3, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    ),
}
# The exceptions the table answers (the handler registers one exception handler for these).
ANSWERED: tuple[type[Exception], ...] = (DomainError, ProblemsParsingJson, BodyNotObject)


@dataclass(frozen=True)
class OperationDocs:
    """An operation's documentation page, and where its 404s point when that is another page."""

    url: str = DOCS_V3
    not_found: str | None = None


@dataclass(frozen=True)
class GitHubError:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def answer_for(exc: Exception) -> Answer | None:
    """The table's answer for ``exc``'s class or its nearest listed base class."""
    return next((ANSWERS[cls] for cls in type(exc).__mro__ if cls in ANSWERS), None)


def field_error(error: FieldError) -> dict[str, Any]:
    out: dict[str, Any] = {"resource": error.resource or RESOURCE, "field": error.field, "code": error.code}
    if error.message is not None:
        out["message"] = error.message
    return out


def to_github(exc: Exception, docs: OperationDocs | None = None) -> GitHubError:
    """GitHub's answer to ``exc`` raised by the operation documented by ``docs``.

    ``LookupError`` for an exception the table does not know: that is a 500, not a GitHub error.
    """
    answer = answer_for(exc)
    if answer is None:
        raise LookupError(type(exc).__name__)
    docs = docs or OperationDocs()
    url = answer.documentation_url
    if url is None:
        url = docs.not_found if isinstance(exc, NotFound) and docs.not_found else docs.url
    body: dict[str, Any] = {"message": answer.message}
    if isinstance(exc, ValidationFailed):
        body["errors"] = [field_error(f) for f in exc.fields]
    elif isinstance(exc, RequestRefused):
        body["errors"] = [exc.reason]  # GitHub's "Validation Error Simple": reasons as strings
    body["documentation_url"] = url
    return GitHubError(answer.status, body, dict(answer.headers))


def server_error() -> GitHubError:
    return GitHubError(500, {"message": "Server Error", "documentation_url": DOCS_V3}, {})

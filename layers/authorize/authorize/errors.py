"""Errors the API answers with, in GitHub's shape.

Every failure the domain can name is an ``ApiError``; the handler turns it into a response and
nothing else. Messages are byte-exact copies of GitHub's (behaviour.md §4.1): clients compare them.
"""

from __future__ import annotations

from typing import Any

DOCS_V3 = "https://developer.github.com/v3"
DOCS_AUTHORIZATIONS = "https://developer.github.com/v3/oauth_authorizations/"
DOCS_2FA = "https://developer.github.com/v3/auth#working-with-two-factor-authentication"
DOCS_GET_OR_CREATE = DOCS_AUTHORIZATIONS + "#get-or-create-an-authorization-for-a-specific-app"
DOCS_GET_OR_CREATE_FINGERPRINT = (
    DOCS_AUTHORIZATIONS + "#get-or-create-an-authorization-for-a-specific-app-and-fingerprint"
)

RESOURCE = "OauthAccess"


class ApiError(Exception):
    """An answer other than success: status, GitHub message, optional field errors and headers."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        documentation_url: str = DOCS_V3,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.documentation_url = documentation_url
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            out["errors"] = self.errors
        out["documentation_url"] = self.documentation_url
        return out


def field_error(field: str, code: str, message: str | None = None) -> dict[str, Any]:
    err: dict[str, Any] = {"resource": RESOURCE, "field": field, "code": code}
    if message is not None:
        err["message"] = message
    return err


def validation_failed(errors: list[dict[str, Any]], documentation_url: str = DOCS_V3) -> ApiError:
    return ApiError(422, "Validation Failed", errors=errors, documentation_url=documentation_url)


def requires_authentication() -> ApiError:
    return ApiError(401, "Requires authentication")


def bad_credentials() -> ApiError:
    return ApiError(401, "Bad credentials")


def otp_required() -> ApiError:
    return ApiError(
        401,
        "Must specify two-factor authentication OTP code.",
        documentation_url=DOCS_2FA,
        headers={"X-GitHub-OTP": "required; app"},
    )


def locked_out() -> ApiError:
    return ApiError(403, "Maximum number of login attempts exceeded. Please try again later.")


def basic_auth_only() -> ApiError:
    return ApiError(403, "This API can only be accessed with username and password Basic Auth")


def not_found(documentation_url: str = DOCS_V3) -> ApiError:
    return ApiError(404, "Not Found", documentation_url=documentation_url)


def invalid_application(documentation_url: str = DOCS_GET_OR_CREATE) -> ApiError:
    return ApiError(422, "Invalid Application client_id or secret.", documentation_url=documentation_url)


def problems_parsing_json() -> ApiError:
    return ApiError(400, "Problems parsing JSON")


def body_not_object() -> ApiError:
    return ApiError(400, "Body should be a JSON object")


class ServiceUnavailable(ApiError):
    """The database did not answer in time (throttled, timed out, failing): try again later."""

    def __init__(self, retry_after: int = 1) -> None:
        super().__init__(
            503,
            "Service Unavailable. Please try again later.",
            headers={"Retry-After": str(retry_after)},
        )

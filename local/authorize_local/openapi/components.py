"""Names and components the whole document shares: servers, tags, security schemes, the parameters
and headers under ``components``, and the descriptions of the path parameters."""

from __future__ import annotations

from typing import Any

from authorize.domain import paging as pagination
from authorize.usecases.app_tokens import MAX_TOKEN

JSON = "application/json"
LOCAL_SERVER = "http://127.0.0.1:3000"  # also the base URL of every example
SCHEMAS = "#/components/schemas/"
PARAMETERS = "#/components/parameters/"
HEADERS = "#/components/headers/"

USER_BASIC_SCHEME = "userBasic"
APP_BASIC_SCHEME = "appBasic"
TOKEN_SCHEME = "oauthToken"  # noqa: S105 - a security scheme name, not a secret
USER_BASIC: list[dict[str, list[str]]] = [{USER_BASIC_SCHEME: []}]
APP_BASIC: list[dict[str, list[str]]] = [{APP_BASIC_SCHEME: []}]
USER_BASIC_OR_TOKEN: list[dict[str, list[str]]] = [{USER_BASIC_SCHEME: []}, {TOKEN_SCHEME: []}]

TAG_AUTHORIZATIONS = "oauth-authorizations"
TAG_APPLICATIONS = "oauth-applications"
TAG_USERS = "users"
TAG_CREDENTIALS = "credentials"
TAG_ENTERPRISE_ADMIN = "enterprise-admin"
TAGS = [
    {"name": TAG_AUTHORIZATIONS, "description": "Authorizations and grants of a user (user Basic)."},
    {"name": TAG_APPLICATIONS, "description": "An OAuth app checks, resets and revokes its tokens (app Basic)."},
    {"name": TAG_USERS, "description": "The authenticated user: how clients confirm that a token works."},
    {"name": TAG_CREDENTIALS, "description": "Anyone who finds a leaked token has it revoked (no credentials)."},
    {
        "name": TAG_ENTERPRISE_ADMIN,
        "description": (
            "GitHub Enterprise Server's site-administrator API: users and impersonation tokens. Site "
            "administrators only, with Basic credentials or a token with the `site_admin` scope."
        ),
    },
]

TITLE = "authorize: GitHub's OAuth Authorizations API"
DESCRIPTION = """\
A re-implementation of GitHub's legacy OAuth Authorizations API (`/authorizations`, the get-or-create \
endpoints, grants, and the app-authenticated token endpoints) on API Gateway, Lambda and DynamoDB.

Bodies, messages and headers follow GitHub's: every error is `{"message", "errors"?, "documentation_url"}` \
with GitHub's exact message; a user with two-factor authentication gets a 401 with `X-GitHub-OTP: required; app` \
once the password is right, and retries with the code in the `X-GitHub-OTP` request header. Request bodies are \
read as JSON whatever their `Content-Type`, and only after authentication.

Generated from the Lambda's resolver by `make openapi`; `make openapi-check` (and the unit tests) fail when \
this file is stale."""
SERVER_NOTE = (
    "The local server (`make serve`, default port 3000). A deployed stage answers at its API Gateway URL "
    "(the `ApiUrl` output of the stack), or at its custom domain."
)

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    USER_BASIC_SCHEME: {
        "type": "http",
        "scheme": "basic",
        "description": (
            "The user's login and password: `Authorization: Basic base64(login:password)`, and "
            "`X-GitHub-OTP: <code>` when the user has two-factor authentication. Tokens are refused (403)."
        ),
    },
    APP_BASIC_SCHEME: {
        "type": "http",
        "scheme": "basic",
        "description": (
            "The OAuth app's credentials: `Authorization: Basic base64(client_id:client_secret)`. No OTP. "
            "The `client_id` and `client_secret` query parameters are accepted too, as GitHub did until 2021."
        ),
    },
    TOKEN_SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "description": "An OAuth token: `Authorization: token <token>` or `Authorization: Bearer <token>`.",
    },
}

# Under components/parameters: the operations' `query` names refer to these keys.
COMPONENT_PARAMETERS: dict[str, dict[str, Any]] = {
    "otp": {
        "name": "X-GitHub-OTP",
        "in": "header",
        "required": False,
        "description": (
            "The current two-factor code of a user with two-factor authentication (after a 401 with "
            "`X-GitHub-OTP: required; app`). A code stays valid for its whole time window."
        ),
        "schema": {"type": "string"},
        "example": "123456",
    },
    "page": {
        "name": "page",
        "in": "query",
        "required": False,
        "description": "Page number, from 1. Past the end: `[]`. Anything but a positive integer means 1.",
        "schema": {"type": "integer", "minimum": 1, "default": 1},
    },
    "per-page": {
        "name": "per_page",
        "in": "query",
        "required": False,
        "description": (
            f"Items per page, at most {pagination.MAX_PER_PAGE} (larger values are clamped); anything but a "
            f"positive integer means {pagination.DEFAULT_PER_PAGE}."
        ),
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": pagination.MAX_PER_PAGE,
            "default": pagination.DEFAULT_PER_PAGE,
        },
    },
    "client-id": {
        "name": "client_id",
        "in": "query",
        "required": False,
        "description": "Only the authorizations of this OAuth app.",
        "schema": {"type": "string"},
    },
}
OTP_PARAMETER = "otp"  # every operation with user Basic takes it

# Under components/headers, and referred to by every response.
COMPONENT_HEADERS: dict[str, dict[str, Any]] = {
    "X-GitHub-Request-Id": {
        "description": "An id for this request, for support and logs.",
        "schema": {"type": "string"},
    },
    "X-GitHub-Media-Type": {
        "description": "The media type of the answer: always the v3 JSON form.",
        "schema": {"type": "string"},
        "example": "github.v3; format=json",
    },
}

# Path parameters by name (the resolver's): description, example, and a schema if not a string.
PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "client_id": {"description": "The OAuth app's client ID (20 characters).", "example": "abcde12345fghij67890"},
    "fingerprint": {
        "description": (
            "Tells apart several authorizations of one app for one user (one per device, say); "
            "percent-decoded, at most 255 characters."
        ),
        "example": "jklmnop12345678",
    },
    "authorization_id": {
        "description": "The authorization's `id`. Another user's authorization is a 404.",
        "schema": {"type": "integer", "minimum": 1},
    },
    "grant": {"description": "The grant's `id`.", "schema": {"type": "integer", "minimum": 1}},
    "username": {"description": "The user's login (case-insensitive).", "example": "monalisa"},
    "access_token": {
        "description": (
            f"The OAuth token (at most {MAX_TOKEN} characters). In a URL it may end up in logs along the way: "
            "prefer the form with the token in the body."
        ),
    },
}

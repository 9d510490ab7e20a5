"""OpenAPI documentation of the routes in ``functions/authorize/app.py``: response shapes and headers.

Each route decorator takes one of the operation dicts at the end of this module (summary, operationId,
tags, security and responses). The models mirror what ``authorization_view``, ``simple_user``,
``grant_view`` and ``github.errors.to_github`` emit; they document responses and never build or validate one.

Cheap to import (Lambda cold start): plain dicts, and models whose schemas are only built when the
OpenAPI document is generated (``defer_build``). Request bodies, parameters and security schemes are
added by ``local/authorize_local/openapi.py``, which writes ``docs/openapi.json``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from .domain.exceptions import (
    AuthenticationRequired,
    BadCredentials,
    InvalidApplication,
    LockedOut,
    NotFound,
    OtpRequired,
    PasswordRequired,
    Unavailable,
    ValidationFailed,
)
from .domain.exceptions import FieldError as Field_
from .github import docs as urls
from .github import errors
from .github.bodies import BodyNotObject, ProblemsParsingJson
from .github.docs import DOCS_CHECK, DOCS_RESET, DOCS_REVOKE, DOCS_REVOKE_GRANT
from .github.errors import GitHubError as GitHubAnswer
from .github.errors import OperationDocs, to_github
from .github.views import simple_user


def _answer(exc: Exception, docs: str = urls.DOCS_V3) -> GitHubAnswer:
    return to_github(exc, OperationDocs(docs))


# Names shared with local/authorize_local/openapi.py (security schemes, tags).
USER_BASIC_SCHEME = "userBasic"
APP_BASIC_SCHEME = "appBasic"
TOKEN_SCHEME = "oauthToken"  # noqa: S105 - a security scheme name, not a secret
TAG_AUTHORIZATIONS = "oauth-authorizations"
TAG_APPLICATIONS = "oauth-applications"
TAG_USERS = "users"

USER_BASIC: list[dict[str, list[str]]] = [{USER_BASIC_SCHEME: []}]
APP_BASIC: list[dict[str, list[str]]] = [{APP_BASIC_SCHEME: []}]
USER_BASIC_OR_TOKEN: list[dict[str, list[str]]] = [{USER_BASIC_SCHEME: []}, {TOKEN_SCHEME: []}]

JSON = "application/json"


# --- models --------------------------------------------------------------------------------------


class _Doc(BaseModel):
    model_config = ConfigDict(defer_build=True)


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _omittable(description: str, **kwargs: Any) -> Any:
    """A key that is absent (never ``null``) when it does not apply."""
    return Field(default=None, description=description, json_schema_extra=_drop_default, **kwargs)


Timestamp = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
        json_schema_extra={"format": "date-time"},
        examples=["2026-01-05T10:00:00Z"],
    ),
]


# Whole-object examples (as the local server would answer), so that no optional key shows up in them.
_BASE = "http://127.0.0.1:3000"
_APP_EXAMPLE: dict[str, Any] = {
    "name": "my github app",
    "url": "http://my-github-app.com",
    "client_id": "abcde12345fghij67890",
}
_AUTHORIZATION_EXAMPLE: dict[str, Any] = {
    "id": 1,
    "url": f"{_BASE}/authorizations/1",
    "app": _APP_EXAMPLE,
    "token": "",
    "hashed_token": "25f94a2a5c7fbaf499c665bc73d67c1c87e496da8985131633ee0a95819db2e8",
    "token_last_eight": "12345678",
    "note": "admin script",
    "note_url": None,
    "created_at": "2026-01-05T10:00:00Z",
    "updated_at": "2026-01-05T10:00:00Z",
    "scopes": ["public_repo"],
    "fingerprint": None,
}
_USER_EXAMPLE = simple_user(1, "monalisa", _BASE)


class App(_Doc):
    """The OAuth app an authorization belongs to. A personal access token (no app) shows its note as
    ``name``, the API documentation as ``url`` and twenty zeros as ``client_id``."""

    name: str = Field(examples=["my github app"])
    url: str = Field(examples=["http://my-github-app.com"])
    client_id: str = Field(examples=["abcde12345fghij67890"])


class Authorization(_Doc):
    """An OAuth authorization. Keys with no value are ``null``, never omitted."""

    model_config = ConfigDict(json_schema_extra={"examples": [_AUTHORIZATION_EXAMPLE]})

    id: int = Field(ge=1, examples=[1])
    url: str = Field(description="`{base}/authorizations/{id}`", examples=[f"{_BASE}/authorizations/1"])
    app: App
    token: str = Field(
        description=(
            "The plaintext token, only in a 201 from PUT or POST, in a reset (the new token) and in a check "
            '(the token sent). `""` everywhere else: only its hash is stored.'
        ),
        examples=[""],
    )
    hashed_token: str = Field(
        pattern="^[0-9a-f]{64}$",
        description="SHA-256 of the token, lowercase hex.",
        examples=["25f94a2a5c7fbaf499c665bc73d67c1c87e496da8985131633ee0a95819db2e8"],
    )
    token_last_eight: str = Field(examples=["12345678"])
    note: str | None = Field(examples=["optional note"])
    note_url: str | None = Field(examples=["http://optional/note/url"])
    created_at: Timestamp
    updated_at: Timestamp
    scopes: list[str] = Field(
        description="The stored, normalized scopes; `[]` is no scope.", examples=[["public_repo"]]
    )
    fingerprint: str | None = Field(examples=[None])
    expires_at: Timestamp | SkipJsonSchema[None] = _omittable(
        "Only for tokens of an app configured with a token lifetime (not part of GitHub's API)."
    )


class SimpleUser(_Doc):
    """GitHub's simple-user shape."""

    model_config = ConfigDict(json_schema_extra={"examples": [_USER_EXAMPLE]})

    login: str = Field(examples=["monalisa"])
    id: int = Field(examples=[1])
    node_id: str
    avatar_url: str
    gravatar_id: str = Field(examples=[""])
    url: str
    html_url: str
    followers_url: str
    following_url: str
    gists_url: str
    starred_url: str
    subscriptions_url: str
    organizations_url: str
    repos_url: str
    events_url: str
    received_events_url: str
    type: str = Field(examples=["User"])
    site_admin: bool = Field(examples=[False])


class AuthorizationWithUser(Authorization):
    """An authorization and its owner: the answer of check and reset."""

    model_config = ConfigDict(json_schema_extra={"examples": [{**_AUTHORIZATION_EXAMPLE, "user": _USER_EXAMPLE}]})

    user: SimpleUser


class Grant(_Doc):
    """One per OAuth app the user has authorized; ``scopes`` is the union over that app's tokens."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "url": f"{_BASE}/applications/grants/1",
                    "app": _APP_EXAMPLE,
                    "created_at": "2026-01-05T10:00:00Z",
                    "updated_at": "2026-01-05T10:00:00Z",
                    "scopes": ["public_repo"],
                }
            ]
        }
    )

    id: int = Field(ge=1, examples=[1])
    url: str = Field(description="`{base}/applications/grants/{id}`", examples=[f"{_BASE}/applications/grants/1"])
    app: App
    created_at: Timestamp
    updated_at: Timestamp
    scopes: list[str] = Field(examples=[["public_repo"]])


class FieldError(_Doc):
    """One failed field of a ``Validation Failed`` error."""

    resource: str = Field(examples=[errors.RESOURCE])
    field: str = Field(
        description="The request key; a personal token's `note` is called `description`.", examples=["scopes"]
    )
    code: Literal["missing", "missing_field", "invalid", "already_exists", "custom"]
    message: str | SkipJsonSchema[None] = _omittable("Only with code `custom`.")


_DOCS_V3 = urls.DOCS_V3  # the class below has a field named "errors"


class GitHubError(_Doc):
    """Every error body: ``message`` (byte-exact GitHub text), ``errors`` on ``Validation Failed``,
    and ``documentation_url``."""

    message: str = Field(examples=["Not Found"])
    errors: list[FieldError] | SkipJsonSchema[None] = _omittable("Only on `Validation Failed`.")
    documentation_url: str = Field(examples=[_DOCS_V3])


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
    "example": "required; app",
}
RETRY_AFTER = {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}, "example": 1}
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


def _ok(description: str, model: Any, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {JSON: {"model": model}}}
    if headers:
        response["headers"] = headers
    return response


def _examples(*named: tuple[str, GitHubAnswer]) -> dict[str, Any]:
    return {name: {"summary": error.body["message"], "value": error.body} for name, error in named}


def _error(description: str, *named: tuple[str, GitHubAnswer], headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {JSON: {"model": GitHubError, "examples": _examples(*named)}},
    }
    if headers:
        response["headers"] = headers
    return response


NO_CONTENT = {"description": "Done: no body."}

_BAD_JSON = _error(
    "The body is not JSON (`Problems parsing JSON`) or not a JSON object (`Body should be a JSON object`).",
    ("problems_parsing_json", _answer(ProblemsParsingJson())),
    ("body_not_object", _answer(BodyNotObject())),
)
_USER_401 = _error(
    "No credentials (`Requires authentication`), a wrong login or password (`Bad credentials`), or the "
    "two-factor challenge (`Must specify two-factor authentication OTP code.` with `X-GitHub-OTP`).",
    ("otp_required", _answer(OtpRequired())),
    ("bad_credentials", _answer(BadCredentials())),
    ("requires_authentication", _answer(AuthenticationRequired())),
    headers={"X-GitHub-OTP": GITHUB_OTP},
)
_USER_403 = _error(
    "Too many failed logins (even with the right password now), or a token used where only a login and "
    "password are accepted.",
    ("locked_out", _answer(LockedOut())),
    ("basic_auth_only", _answer(PasswordRequired())),
)
_APP_401 = _error(
    "No app credentials. Wrong ones are a 404, like an unknown token.",
    ("requires_authentication", _answer(AuthenticationRequired())),
)
_USER_404 = _error(
    "No such authorization or grant of this user (another user's looks the same as a missing one).",
    ("not_found", _answer(NotFound(), urls.DOCS_AUTHORIZATIONS)),
)
_503 = _error(
    "The database did not answer in time: retry after `Retry-After` seconds.",
    ("service_unavailable", _answer(Unavailable())),
    headers={"Retry-After": RETRY_AFTER},
)
_500 = _error("An unexpected failure.", ("server_error", errors.server_error()))


def _field_errors(docs: str, *fields: tuple[str, str]) -> GitHubAnswer:
    return _answer(ValidationFailed(*(Field_(field, code) for field, code in fields)), docs)


_USER_ERRORS: dict[int, Any] = {401: _USER_401, 403: _USER_403, 503: _503, 500: _500}

# --- operations: keyword arguments for the route decorators ---------------------------------------


def _get_or_create(fingerprint: bool) -> dict[int, Any]:
    docs = urls.DOCS_GET_OR_CREATE_FINGERPRINT if fingerprint else urls.DOCS_GET_OR_CREATE
    return {
        201: _ok("Created: a new authorization, with the plaintext `token`.", Authorization, {"Location": LOCATION}),
        200: _ok(
            'Found: the stored authorization, unchanged, with `token: ""`. The scopes and note sent are not applied.',
            Authorization,
            {"Location": LOCATION},
        ),
        400: _BAD_JSON,
        **_USER_ERRORS,
        422: _error(
            "A bad body (`Validation Failed`) or an unknown app or wrong secret "
            "(`Invalid Application client_id or secret.`).",
            ("invalid_application", _answer(InvalidApplication(), docs)),
            ("missing_client_secret", _field_errors(docs, ("client_secret", "missing_field"))),
            ("invalid_scopes", _field_errors(docs, ("scopes", "invalid"))),
        ),
    }


_CREATE_DOCS = urls.DOCS_CREATE
_UPDATE_DOCS = urls.DOCS_UPDATE

GET_OR_CREATE_FOR_APP: dict[str, Any] = {
    "summary": "Get-or-create an authorization for a specific app",
    "description": (
        "Returns the user's authorization for this app and no fingerprint, creating it if there is none "
        "(201 with the token). An existing one is returned unchanged (200, `token` empty). Authentication is "
        "checked before the body is read."
    ),
    "operation_id": "oauth-authorizations/get-or-create-authorization-for-app",
    "tags": [TAG_AUTHORIZATIONS],
    "security": USER_BASIC,
    "responses": _get_or_create(fingerprint=False),
}
GET_OR_CREATE_FOR_APP_AND_FINGERPRINT: dict[str, Any] = {
    "summary": "Get-or-create an authorization for a specific app and fingerprint",
    "description": (
        "As the form without a fingerprint, keyed by the fingerprint in the path (percent-decoded), which "
        "wins over a `fingerprint` in the body. One app can hold several tokens of one user this way."
    ),
    "operation_id": "oauth-authorizations/get-or-create-authorization-for-app-and-fingerprint",
    "tags": [TAG_AUTHORIZATIONS],
    "security": USER_BASIC,
    "responses": _get_or_create(fingerprint=True),
}
LIST_AUTHORIZATIONS: dict[str, Any] = {
    "summary": "List your authorizations",
    "description": 'Every authorization of the user, newest first, with `token: ""` in each; paginated.',
    "operation_id": "oauth-authorizations/list-authorizations",
    "tags": [TAG_AUTHORIZATIONS],
    "security": USER_BASIC,
    "responses": {200: _ok("The authorizations of this page.", list[Authorization], {"Link": LINK}), **_USER_ERRORS},
}
CREATE_AUTHORIZATION: dict[str, Any] = {
    "summary": "Create a new authorization",
    "description": (
        "Always creates: a personal access token (no app; its `note` must be unique among the user's), or, "
        "with `client_id` and `client_secret`, a token of that app (its fingerprint must be free)."
    ),
    "operation_id": "oauth-authorizations/create-authorization",
    "tags": [TAG_AUTHORIZATIONS],
    "security": USER_BASIC,
    "responses": {
        201: _ok("Created: the new authorization, with the plaintext `token`.", Authorization, {"Location": LOCATION}),
        400: _BAD_JSON,
        **_USER_ERRORS,
        422: _error(
            "A bad body, a note or fingerprint already in use (`already_exists`), or a bad app pair.",
            ("note_missing", _field_errors(_CREATE_DOCS, ("description", "missing_field"))),
            ("note_taken", _field_errors(_CREATE_DOCS, ("description", "already_exists"))),
            ("fingerprint_taken", _field_errors(_CREATE_DOCS, ("fingerprint", "already_exists"))),
            ("invalid_application", _answer(InvalidApplication(), _CREATE_DOCS)),
        ),
    },
}
GET_AUTHORIZATION: dict[str, Any] = {
    "summary": "Get a single authorization",
    "operation_id": "oauth-authorizations/get-authorization",
    "tags": [TAG_AUTHORIZATIONS],
    "security": USER_BASIC,
    "responses": {200: _ok('The authorization, `token: ""`.', Authorization), 404: _USER_404, **_USER_ERRORS},
}
UPDATE_AUTHORIZATION: dict[str, Any] = {
    "summary": "Update an existing authorization",
    "description": (
        "Replaces (`scopes`), extends (`add_scopes`) or trims (`remove_scopes`) the scopes, one of the three "
        "at a time, and sets `note`, `note_url` or `fingerprint` (`null` clears them)."
    ),
    "operation_id": "oauth-authorizations/update-authorization",
    "tags": [TAG_AUTHORIZATIONS],
    "security": USER_BASIC,
    "responses": {
        200: _ok('The updated authorization, `token: ""`.', Authorization),
        400: _BAD_JSON,
        404: _USER_404,
        **_USER_ERRORS,
        422: _error(
            "A bad body, more than one scope key, or a note or fingerprint already in use.",
            (
                "one_scope_key",
                _answer(
                    ValidationFailed(
                        Field_("scopes", "custom", "You can only send one of these scope keys at a time.")
                    ),
                    _UPDATE_DOCS,
                ),
            ),
            ("invalid_scopes", _field_errors(_UPDATE_DOCS, ("scopes", "invalid"))),
        ),
    },
}
DELETE_AUTHORIZATION: dict[str, Any] = {
    "summary": "Delete an authorization",
    "description": "The token stops working at once; a later get-or-create makes a new authorization.",
    "operation_id": "oauth-authorizations/delete-authorization",
    "tags": [TAG_AUTHORIZATIONS],
    "security": USER_BASIC,
    "responses": {204: NO_CONTENT, 404: _USER_404, **_USER_ERRORS},
}
LIST_GRANTS: dict[str, Any] = {
    "summary": "List your grants",
    "description": "One grant per app the user has authorized, in the order first authorized; paginated.",
    "operation_id": "oauth-authorizations/list-grants",
    "tags": [TAG_AUTHORIZATIONS],
    "security": USER_BASIC,
    "responses": {200: _ok("The grants of this page.", list[Grant], {"Link": LINK}), **_USER_ERRORS},
}
GET_GRANT: dict[str, Any] = {
    "summary": "Get a single grant",
    "operation_id": "oauth-authorizations/get-grant",
    "tags": [TAG_AUTHORIZATIONS],
    "security": USER_BASIC,
    "responses": {200: _ok("The grant.", Grant), 404: _USER_404, **_USER_ERRORS},
}
DELETE_GRANT: dict[str, Any] = {
    "summary": "Delete a grant",
    "description": "Deletes every token of that app for the user.",
    "operation_id": "oauth-authorizations/delete-grant",
    "tags": [TAG_AUTHORIZATIONS],
    "security": USER_BASIC,
    "responses": {204: NO_CONTENT, 404: _USER_404, **_USER_ERRORS},
}


def _app_operation(
    summary: str, operation_id: str, success: dict[int, Any], docs: str, *, body: bool, description: str
) -> dict[str, Any]:
    responses = {
        **success,
        401: _APP_401,
        404: _error(
            "Wrong app credentials, or the token is unknown, revoked, expired or another app's.",
            ("not_found", _answer(NotFound(), docs)),
        ),
        503: _503,
        500: _500,
    }
    if body:
        responses[400] = _BAD_JSON
        responses[422] = _error(
            "No `access_token` string in the body.",
            ("access_token_missing", _field_errors(docs, ("access_token", "missing_field"))),
        )
    operation: dict[str, Any] = {
        "summary": summary,
        "description": description,
        "operation_id": operation_id,
        "tags": [TAG_APPLICATIONS],
        "security": APP_BASIC,
        "responses": responses,
    }
    if not body:
        operation["deprecated"] = True
    return operation


_CHECKED = {200: _ok("The authorization and its user; `token` is the token sent.", AuthorizationWithUser)}
_RESET = {200: _ok("The authorization and its user; `token` is the new token.", AuthorizationWithUser)}
_GONE = {204: NO_CONTENT}
_LEGACY = (
    " Legacy form with the token in the path (removed by GitHub in 2021), served for older clients: "
    "prefer the form with the token in the body."
)
_CHECK = "Checks that a token of this app is valid, without the failed-login limit of user Basic."
_RESET_TEXT = "Gives the token a new value: the old one stops working at once; `id` stays."
_REVOKE = "Deletes the authorization holding this token."
_REVOKE_GRANT = "Deletes every authorization of this app for the token's owner."

CHECK_TOKEN = _app_operation("Check a token", "apps/check-token", _CHECKED, DOCS_CHECK, body=True, description=_CHECK)
RESET_TOKEN = _app_operation(
    "Reset a token", "apps/reset-token", _RESET, DOCS_RESET, body=True, description=_RESET_TEXT
)
DELETE_TOKEN = _app_operation(
    "Delete an app token", "apps/delete-token", _GONE, DOCS_REVOKE, body=True, description=_REVOKE
)
DELETE_APP_AUTHORIZATION = _app_operation(
    "Delete an app authorization",
    "apps/delete-authorization",
    _GONE,
    DOCS_REVOKE_GRANT,
    body=True,
    description=_REVOKE_GRANT,
)
LEGACY_CHECK_AUTHORIZATION = _app_operation(
    "Check an authorization (legacy)",
    "apps/check-authorization",
    _CHECKED,
    DOCS_CHECK,
    body=False,
    description=_CHECK + _LEGACY,
)
LEGACY_RESET_AUTHORIZATION = _app_operation(
    "Reset an authorization (legacy)",
    "apps/reset-authorization",
    _RESET,
    DOCS_RESET,
    body=False,
    description=_RESET_TEXT + _LEGACY,
)
LEGACY_REVOKE_AUTHORIZATION = _app_operation(
    "Revoke an authorization for an application (legacy)",
    "apps/revoke-authorization-for-application",
    _GONE,
    DOCS_REVOKE,
    body=False,
    description=_REVOKE + _LEGACY,
)
LEGACY_REVOKE_GRANT = _app_operation(
    "Revoke a grant for an application (legacy)",
    "apps/revoke-grant-for-application",
    _GONE,
    DOCS_REVOKE_GRANT,
    body=False,
    description=_REVOKE_GRANT + _LEGACY,
)

GET_AUTHENTICATED_USER: dict[str, Any] = {
    "summary": "Get the authenticated user",
    "description": (
        "How a client confirms that a token works: `Authorization: token <token>` (or `Bearer`). Also "
        "answers user Basic credentials, with the same checks as the authorization endpoints."
    ),
    "operation_id": "users/get-authenticated",
    "tags": [TAG_USERS],
    "security": USER_BASIC_OR_TOKEN,
    "responses": {
        200: _ok(
            "The user.",
            SimpleUser,
            {"X-OAuth-Scopes": OAUTH_SCOPES, "X-Accepted-OAuth-Scopes": ACCEPTED_OAUTH_SCOPES},
        ),
        401: _error(
            "No credentials, an unknown, revoked or expired token or a wrong password (`Bad credentials`), or "
            "the two-factor challenge for Basic credentials.",
            ("bad_credentials", _answer(BadCredentials())),
            ("requires_authentication", _answer(AuthenticationRequired())),
            ("otp_required", _answer(OtpRequired())),
            headers={"X-GitHub-OTP": GITHUB_OTP},
        ),
        403: _USER_403,
        503: _503,
        500: _500,
    },
}


# Handler function name (functions/authorize/app.py) -> its documentation, attached to the resolver's
# routes by local/authorize_local/openapi.py when the document is generated.
OPERATIONS: dict[str, dict[str, Any]] = {
    "put_authorization_for_app": GET_OR_CREATE_FOR_APP,
    "put_authorization_for_app_and_fingerprint": GET_OR_CREATE_FOR_APP_AND_FINGERPRINT,
    "list_authorizations": LIST_AUTHORIZATIONS,
    "create_authorization": CREATE_AUTHORIZATION,
    "get_authorization": GET_AUTHORIZATION,
    "update_authorization": UPDATE_AUTHORIZATION,
    "delete_authorization": DELETE_AUTHORIZATION,
    "list_grants": LIST_GRANTS,
    "get_grant": GET_GRANT,
    "delete_grant": DELETE_GRANT,
    "check_token": CHECK_TOKEN,
    "reset_token": RESET_TOKEN,
    "revoke_token": DELETE_TOKEN,
    "revoke_grant": DELETE_APP_AUTHORIZATION,
    "legacy_check_token": LEGACY_CHECK_AUTHORIZATION,
    "legacy_reset_token": LEGACY_RESET_AUTHORIZATION,
    "legacy_revoke_token": LEGACY_REVOKE_AUTHORIZATION,
    "legacy_revoke_grant": LEGACY_REVOKE_GRANT,
    "get_user": GET_AUTHENTICATED_USER,
}

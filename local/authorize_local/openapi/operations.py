"""The documentation of every route, keyed by ``(METHOD, path)`` with the path as API Gateway and
OpenAPI write it (``/authorizations/{authorization_id}``; the resolver's ``<x>`` is ``{x}`` here).

This table is the only place a route's summary, operationId, tag, security, responses, request body
and query parameters are written. Error responses name the exceptions behind them: their examples are
the handler's answers, pointing at the route's page in ``authorize.github.operations``. The document
builder (``document.py``) applies each entry to the route of the Lambda's resolver with the same key;
tests/unit/test_route_contract.py keeps the keys equal to the resolver's routes, to template.yaml's
Api events and to ``authorize.github.operations``. The Lambda never imports this.
"""

from __future__ import annotations

from typing import Any

from authorize.domain.exceptions import (
    FieldError,
    InvalidApplication,
    NotFound,
    ValidationFailed,
)

from .admin import ADMIN_OPERATIONS
from .components import (
    APP_BASIC,
    TAG_APPLICATIONS,
    TAG_AUTHORIZATIONS,
    TAG_USERS,
    USER_BASIC,
    USER_BASIC_OR_TOKEN,
)
from .models import Authorization, AuthorizationWithUser, Grant, PrivateUser, PublicUser
from .operation import Operation, RequestBody
from .responses import (
    ACCEPTED_OAUTH_SCOPES,
    APP_401,
    BAD_JSON,
    BASIC_OR_TOKEN_401,
    LINK,
    LOCATION,
    NO_CONTENT,
    OAUTH_SCOPES,
    SERVER_ERROR,
    SERVICE_UNAVAILABLE,
    USER_403,
    USER_404,
    USER_ERRORS,
    error,
    field_errors,
    ok,
)
from .revocation import REVOCATION_OPERATIONS

_SECRET = "abcd" * 10


def _user(summary: str, operation_id: str, responses: dict[int, Any], **more: Any) -> Operation:
    """An operation of the user-Basic family: authorizations and grants."""
    return Operation(summary, operation_id, TAG_AUTHORIZATIONS, USER_BASIC, {**responses, **USER_ERRORS}, **more)


_FOUND = 'Found: the stored authorization, unchanged, with `token: ""`. The scopes and note sent are not applied.'
_GET_OR_CREATE: dict[int, Any] = {
    201: ok("Created: a new authorization, with the plaintext `token`.", Authorization, {"Location": LOCATION}),
    200: ok(_FOUND, Authorization, {"Location": LOCATION}),
    400: BAD_JSON,
    422: error(
        "A bad body (`Validation Failed`) or an unknown app or wrong secret "
        "(`Invalid Application client_id or secret.`).",
        ("invalid_application", InvalidApplication()),
        ("missing_client_secret", field_errors(("client_secret", "missing_field"))),
        ("invalid_scopes", field_errors(("scopes", "invalid"))),
    ),
}
_CREATED = ok("Created: the new authorization, with the plaintext `token`.", Authorization, {"Location": LOCATION})
_CREATE_422 = error(
    "A bad body, a note or fingerprint already in use (`already_exists`), or a bad app pair.",
    ("note_missing", field_errors(("description", "missing_field"))),
    ("note_taken", field_errors(("description", "already_exists"))),
    ("fingerprint_taken", field_errors(("fingerprint", "already_exists"))),
    ("invalid_application", InvalidApplication()),
)
_UPDATED = ok('The updated authorization, `token: ""`.', Authorization)
_ONE_SCOPE_KEY = FieldError("scopes", "custom", "You can only send one of these scope keys at a time.")
_UPDATE_422 = error(
    "A bad body, more than one scope key, or a note or fingerprint already in use.",
    ("one_scope_key", ValidationFailed(_ONE_SCOPE_KEY)),
    ("invalid_scopes", field_errors(("scopes", "invalid"))),
)
_LIST_QUERY = ("page", "per-page")


def _app(summary: str, operation_id: str, success: dict[int, Any], description: str, body: str | None) -> Operation:
    """An app-authenticated token operation: the token in a body described by ``body``, else (legacy,
    deprecated) in the path."""
    responses = {
        **success,
        401: APP_401,
        404: error(
            "Wrong app credentials, or the token is unknown, revoked, expired or another app's.",
            ("not_found", NotFound()),
        ),
        503: SERVICE_UNAVAILABLE,
        500: SERVER_ERROR,
    }
    if body is not None:
        responses[400] = BAD_JSON
        responses[422] = error(
            "No `access_token` string in the body.",
            ("access_token_missing", field_errors(("access_token", "missing_field"))),
        )
    return Operation(
        summary,
        operation_id,
        TAG_APPLICATIONS,
        APP_BASIC,
        responses,
        description=description if body is not None else description + _LEGACY,
        deprecated=body is None,
        body=RequestBody("AccessTokenBody", body) if body is not None else None,
    )


_CHECKED = {200: ok("The authorization and its user; `token` is the token sent.", AuthorizationWithUser)}
_RESET = {200: ok("The authorization and its user; `token` is the new token.", AuthorizationWithUser)}
_GONE = {204: NO_CONTENT}
_LEGACY = (
    " Legacy form with the token in the path (removed by GitHub in 2021), served for older clients: "
    "prefer the form with the token in the body."
)
_CHECK = "Checks that a token of this app is valid, without the failed-login limit of user Basic."
_RESET_TEXT = "Gives the token a new value: the old one stops working at once; `id` stays."
_REVOKE = "Deletes the authorization holding this token."
_REVOKE_GRANT = "Deletes every authorization of this app for the token's owner."

_USER_HEADERS = {"X-OAuth-Scopes": OAUTH_SCOPES, "X-Accepted-OAuth-Scopes": ACCEPTED_OAUTH_SCOPES}

OPERATIONS: dict[tuple[str, str], Operation] = {
    # --- get-or-create ---------------------------------------------------------------------------
    ("PUT", "/authorizations/clients/{client_id}"): _user(
        "Get-or-create an authorization for a specific app",
        "oauth-authorizations/get-or-create-authorization-for-app",
        _GET_OR_CREATE,
        description=(
            "Returns the user's authorization for this app and no fingerprint, creating it if there is none "
            "(201 with the token). An existing one is returned unchanged (200, `token` empty). Authentication "
            "is checked before the body is read."
        ),
        body=RequestBody(
            "GetOrCreateBody",
            "The app's secret, and what a new authorization gets.",
            example={"client_secret": _SECRET, "scopes": ["public_repo"], "note": "admin script"},
        ),
    ),
    ("PUT", "/authorizations/clients/{client_id}/{fingerprint}"): _user(
        "Get-or-create an authorization for a specific app and fingerprint",
        "oauth-authorizations/get-or-create-authorization-for-app-and-fingerprint",
        _GET_OR_CREATE,
        description=(
            "As the form without a fingerprint, keyed by the fingerprint in the path (percent-decoded), which "
            "wins over a `fingerprint` in the body. One app can hold several tokens of one user this way."
        ),
        body=RequestBody(
            "GetOrCreateBody",
            "The app's secret, and what a new authorization gets. A `fingerprint` here is ignored: the path's wins.",
            example={"client_secret": _SECRET, "scopes": ["public_repo"]},
        ),
    ),
    # --- authorizations --------------------------------------------------------------------------
    ("GET", "/authorizations"): _user(
        "List your authorizations",
        "oauth-authorizations/list-authorizations",
        {200: ok("The authorizations of this page.", list[Authorization], {"Link": LINK})},
        description='Every authorization of the user, newest first, with `token: ""` in each; paginated.',
        query=(*_LIST_QUERY, "client-id"),
    ),
    ("POST", "/authorizations"): _user(
        "Create a new authorization",
        "oauth-authorizations/create-authorization",
        {201: _CREATED, 400: BAD_JSON, 422: _CREATE_422},
        description=(
            "Always creates: a personal access token (no app; its `note` must be unique among the user's), or, "
            "with `client_id` and `client_secret`, a token of that app (its fingerprint must be free)."
        ),
        body=RequestBody(
            "CreateBody", "The new authorization.", example={"scopes": ["public_repo"], "note": "admin script"}
        ),
    ),
    ("GET", "/authorizations/{authorization_id}"): _user(
        "Get a single authorization",
        "oauth-authorizations/get-authorization",
        {200: ok('The authorization, `token: ""`.', Authorization), 404: USER_404},
    ),
    ("PATCH", "/authorizations/{authorization_id}"): _user(
        "Update an existing authorization",
        "oauth-authorizations/update-authorization",
        {200: _UPDATED, 400: BAD_JSON, 404: USER_404, 422: _UPDATE_422},
        description=(
            "Replaces (`scopes`), extends (`add_scopes`) or trims (`remove_scopes`) the scopes, one of the three "
            "at a time, and sets `note`, `note_url` or `fingerprint` (`null` clears them)."
        ),
        body=RequestBody(
            "UpdateBody", "The changes; absent keys stay as they are.", required=False, example={"add_scopes": ["gist"]}
        ),
    ),
    ("DELETE", "/authorizations/{authorization_id}"): _user(
        "Delete an authorization",
        "oauth-authorizations/delete-authorization",
        {204: NO_CONTENT, 404: USER_404},
        description="The token stops working at once; a later get-or-create makes a new authorization.",
    ),
    # --- grants ----------------------------------------------------------------------------------
    ("GET", "/applications/grants"): _user(
        "List your grants",
        "oauth-authorizations/list-grants",
        {200: ok("The grants of this page.", list[Grant], {"Link": LINK})},
        description="One grant per app the user has authorized, in the order first authorized; paginated.",
        query=_LIST_QUERY,
    ),
    ("GET", "/applications/grants/{grant}"): _user(
        "Get a single grant", "oauth-authorizations/get-grant", {200: ok("The grant.", Grant), 404: USER_404}
    ),
    ("DELETE", "/applications/grants/{grant}"): _user(
        "Delete a grant",
        "oauth-authorizations/delete-grant",
        {204: NO_CONTENT, 404: USER_404},
        description="Deletes every token of that app for the user.",
    ),
    # --- app-authenticated token endpoints -------------------------------------------------------
    ("POST", "/applications/{client_id}/token"): _app(
        "Check a token", "apps/check-token", _CHECKED, _CHECK, "The token to check."
    ),
    ("PATCH", "/applications/{client_id}/token"): _app(
        "Reset a token", "apps/reset-token", _RESET, _RESET_TEXT, "The token to reset."
    ),
    ("DELETE", "/applications/{client_id}/token"): _app(
        "Delete an app token", "apps/delete-token", _GONE, _REVOKE, "The token to revoke."
    ),
    ("DELETE", "/applications/{client_id}/grant"): _app(
        "Delete an app authorization",
        "apps/delete-authorization",
        _GONE,
        _REVOKE_GRANT,
        "A token of the grant to revoke.",
    ),
    ("GET", "/applications/{client_id}/tokens/{access_token}"): _app(
        "Check an authorization (legacy)", "apps/check-authorization", _CHECKED, _CHECK, None
    ),
    ("POST", "/applications/{client_id}/tokens/{access_token}"): _app(
        "Reset an authorization (legacy)", "apps/reset-authorization", _RESET, _RESET_TEXT, None
    ),
    ("DELETE", "/applications/{client_id}/tokens/{access_token}"): _app(
        "Revoke an authorization for an application (legacy)",
        "apps/revoke-authorization-for-application",
        _GONE,
        _REVOKE,
        None,
    ),
    ("DELETE", "/applications/{client_id}/grants/{access_token}"): _app(
        "Revoke a grant for an application (legacy)",
        "apps/revoke-grant-for-application",
        _GONE,
        _REVOKE_GRANT,
        None,
    ),
    # --- the authenticated user ------------------------------------------------------------------
    ("GET", "/user"): Operation(
        "Get the authenticated user",
        "users/get-authenticated",
        TAG_USERS,
        USER_BASIC_OR_TOKEN,
        {
            200: ok(
                "The user: `private-user` to a password or a token with `user` or `read:user`, `public-user` "
                "to any other token.",
                PrivateUser | PublicUser,
                _USER_HEADERS,
            ),
            401: BASIC_OR_TOKEN_401,
            403: USER_403,
            503: SERVICE_UNAVAILABLE,
            500: SERVER_ERROR,
        },
        description=(
            "How a client confirms that a token works: `Authorization: token <token>` (or `Bearer`). Also "
            "answers user Basic credentials, with the same checks as the authorization endpoints."
        ),
    ),
}
OPERATIONS.update(REVOCATION_OPERATIONS)
OPERATIONS.update(ADMIN_OPERATIONS)

"""The documentation of GitHub Enterprise Server's site-administrator API (``/admin/users…``,
``/users/{username}/site_admin``, ``/users/{username}/suspended``), part of the table in ``operations.py``;
its request bodies are the input models of ``authorize.domain.admin_inputs``."""

from __future__ import annotations

from typing import Any

from authorize.domain import admin_inputs
from authorize.domain.exceptions import (
    AccountSuspended,
    FieldError,
    LockedOut,
    NotFound,
    OwnAccount,
    SiteAdminRequired,
    ValidationFailed,
)
from authorize.github.views import RENAME_QUEUED_MESSAGE
from pydantic import ConfigDict, Field

from .components import LOCAL_SERVER, SCHEMAS, TAG_ENTERPRISE_ADMIN, TOKEN_SCHEME, USER_BASIC_SCHEME
from .models import Authorization, SimpleUser, _Doc
from .operation import Operation, RequestBody
from .responses import (
    BAD_JSON,
    BASIC_OR_TOKEN_401,
    LOCATION,
    NO_CONTENT,
    SERVER_ERROR,
    SERVICE_UNAVAILABLE,
    error,
    ok,
)

SITE_ADMIN_SECURITY: list[dict[str, list[str]]] = [{USER_BASIC_SCHEME: []}, {TOKEN_SCHEME: ["site_admin"]}]


class RenameQueued(_Doc):
    """GHES's answer to a rename (here the rename is done when it answers)."""

    model_config = ConfigDict(
        defer_build=True,
        json_schema_extra={"examples": [{"message": RENAME_QUEUED_MESSAGE, "url": f"{LOCAL_SERVER}/user/1"}]},
    )

    message: str = Field(examples=[RENAME_QUEUED_MESSAGE])
    url: str = Field(description="`{base}/user/{id}`", examples=[f"{LOCAL_SERVER}/user/1"])


def _user_errors(*fields: tuple[str, str]) -> ValidationFailed:
    return ValidationFailed(*(FieldError(f, c, resource=admin_inputs.USER_RESOURCE) for f, c in fields))


def _403(own: bool) -> Any:
    named: list[tuple[str, Exception]] = [
        ("site_admin_required", SiteAdminRequired()),
        ("suspended", AccountSuspended()),
        ("locked_out", LockedOut()),
    ]
    if own:
        named.append(("own_account", OwnAccount()))
    return error(
        "The caller is not a site administrator (or the token lacks `site_admin`), is suspended or locked out"
        + (", or names their own account." if own else "."),
        *named,
    )


_404 = error("No such user.", ("not_found", NotFound()))


def _admin(
    summary: str,
    operation_id: str,
    success: dict[int, Any],
    description: str,
    *,
    target: bool = True,
    own: bool = False,
    invalid: Any = None,
    body: RequestBody | None = None,
) -> Operation:
    responses: dict[int, Any] = {
        **success,
        401: BASIC_OR_TOKEN_401,
        403: _403(own),
        503: SERVICE_UNAVAILABLE,
        500: SERVER_ERROR,
    }
    if target:
        responses[404] = _404
    if body is not None:
        responses[400] = BAD_JSON
    if invalid is not None:
        responses[422] = invalid
    return Operation(
        summary, operation_id, TAG_ENTERPRISE_ADMIN, SITE_ADMIN_SECURITY, responses, description=description, body=body
    )


_REASON = error(
    f"`reason` is not a string of at most {admin_inputs.MAX_REASON} characters.",
    ("invalid_reason", _user_errors(("reason", "invalid"))),
)
_SUSPENSION = "Why: logged (GHES writes it to the audit log). Or no body."

ADMIN_OPERATIONS: dict[tuple[str, str], Operation] = {
    ("POST", "/admin/users"): _admin(
        "Create a user",
        "enterprise-admin/create-user",
        {201: ok("The new user.", SimpleUser, {"Location": {**LOCATION, "example": f"{LOCAL_SERVER}/users/monalisa"}})},
        "The login is normalized as GHES does (`octo_cat` becomes `octo-cat`); logins and emails are unique "
        "regardless of case. The user has no password until an operator sets one "
        "(`authorize-admin user set-password`); an impersonation token works for them at once.",
        target=False,
        invalid=error(
            "A bad body, or a login or email already taken (`already_exists`).",
            ("login_taken", _user_errors(("login", "already_exists"))),
            ("email_taken", _user_errors(("email", "already_exists"))),
            ("email_missing", _user_errors(("email", "missing_field"))),
        ),
        body=RequestBody(
            "CreateUserBody", "The new user.", example={"login": "monalisa", "email": "octocat@github.com"}
        ),
    ),
    ("PATCH", "/admin/users/{username}"): _admin(
        "Update the username for a user",
        "enterprise-admin/update-username-for-user",
        {202: ok("Renamed (GHES's message says queued).", RenameQueued, {"Location": LOCATION})},
        "Atomic: the user keeps its id, authorizations and tokens; the old login is free at once. The new "
        "login is normalized as on create.",
        invalid=error(
            "A bad body, or the new login is taken.",
            ("login_taken", _user_errors(("login", "already_exists"))),
            ("login_invalid", _user_errors(("login", "invalid"))),
        ),
        body=RequestBody("RenameUserBody", "The new login.", example={"login": "thenewmonalisa"}),
    ),
    ("DELETE", "/admin/users/{username}"): _admin(
        "Delete a user",
        "enterprise-admin/delete-user",
        {204: NO_CONTENT},
        "Every authorization and token of the user stops working at once, then they are deleted; the login can "
        "be created again. You can delete any user account except your own.",
        own=True,
    ),
    ("POST", "/admin/users/{username}/authorizations"): _admin(
        "Create an impersonation OAuth token",
        "enterprise-admin/create-impersonation-o-auth-token",
        {
            201: ok(
                "Created: the user's impersonation token (app `GitHub Site Administrator`), with the plaintext "
                "`token`.",
                Authorization,
                {"Location": LOCATION},
            ),
            200: ok('The user\'s impersonation token, unchanged, `token: ""`.', Authorization, {"Location": LOCATION}),
        },
        "Get-or-create, keyed by (user, impersonation): concurrent requests make one token. `site_admin` is a "
        "scope here only for a user who is a site administrator (a site administrator's own API token).",
        invalid=error("A bad body, e.g. an unknown scope.", ("invalid_scopes", _user_errors(("scopes", "invalid")))),
        body=RequestBody(
            "ImpersonationTokenBody",
            "The token's scopes (kept as they are when the token exists).",
            required=False,
            example={"scopes": ["public_repo"]},
        ),
    ),
    ("DELETE", "/admin/users/{username}/authorizations"): _admin(
        "Delete an impersonation OAuth token",
        "enterprise-admin/delete-impersonation-o-auth-token",
        {204: NO_CONTENT},
        "The user's impersonation token stops working (204 also when there was none).",
    ),
    ("PUT", "/users/{username}/site_admin"): _admin(
        "Promote a user to be a site administrator",
        "enterprise-admin/promote-user-to-be-site-administrator",
        {204: NO_CONTENT},
        "Send no body (`Content-Length: 0`).",
    ),
    ("DELETE", "/users/{username}/site_admin"): _admin(
        "Demote a site administrator",
        "enterprise-admin/demote-site-administrator",
        {204: NO_CONTENT},
        "You can demote any user account except your own, so the API never leaves the site without a site "
        "administrator; the caller must still be one when the change commits.",
        own=True,
    ),
    ("PUT", "/users/{username}/suspended"): _admin(
        "Suspend a user",
        "enterprise-admin/suspend-user",
        {204: NO_CONTENT},
        "The user's password and tokens are refused (403 `Sorry. Your account was suspended.`) until "
        "unsuspended; the tokens are kept. You can suspend any user account except your own.",
        own=True,
        invalid=_REASON,
        body=RequestBody(
            "SuspensionBody", _SUSPENSION, required=False, example={"reason": "Suspended during leave of absence."}
        ),
    ),
    ("DELETE", "/users/{username}/suspended"): _admin(
        "Unsuspend a user",
        "enterprise-admin/unsuspend-user",
        {204: NO_CONTENT},
        "The user's password and existing tokens work again.",
        invalid=_REASON,
        body=RequestBody("SuspensionBody", _SUSPENSION, required=False),
    ),
}

# The request bodies: component name -> input model, and what the models' JSON schemas cannot say.
ADMIN_BODIES: dict[str, Any] = {
    "CreateUserBody": admin_inputs.ApiNewUser,
    "RenameUserBody": admin_inputs.NewLogin,
    "ImpersonationTokenBody": admin_inputs.ImpersonationScopes,
    "SuspensionBody": admin_inputs.Suspension,
}
ADMIN_BODY_FIELDS: dict[str, dict[str, Any]] = {
    "login": {"description": "The login: " + admin_inputs.RULES["login"] + "."},
    "email": {"description": "Required with built-in authentication; unique regardless of case."},
    "suspended": {"description": "Create the user suspended."},
    "scopes": {
        "description": (
            "Scope names, normalized as everywhere; `site_admin` too, for a user who is a site administrator. "
            "Absent: none."
        )
    },
    "reason": {"description": "Why (logged)."},
}


def admin_body_schemas() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, model in ADMIN_BODIES.items():
        schema = model.model_json_schema(ref_template=SCHEMAS + "{model}")
        schema["title"] = name
        schema.setdefault("description", "Unknown keys are ignored; a value of the wrong type is a 422.")
        for field, prop in schema.get("properties", {}).items():
            prop.update(ADMIN_BODY_FIELDS.get(field, {}))
        out[name] = schema
    return out

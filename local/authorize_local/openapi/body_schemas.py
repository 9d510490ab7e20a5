"""The request body schemas under ``components/schemas``.

The handler reads bodies itself (after authentication, with GitHub-shaped errors) rather than through
Powertools' validation, so Powertools never sees them: they come from the pydantic models in
``authorize.domain.inputs``, completed with what those models enforce in validators, which their JSON schema
cannot show.
"""

from __future__ import annotations

import copy
from typing import Any

from authorize.domain import inputs as bodies
from authorize.domain import scopes
from authorize.usecases.app_tokens import MAX_TOKEN
from authorize.usecases.revocation import MAX_CREDENTIALS

from .admin import admin_body_schemas
from .components import SCHEMAS

ACCESS_TOKEN_BODY: dict[str, Any] = {
    "title": "AccessTokenBody",
    "type": "object",
    "description": "The token the app names. Unknown keys are ignored.",
    "properties": {
        "access_token": {
            "type": "string",
            "minLength": 1,
            "description": (
                f"An OAuth token of this app. Unknown, revoked, expired or another app's (or longer than "
                f"{MAX_TOKEN} characters): 404."
            ),
        }
    },
    "required": ["access_token"],
}

REVOCATION_BODY: dict[str, Any] = {
    "title": "RevocationBody",
    "type": "object",
    "description": "Credentials found exposed. Unknown keys are ignored.",
    "properties": {
        "credentials": {
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
            "maxItems": MAX_CREDENTIALS,
            "description": (
                f"Up to {MAX_CREDENTIALS} tokens. Live ones are revoked at once; unknown, malformed and "
                "already revoked ones are ignored, and the answer does not say which were which."
            ),
        }
    },
    "required": ["credentials"],
}

SCOPE_SCHEMA: dict[str, Any] = {
    "title": "Scope",
    "type": "string",
    "description": "A GitHub OAuth scope.",
    "enum": sorted(scopes.VALID_SCOPES),
}

# Descriptions and limits the body models enforce in validators (invisible to their JSON schema).
BODY_FIELDS: dict[str, dict[str, Any]] = {
    "scopes": {
        "description": (
            "Scope names. Absent or `null` is no scope (`[]`). Duplicates and scopes included in another "
            "(`user:email` with `user`) are dropped. An unknown name is a 422."
        ),
    },
    "add_scopes": {"description": "Scopes to add to the current ones (alone: not with `scopes` or `remove_scopes`)."},
    "remove_scopes": {"description": "Scopes to remove (alone: not with `scopes` or `add_scopes`)."},
    "note": {"description": "A note to remember what the token is for.", "maxLength": bodies.MAX_NOTE},
    "note_url": {
        "description": 'A URL to remember the app by: it must have a scheme, or be `""`.',
        "maxLength": bodies.MAX_NOTE_URL,
    },
    "fingerprint": {
        "description": (
            'Tells apart several authorizations of one app for one user. `""` is the same as none. '
            "Not for display: `note` is."
        ),
        "maxLength": bodies.MAX_FINGERPRINT,
    },
    "client_secret": {"description": "The app's client secret."},
    "client_id": {"description": "The app's client ID."},
}
BODY_FIELD_OVERRIDES: dict[tuple[str, str], dict[str, Any]] = {
    ("GetOrCreateBody", "client_id"): {
        "description": "Optional: if sent, it must be the client ID in the path (else 422 `invalid`)."
    },
    ("CreateBody", "note"): {
        "description": (
            "Required: what the token is for. A personal access token's note must be unique among the user's; "
            "errors call this field `description`."
        )
    },
    ("CreateBody", "client_id"): {
        "description": "With `client_secret`, the token belongs to that app: both or neither."
    },
    ("CreateBody", "client_secret"): {"description": "With `client_id`: that app's client secret."},
    ("UpdateBody", "scopes"): {
        "description": "Replaces the scopes (alone: not with `add_scopes` or `remove_scopes`). Absent: unchanged."
    },
    ("UpdateBody", "note"): {"description": "The new note; `null` clears it. Absent: unchanged."},
    ("UpdateBody", "note_url"): {"description": "The new note URL; `null` clears it. Absent: unchanged."},
    ("UpdateBody", "fingerprint"): {"description": "The new fingerprint; `null` clears it. Absent: unchanged."},
}


def body_schemas() -> dict[str, dict[str, Any]]:
    """Every request body schema (and the ``Scope`` they share), by component name."""
    out: dict[str, dict[str, Any]] = {
        "AccessTokenBody": copy.deepcopy(ACCESS_TOKEN_BODY),
        "RevocationBody": copy.deepcopy(REVOCATION_BODY),
        "Scope": copy.deepcopy(SCOPE_SCHEMA),
    }
    for model in (bodies.GetOrCreateBody, bodies.CreateBody, bodies.UpdateBody):
        name = model.__name__
        schema = model.model_json_schema(ref_template=SCHEMAS + "{model}")
        schema.setdefault("description", "Unknown keys are ignored; a value of the wrong type is a 422.")
        for field, prop in schema.get("properties", {}).items():
            prop.update(BODY_FIELDS.get(field, {}))
            prop.update(BODY_FIELD_OVERRIDES.get((name, field), {}))
            array = _branch(prop, "array")
            if array is not None and array.get("items", {}).get("type") == "string":
                array["items"] = {"$ref": SCHEMAS + "Scope"}
        out[name] = schema
    out.update(admin_body_schemas())
    return out


def _branch(schema: dict[str, Any], kind: str) -> dict[str, Any] | None:
    """The ``kind`` branch of a property (``X`` or ``X | None``)."""
    if schema.get("type") == kind:
        return schema
    return next((branch for branch in schema.get("anyOf", []) if branch.get("type") == kind), None)

"""The OpenAPI 3.1 document of the API, generated from the Lambda's resolver into ``docs/openapi.json``.

Powertools builds the paths, path parameters and responses from the route decorators in
``functions/authorize/app.py`` (their arguments live in ``authorize.api_docs``). The handler reads
request bodies itself, after authentication and with GitHub-shaped errors, instead of through
Powertools' validation, so what Powertools cannot see is added here: the request bodies (from the
pydantic models in ``authorize.bodies``), the query parameters, the ``X-GitHub-OTP`` request header,
the security schemes and the headers every response carries.

    python -m authorize_local.openapi           # write docs/openapi.json
    python -m authorize_local.openapi --check   # exit 1 if docs/openapi.json is not current
"""

from __future__ import annotations

import argparse
import copy
import difflib
import importlib
import json
import os
import sys
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from authorize import api_docs
from authorize.domain import inputs as bodies
from authorize.domain import paging as pagination
from authorize.domain import scopes
from authorize.usecases.app_tokens import MAX_TOKEN

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTION_DIR = REPO_ROOT / "functions" / "authorize"
DOCUMENT = REPO_ROOT / "docs" / "openapi.json"

TITLE = "authorize: GitHub's OAuth Authorizations API"
LOCAL_SERVER = "http://127.0.0.1:3000"
SCHEMAS = "#/components/schemas/"
PARAMETERS = "#/components/parameters/"
HEADERS = "#/components/headers/"

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

TAGS = [
    {"name": api_docs.TAG_AUTHORIZATIONS, "description": "Authorizations and grants of a user (user Basic)."},
    {
        "name": api_docs.TAG_APPLICATIONS,
        "description": "An OAuth app checks, resets and revokes its tokens (app Basic).",
    },
    {"name": api_docs.TAG_USERS, "description": "The authenticated user: how clients confirm that a token works."},
]

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    api_docs.USER_BASIC_SCHEME: {
        "type": "http",
        "scheme": "basic",
        "description": (
            "The user's login and password: `Authorization: Basic base64(login:password)`, and "
            "`X-GitHub-OTP: <code>` when the user has two-factor authentication. Tokens are refused (403)."
        ),
    },
    api_docs.APP_BASIC_SCHEME: {
        "type": "http",
        "scheme": "basic",
        "description": (
            "The OAuth app's credentials: `Authorization: Basic base64(client_id:client_secret)`. No OTP. "
            "The `client_id` and `client_secret` query parameters are accepted too, as GitHub did until 2021."
        ),
    },
    api_docs.TOKEN_SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "description": "An OAuth token: `Authorization: token <token>` or `Authorization: Bearer <token>`.",
    },
}

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
    "access_token": {
        "description": (
            f"The OAuth token (at most {MAX_TOKEN} characters). In a URL it may end up in logs along the way: "
            "prefer the form with the token in the body."
        ),
    },
}

# Query parameters (components/parameters), by operationId.
QUERY_PARAMETERS: dict[str, list[str]] = {
    "oauth-authorizations/list-authorizations": ["page", "per-page", "client-id"],
    "oauth-authorizations/list-grants": ["page", "per-page"],
}

# Request bodies, by operationId: (component schema, required, description, example).
_SECRET = "abcd" * 10
REQUEST_BODIES: dict[str, tuple[str, bool, str, dict[str, Any] | None]] = {
    "oauth-authorizations/get-or-create-authorization-for-app": (
        "GetOrCreateBody",
        True,
        "The app's secret, and what a new authorization gets.",
        {"client_secret": _SECRET, "scopes": ["public_repo"], "note": "admin script"},
    ),
    "oauth-authorizations/get-or-create-authorization-for-app-and-fingerprint": (
        "GetOrCreateBody",
        True,
        "The app's secret, and what a new authorization gets. A `fingerprint` here is ignored: the path's wins.",
        {"client_secret": _SECRET, "scopes": ["public_repo"]},
    ),
    "oauth-authorizations/create-authorization": (
        "CreateBody",
        True,
        "The new authorization.",
        {"scopes": ["public_repo"], "note": "admin script"},
    ),
    "oauth-authorizations/update-authorization": (
        "UpdateBody",
        False,
        "The changes; absent keys stay as they are.",
        {"add_scopes": ["gist"]},
    ),
    "apps/check-token": ("AccessTokenBody", True, "The token to check.", None),
    "apps/reset-token": ("AccessTokenBody", True, "The token to reset.", None),
    "apps/delete-token": ("AccessTokenBody", True, "The token to revoke.", None),
    "apps/delete-authorization": ("AccessTokenBody", True, "A token of the grant to revoke.", None),
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

SCOPE_SCHEMA: dict[str, Any] = {
    "title": "Scope",
    "type": "string",
    "description": "A GitHub OAuth scope.",
    "enum": sorted(scopes.VALID_SCOPES),
}


# --- generation ----------------------------------------------------------------------------------


def load_app() -> ModuleType:
    """The Lambda's handler module, imported the way the Lambda runtime does (its folder on sys.path)."""
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "1")  # nothing is traced while documenting
    if str(FUNCTION_DIR) not in sys.path:
        sys.path.insert(0, str(FUNCTION_DIR))
    return importlib.import_module("app")


def project_version() -> str:
    with (REPO_ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def attach_docs(resolver: Any) -> None:
    """Give each route its documentation from ``api_docs.OPERATIONS`` (kept out of the Lambda's imports)."""
    for route in resolver._static_routes + resolver._dynamic_routes:
        docs = api_docs.OPERATIONS.get(route.func.__name__)
        if docs is None:
            raise LookupError(f"no documentation for route handler {route.func.__name__}")
        for name, value in docs.items():
            setattr(route, name, value)


def build_document() -> dict[str, Any]:
    """The resolver's document, completed with what the handler does outside Powertools' sight."""
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBase, Server, Tag

    resolver = load_app().app
    attach_docs(resolver)
    generated = resolver.get_openapi_json_schema(
        title=TITLE,
        version=project_version(),
        description=DESCRIPTION,
        servers=[Server(url=LOCAL_SERVER, description=SERVER_NOTE)],
        tags=[Tag(name=tag["name"], description=tag["description"]) for tag in TAGS],
        # Powertools checks the routes' `security` against these names; the full schemes are set below.
        security_schemes={name: HTTPBase(scheme=scheme["scheme"]) for name, scheme in SECURITY_SCHEMES.items()},
    )
    doc: dict[str, Any] = json.loads(generated)
    components = doc.setdefault("components", {})
    components["securitySchemes"] = copy.deepcopy(SECURITY_SCHEMES)
    components["parameters"] = copy.deepcopy(COMPONENT_PARAMETERS)
    components["headers"] = copy.deepcopy(COMPONENT_HEADERS)
    schemas = components.setdefault("schemas", {})
    schemas.update(_body_schemas())

    seen_bodies: set[str] = set()
    seen_queries: set[str] = set()
    for _path, _method, operation in operations(doc):
        op_id = operation["operationId"]
        _describe_path_parameters(operation)
        if _uses_user_basic(operation):
            operation.setdefault("parameters", []).append({"$ref": PARAMETERS + "otp"})
        for name in QUERY_PARAMETERS.get(op_id, []):
            operation.setdefault("parameters", []).append({"$ref": PARAMETERS + name})
            seen_queries.add(op_id)
        if op_id in REQUEST_BODIES:
            schema, required, description, example = REQUEST_BODIES[op_id]
            media: dict[str, Any] = {"schema": {"$ref": SCHEMAS + schema}}
            if example is not None:
                media["example"] = example
            operation["requestBody"] = {
                "description": description,
                "required": required,
                "content": {api_docs.JSON: media},
            }
            seen_bodies.add(op_id)
        for status, response in operation["responses"].items():
            if status == "204":
                response.pop("content", None)  # Powertools gives every response the return annotation's schema
            for content in response.get("content", {}).values():
                if content.get("schema", {}).get("title") == "Return":  # Powertools' name for a returned list
                    del content["schema"]["title"]
            headers = response.setdefault("headers", {})
            for name in COMPONENT_HEADERS:
                headers[name] = {"$ref": HEADERS + name}

    missing = (set(REQUEST_BODIES) - seen_bodies) | (set(QUERY_PARAMETERS) - seen_queries)
    if missing:
        raise RuntimeError(f"no route has the operationId {sorted(missing)}: update local/authorize_local/openapi.py")
    _drop_unused_schemas(doc)
    return doc


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "patch", "delete", "head", "options", "trace"}:
                yield path, method, operation


def _uses_user_basic(operation: dict[str, Any]) -> bool:
    return any(api_docs.USER_BASIC_SCHEME in requirement for requirement in operation.get("security", []))


def _describe_path_parameters(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        extra = PATH_PARAMETERS.get(parameter.get("name", "")) if parameter.get("in") == "path" else None
        if extra:
            extra = copy.deepcopy(extra)
            parameter["schema"] = extra.pop("schema", {"type": "string"})
            parameter.update(extra)


def _branch(schema: dict[str, Any], kind: str) -> dict[str, Any] | None:
    """The ``kind`` branch of a property (``X`` or ``X | None``)."""
    if schema.get("type") == kind:
        return schema
    return next((branch for branch in schema.get("anyOf", []) if branch.get("type") == kind), None)


def _body_schemas() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {
        "AccessTokenBody": copy.deepcopy(ACCESS_TOKEN_BODY),
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
    return out


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _drop_unused_schemas(doc: dict[str, Any]) -> None:
    """Powertools always adds its validation-error schemas: keep only what something refers to."""
    schemas: dict[str, Any] = doc["components"]["schemas"]
    outside = {key: value for key, value in doc.items() if key != "components"}
    outside["components"] = {key: value for key, value in doc["components"].items() if key != "schemas"}
    wanted: set[str] = set()
    todo = [ref.removeprefix(SCHEMAS) for ref in _refs(outside) if ref.startswith(SCHEMAS)]
    while todo:
        name = todo.pop()
        if name in wanted or name not in schemas:
            continue
        wanted.add(name)
        todo.extend(ref.removeprefix(SCHEMAS) for ref in _refs(schemas[name]) if ref.startswith(SCHEMAS))
    for name in set(schemas) - wanted:
        del schemas[name]


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- command line --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m authorize_local.openapi", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is not what would be generated")
    parser.add_argument("--path", type=Path, default=DOCUMENT, help="the document (default: docs/openapi.json)")
    args = parser.parse_args(argv)

    text = render(build_document())
    path: Path = args.path
    shown = _shown(path)
    if args.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current == text:
            print(f"{shown} is current")
            return 0
        diff = difflib.unified_diff(
            current.splitlines(keepends=True), text.splitlines(keepends=True), f"{shown} (checked in)", "generated"
        )
        sys.stderr.writelines(list(diff)[:60])
        print(f"\n{shown} is stale: regenerate it with `make openapi` and commit it.", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {shown}")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())

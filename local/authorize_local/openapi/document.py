"""The OpenAPI 3.1 document of the API, built from the Lambda's routes and written to ``docs/openapi.json``.

The routes (path, method, path parameters) come from the Lambda's own resolver (``routes.py``); their
documentation from the table in ``operations.py``, keyed the same way, with the error examples
pointing at each route's page as the handler's answers do (``authorize.github.operations``). A fresh resolver, used for
nothing else, registers each route with its documentation as route decorator keywords, and Powertools
turns that into the document: paths, operations, responses and the response models' schemas. What
Powertools cannot see, because the handler reads it itself, is added afterwards: the path parameters'
descriptions, the request bodies (``body_schemas.py``), the query parameters, the ``X-GitHub-OTP``
request header, the security schemes and the headers every response carries.

    python -m authorize_local.openapi           # write docs/openapi.json
    python -m authorize_local.openapi --check   # exit 1 if docs/openapi.json is not current
"""

from __future__ import annotations

import argparse
import copy
import difflib
import json
import sys
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from authorize.github.operations import docs_for
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.models import HTTPBase, Server, Tag

from ..local_env import REPO_ROOT
from .body_schemas import body_schemas
from .components import (
    COMPONENT_HEADERS,
    COMPONENT_PARAMETERS,
    DESCRIPTION,
    HEADERS,
    JSON,
    LOCAL_SERVER,
    OTP_PARAMETER,
    PARAMETERS,
    PATH_PARAMETERS,
    SCHEMAS,
    SECURITY_SCHEMES,
    SERVER_NOTE,
    TAGS,
    TITLE,
    USER_BASIC_SCHEME,
)
from .operation import Operation
from .operations import OPERATIONS
from .routes import HTTP_METHODS, Routes, lambda_routes, rule

DOCUMENT = REPO_ROOT / "docs" / "openapi.json"


def project_version() -> str:
    with (REPO_ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def _documentation_only() -> None:
    """The handler of every route of the documenting resolver, which never resolves a request: the
    Lambda's handler contributes only its path parameters, which come with its routes."""
    raise NotImplementedError


def _check_documented(routes: Routes) -> None:
    """Every route has documentation, and all documentation is of a route."""
    undocumented = sorted(set(routes) - set(OPERATIONS))
    unrouted = sorted(set(OPERATIONS) - set(routes))
    if undocumented or unrouted:
        raise LookupError(
            f"routes without an entry in authorize_local/openapi/operations.py: {undocumented}; "
            f"entries there of no route of the Lambda's resolver: {unrouted}"
        )


def build_document() -> dict[str, Any]:
    """The document of the Lambda's routes."""
    routes = lambda_routes()
    _check_documented(routes)
    resolver = APIGatewayRestResolver()
    for method, path in routes:
        keywords = OPERATIONS[method, path].route_keywords(docs_for(method, path))
        resolver.route(rule(path), method, **keywords)(_documentation_only)
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
    schemas.update(body_schemas())

    for path, method, operation in operations(doc):
        documentation = OPERATIONS[method.upper(), path]
        parameters = _parameters(routes[method.upper(), path], documentation)
        if parameters:
            operation["parameters"] = parameters
        if documentation.body is not None:
            operation["requestBody"] = _request_body(documentation, schemas)
        for status, response in operation["responses"].items():
            if status == "204":
                response.pop("content", None)  # Powertools gives every response the return annotation's schema
            for content in response.get("content", {}).values():
                if content.get("schema", {}).get("title") == "Return":  # Powertools' name for a returned list
                    del content["schema"]["title"]
            headers = response.setdefault("headers", {})
            for name in COMPONENT_HEADERS:
                headers[name] = {"$ref": HEADERS + name}
    _drop_unused_schemas(doc)
    return doc


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation of ``doc``; the method in lower case."""
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def _parameters(path_parameters: list[dict[str, Any]], documentation: Operation) -> list[dict[str, Any]]:
    """The route's path parameters, described; the OTP header with user Basic; its query parameters."""
    parameters = [_described(parameter) for parameter in path_parameters]
    if any(USER_BASIC_SCHEME in requirement for requirement in documentation.security):
        parameters.append({"$ref": PARAMETERS + OTP_PARAMETER})
    parameters.extend({"$ref": PARAMETERS + name} for name in documentation.query)
    return parameters


def _described(parameter: dict[str, Any]) -> dict[str, Any]:
    parameter = copy.deepcopy(parameter)
    extra = copy.deepcopy(PATH_PARAMETERS.get(parameter["name"]))
    if extra:
        parameter["schema"] = extra.pop("schema", {"type": "string"})
        parameter.update(extra)
    return parameter


def _request_body(documentation: Operation, schemas: dict[str, Any]) -> dict[str, Any]:
    body = documentation.body
    assert body is not None
    if body.schema not in schemas:
        raise LookupError(f"{documentation.operation_id}: no request body schema {body.schema}")
    media: dict[str, Any] = {"schema": {"$ref": SCHEMAS + body.schema}}
    if body.example is not None:
        media["example"] = copy.deepcopy(body.example)
    return {"description": body.description, "required": body.required, "content": {JSON: media}}


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

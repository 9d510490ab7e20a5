"""The routes the Lambda serves, read from its own resolver through public Powertools API.

``resolver.get_openapi_json_schema()`` lists every route the resolver holds (registered on it or
included from a ``Router``) as a path and method, with the path parameters Powertools takes from the
handler's signature. That is all the document needs of the Lambda: nothing here reads Powertools'
route objects, and the Lambda offers nothing for documentation.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
from types import ModuleType
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from ..local_env import FUNCTION_DIR

HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")

# (METHOD, "/path/{param}") -> the route's path parameters (OpenAPI parameter objects), in order.
Routes = dict[tuple[str, str], list[dict[str, Any]]]


def load_app() -> ModuleType:
    """The Lambda's handler module, imported the way the Lambda runtime does (its folder on sys.path)."""
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "1")  # nothing is traced while documenting
    if str(FUNCTION_DIR) not in sys.path:
        sys.path.insert(0, str(FUNCTION_DIR))
    return importlib.import_module("app")


def resolver_routes(resolver: APIGatewayRestResolver) -> Routes:
    """Every route of ``resolver``, from its own (undocumented) OpenAPI schema."""
    schema = json.loads(resolver.get_openapi_json_schema())
    return {
        (method.upper(), path): [p for p in operation.get("parameters", []) if p.get("in") == "path"]
        for path, item in schema.get("paths", {}).items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def lambda_routes() -> Routes:
    """The routes of the Lambda's resolver (``app.app`` in functions/authorize/app.py)."""
    resolver: APIGatewayRestResolver = load_app().app
    return resolver_routes(resolver)


def rule(path: str) -> str:
    """The Powertools rule of an OpenAPI path: ``/a/{b}`` -> ``/a/<b>``."""
    return re.sub(r"\{([^}/]+)\}", r"<\1>", path)

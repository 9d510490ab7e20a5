"""The routes, everywhere they are written down, are the same (METHOD, path) pairs:

- template.yaml: the AuthorizeFunction's Api events (what API Gateway sends to the function);
- the Lambda's resolver (what the handler serves), read through its public OpenAPI schema;
- docs/openapi.json (what clients, Swagger UI and the schema fuzzing read);
- the documentation table, authorize_local/openapi/operations.py;
- each operation's GitHub documentation page, authorize/github/operations.py (the handler's error
  answers point there).

Paths are written as API Gateway and OpenAPI write them (``{x}``; the resolver's ``<x>``), parameter
names included. The sample events in events/ are checked against the same routes.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from authorize.github.operations import OPERATION_DOCS
from authorize_local.local_env import REPO_ROOT
from authorize_local.openapi.document import DOCUMENT, operations
from authorize_local.openapi.operations import OPERATIONS
from authorize_local.openapi.routes import lambda_routes, resolver_routes
from authorize_local.table_schema import load_template
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Router

FUNCTION = "AuthorizeFunction"
CATCH_ALL = "ANY"  # the method of the events that send every other request to the function, for its 404
Route = tuple[str, str]


def template_events() -> set[Route]:
    events: dict[str, Any] = load_template()["Resources"][FUNCTION]["Properties"]["Events"]
    return {
        (event["Properties"]["Method"].upper(), event["Properties"]["Path"])
        for event in events.values()
        if event["Type"] == "Api"
    }


def document_routes() -> set[Route]:
    doc = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return {(method.upper(), path) for path, method, _ in operations(doc)}


def load_gen_events() -> ModuleType:
    """scripts/gen-events.py, as a module (its name is not an identifier)."""
    spec = importlib.util.spec_from_file_location("gen_events", REPO_ROOT / "scripts" / "gen-events.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sources() -> dict[str, set[Route]]:
    return {
        f"template.yaml ({FUNCTION} Api events)": {e for e in template_events() if e[0] != CATCH_ALL},
        "the Lambda's resolver": set(lambda_routes()),
        "docs/openapi.json": document_routes(),
        "authorize_local/openapi/operations.py": set(OPERATIONS),
        "authorize/github/operations.py": set(OPERATION_DOCS),
    }


def test_every_source_has_the_same_routes(sources: dict[str, set[Route]]) -> None:
    everything = set().union(*sources.values())
    missing = {name: sorted(everything - routes) for name, routes in sources.items() if everything - routes}
    assert not missing, f"routes missing from: {missing}"
    assert len(everything) >= 19


@pytest.fixture(scope="module")
def gen_events() -> ModuleType:
    return load_gen_events()


def test_routes_registered_on_the_resolver_or_included_from_a_router_are_listed() -> None:
    resolver = APIGatewayRestResolver()
    router = Router()

    @resolver.get("/a/<x>")
    def direct(x: str) -> dict[str, str]:
        return {}

    @router.route("/b/<y>/c/<z>", ["PUT", "DELETE"])
    def included(y: str, z: str) -> dict[str, str]:
        return {}

    resolver.include_router(router)
    routes = resolver_routes(resolver)
    assert set(routes) == {("GET", "/a/{x}"), ("PUT", "/b/{y}/c/{z}"), ("DELETE", "/b/{y}/c/{z}")}
    assert [p["name"] for p in routes["PUT", "/b/{y}/c/{z}"]] == ["y", "z"]
    assert all(p["in"] == "path" and p["required"] for p in routes["PUT", "/b/{y}/c/{z}"])


def test_sample_events_fall_back_to_the_templates_catch_alls(gen_events: ModuleType) -> None:
    catch_alls = {path for method, path in template_events() if method == CATCH_ALL}
    assert catch_alls == {gen_events.ROOT_RESOURCE, gen_events.PROXY_RESOURCE}


def test_sample_events_exercise_every_route(gen_events: ModuleType) -> None:
    routes = gen_events.documented_routes()
    assert routes == document_routes()
    assert gen_events.uncovered_routes(routes) == []


def test_sample_events_name_the_route_they_match(gen_events: ModuleType) -> None:
    """events/*.json are generated: after a route changes, `make sam-events` must have been run."""
    routes = gen_events.documented_routes()
    stale = []
    for name, method, path, *_ in gen_events.CASES:
        event = json.loads((Path(gen_events.EVENTS) / f"{name}.json").read_text(encoding="utf-8"))
        resource, parameters = gen_events.matched_resource(method, path, routes)
        expected = (method, path, resource, resource, parameters)
        found = (
            event["httpMethod"],
            event["path"],
            event["resource"],
            event["requestContext"]["resourcePath"],
            event["pathParameters"],
        )
        if found != expected:
            stale.append((name, found, expected))
    assert not stale, f"stale events (run `make sam-events`): {stale}"

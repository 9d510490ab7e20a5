"""docs/openapi.json: current, valid OpenAPI 3.1, complete, and faithful to GitHub's shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from authorize_local.openapi import document as openapi
from authorize_local.openapi.routes import lambda_routes
from openapi_spec_validator import validate

ERROR_REF = "#/components/schemas/GitHubError"
USER_BASIC = "userBasic"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return openapi.build_document()


def resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def operation(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return doc["paths"][path][method]


def all_operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return list(openapi.operations(doc))


def test_checked_in_document_is_current(doc: dict[str, Any]) -> None:
    text = openapi.DOCUMENT.read_text(encoding="utf-8")
    assert json.loads(text) == doc, "docs/openapi.json is stale: run `make openapi`"
    assert text == openapi.render(doc), "docs/openapi.json is not in the generated layout: run `make openapi`"


def test_document_is_valid_openapi_3_1(doc: dict[str, Any]) -> None:
    assert doc["openapi"].startswith("3.1")
    validate(doc)


def test_every_route_of_the_resolver_is_documented(doc: dict[str, Any]) -> None:
    routes = {(method.lower(), path) for method, path in lambda_routes()}
    documented = {(method, path) for path, method, _ in all_operations(doc)}
    assert len(routes) == 29
    assert routes == documented


def test_operation_ids_are_githubs_and_unique(doc: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in all_operations(doc)]
    assert len(ids) == len(set(ids))
    assert operation(doc, "put", "/authorizations/clients/{client_id}")["operationId"] == (
        "oauth-authorizations/get-or-create-authorization-for-app"
    )


GITHUB_DOCS = ("https://developer.github.com/v3", "https://docs.github.com/rest/")


def test_every_error_response_is_the_github_error_body(doc: dict[str, Any]) -> None:
    seen = 0
    for path, method, op in all_operations(doc):
        for status, response in op["responses"].items():
            if int(status) < 400:
                continue
            seen += 1
            media = response["content"]["application/json"]
            assert media["schema"] == {"$ref": ERROR_REF}, (method, path, status)
            for example in media.get("examples", {}).values():  # GitHub's exact bodies
                assert set(example["value"]) <= {"message", "errors", "documentation_url"}
                assert example["value"]["documentation_url"].startswith(GITHUB_DOCS), example
    assert seen > 50


def test_github_error_schema(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    error = schemas["GitHubError"]
    assert set(error["properties"]) == {"message", "errors", "documentation_url"}
    assert set(error["required"]) == {"message", "documentation_url"}
    # Per-field errors, or (credential revocation, GitHub's "Validation Error Simple") reasons as strings.
    forms = error["properties"]["errors"]["anyOf"]
    assert {"type": "array", "items": {"type": "string"}} in forms
    (field_errors,) = [f for f in forms if "$ref" in f.get("items", {})]
    field_error = resolve(doc, field_errors["items"])
    assert set(field_error["required"]) == {"resource", "field", "code"}
    assert set(field_error["properties"]["code"]["enum"]) == {
        "missing",
        "missing_field",
        "invalid",
        "already_exists",
        "custom",
    }
    assert "message" not in field_error["required"]


@pytest.mark.parametrize(
    "path", ["/authorizations/clients/{client_id}", "/authorizations/clients/{client_id}/{fingerprint}"]
)
@pytest.mark.parametrize("status", ["201", "200"])
def test_get_or_create_documents_location(doc: dict[str, Any], path: str, status: str) -> None:
    response = operation(doc, "put", path)["responses"][status]
    assert response["headers"]["Location"]["schema"]["format"] == "uri"
    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Authorization"}


def test_create_documents_location(doc: dict[str, Any]) -> None:
    assert "Location" in operation(doc, "post", "/authorizations")["responses"]["201"]["headers"]


def test_user_basic_401_documents_the_otp_challenge(doc: dict[str, Any]) -> None:
    user_basic = [op for _, _, op in all_operations(doc) if any(USER_BASIC in s for s in op.get("security", []))]
    assert len(user_basic) == 20  # 11 user-Basic routes and the 9 site-administrator routes
    for op in user_basic:
        header = op["responses"]["401"]["headers"]["X-GitHub-OTP"]
        assert header["example"] == "required; app"
        examples = op["responses"]["401"]["content"]["application/json"]["examples"]
        assert examples["otp_required"]["value"]["message"] == "Must specify two-factor authentication OTP code."
        # ... and the request header that answers it
        parameters = [resolve(doc, p) for p in op["parameters"]]
        assert {"name": "X-GitHub-OTP", "in": "header"}.items() <= next(
            p for p in parameters if p["in"] == "header"
        ).items()


def test_app_endpoints_use_app_basic_without_otp(doc: dict[str, Any]) -> None:
    app_ops = [(path, op) for path, _, op in all_operations(doc) if path.startswith("/applications/{client_id}/")]
    assert len(app_ops) == 8
    for _, op in app_ops:
        assert op["security"] == [{"appBasic": []}]
        assert "X-GitHub-OTP" not in op["responses"]["401"].get("headers", {})
        assert all(resolve(doc, p)["in"] != "header" for p in op["parameters"])
    legacy = [op for path, op in app_ops if "{access_token}" in path]
    assert len(legacy) == 4 and all(op["deprecated"] for op in legacy)


@pytest.mark.parametrize("path", ["/authorizations", "/applications/grants"])
def test_lists_document_link_and_pagination(doc: dict[str, Any], path: str) -> None:
    op = operation(doc, "get", path)
    assert "Link" in op["responses"]["200"]["headers"]
    names = {resolve(doc, p)["name"] for p in op["parameters"]}
    assert {"page", "per_page"} <= names


def test_request_bodies(doc: dict[str, Any]) -> None:
    def body_schema(method: str, path: str) -> dict[str, Any]:
        return resolve(doc, operation(doc, method, path)["requestBody"]["content"]["application/json"]["schema"])

    put = body_schema("put", "/authorizations/clients/{client_id}")
    assert put["required"] == ["client_secret"]
    assert put["properties"]["fingerprint"]["maxLength"] == 255
    assert body_schema("post", "/authorizations")["required"] == ["note"]
    patch = body_schema("patch", "/authorizations/{authorization_id}")
    assert {"scopes", "add_scopes", "remove_scopes"} <= set(patch["properties"])
    scope_items = next(b for b in patch["properties"]["add_scopes"]["anyOf"] if b["type"] == "array")["items"]
    assert "repo" in resolve(doc, scope_items)["enum"]
    for method in ("post", "patch", "delete"):
        token_body = body_schema(method, "/applications/{client_id}/token")
        assert token_body["required"] == ["access_token"]
        assert token_body["properties"]["access_token"]["type"] == "string"
    assert body_schema("delete", "/applications/{client_id}/grant")["required"] == ["access_token"]
    for method, path in [("get", "/authorizations"), ("get", "/applications/{client_id}/tokens/{access_token}")]:
        assert "requestBody" not in operation(doc, method, path)


def test_responses_match_githubs_objects(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    authorization = schemas["Authorization"]
    assert authorization["required"] == [
        "id",
        "url",
        "app",
        "token",
        "hashed_token",
        "token_last_eight",
        "note",
        "note_url",
        "created_at",
        "updated_at",
        "scopes",
        "fingerprint",
    ]
    assert "expires_at" in authorization["properties"]  # only with a token lifetime, hence not required
    with_user = schemas["AuthorizationWithUser"]
    assert with_user["required"][-1] == "user"
    check = operation(doc, "post", "/applications/{client_id}/token")["responses"]["200"]
    assert check["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/AuthorizationWithUser"}
    assert set(schemas["Grant"]["required"]) == {"id", "url", "app", "created_at", "updated_at", "scopes"}
    assert {"login", "id", "node_id", "type", "site_admin"} <= set(schemas["SimpleUser"]["required"])


def test_no_content_responses_have_no_body(doc: dict[str, Any]) -> None:
    deletes = [op for _, method, op in all_operations(doc) if method == "delete"]
    assert deletes
    for op in deletes:
        assert "content" not in op["responses"]["204"]


def test_powertools_validation_schemas_are_not_left_over(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    assert not {"HTTPValidationError", "ValidationError", "ResponseValidationError"} & set(schemas)
    text = json.dumps(doc)
    for name in schemas:  # and nothing unused is left either
        assert text.count(f'"#/components/schemas/{name}"') >= 1, name


def test_servers_and_security_schemes(doc: dict[str, Any]) -> None:
    assert doc["servers"][0]["url"] == "http://127.0.0.1:3000"
    assert doc["servers"][0]["description"]
    schemes = doc["components"]["securitySchemes"]
    assert schemes["userBasic"]["scheme"] == schemes["appBasic"]["scheme"] == "basic"
    assert "X-GitHub-OTP" in schemes["userBasic"]["description"]


def test_check_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "openapi.json"
    assert openapi.main(["--check", "--path", str(target)]) == 1  # missing
    assert openapi.main(["--path", str(target)]) == 0
    assert target.read_text(encoding="utf-8").endswith("}\n")
    assert openapi.main(["--check", "--path", str(target)]) == 0
    stale = json.loads(target.read_text(encoding="utf-8"))
    stale["info"]["version"] = "0.0.0"
    target.write_text(openapi.render(stale), encoding="utf-8")
    capsys.readouterr()
    assert openapi.main(["--check", "--path", str(target)]) == 1
    err = capsys.readouterr().err
    assert "stale" in err and "make openapi" in err and '"0.0.0"' in err

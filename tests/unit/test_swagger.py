"""Swagger UI on the local server: Powertools' page with its own assets inlined, the document, and
nothing else."""

from __future__ import annotations

import json

import pytest
from authorize_local import swagger
from authorize_local.openapi import document as openapi


@pytest.mark.parametrize("path", ["/swagger", "/swagger/"])
def test_page_inlines_swagger_ui_from_the_powertools_wheel(path: str) -> None:
    answer = swagger.handle(path)
    assert answer is not None
    status, headers, body = answer
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode()
    bundle = (swagger.assets_dir() / "swagger-ui-bundle.min.js").read_text(encoding="utf-8")
    css = (swagger.assets_dir() / "swagger-ui.min.css").read_text(encoding="utf-8")
    assert bundle[:2000] in page and css[:2000] in page  # inlined, nothing to fetch
    assert "<script src=" not in page and "<link rel='stylesheet'" not in page
    assert "/authorizations/clients/{client_id}" in page  # the document is inlined too
    assert "<title>authorize: API documentation</title>" in page


def test_page_never_lets_the_document_close_its_script() -> None:
    page = swagger.page().decode()
    spec = page.split("spec: ", 1)[1].split("\n    presets:", 1)[0]
    assert "</" not in spec


@pytest.mark.parametrize(
    ("path", "query"), [("/openapi.json", ""), ("/swagger", "format=json"), ("/openapi.json", "v=2")]
)
def test_document_lists_this_server_first(path: str, query: str) -> None:
    answer = swagger.handle(path, query)
    assert answer is not None
    status, headers, body = answer
    assert status == 200
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    served = json.loads(body)
    assert served["servers"][0]["url"] == "/"
    expected = openapi.build_document()
    assert served["servers"][1:] == expected["servers"]
    served["servers"] = expected["servers"]
    assert served == expected


@pytest.mark.parametrize(
    "path",
    ["/", "/authorizations", "/swaggerx", "/openapi.yaml", "/user", "/openapi.json/x", "/swagger/index.html",
     "/swagger/swagger-ui-bundle.js", "/swagger/../secret.txt"],
)  # fmt: skip
def test_other_paths_are_left_to_the_api(path: str) -> None:
    assert swagger.handle(path) is None

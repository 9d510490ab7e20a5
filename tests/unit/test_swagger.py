"""Swagger UI on the local server: the page, its files, the document, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from authorize_local import swagger
from authorize_local.openapi import document as openapi


@pytest.fixture
def assets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for node_modules/swagger-ui-dist."""
    folder = tmp_path / "swagger-ui-dist"
    folder.mkdir()
    (folder / "swagger-ui-bundle.js").write_text("window.SwaggerUIBundle = function () {};")
    (folder / "swagger-ui.css").write_text("body {}")
    (folder / "favicon-32x32.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "secret.txt").write_text("not served")
    monkeypatch.setattr(swagger, "ASSETS_DIR", folder)
    return folder


@pytest.mark.parametrize("path", ["/swagger", "/swagger/", "/swagger?x=1", "/swagger/index.html"])
def test_page_with_local_assets(assets: Path, path: str) -> None:
    answer = swagger.handle(path)
    assert answer is not None
    status, headers, body = answer
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode()
    assert 'src="/swagger/swagger-ui-bundle.js"' in page
    assert 'href="/swagger/swagger-ui.css"' in page
    assert '"url": "/openapi.json"' in page
    assert "cdn" not in page.lower()


def test_page_falls_back_to_a_cdn_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(swagger, "ASSETS_DIR", tmp_path / "missing")
    answer = swagger.handle("/swagger")
    assert answer is not None
    page = answer[2].decode()
    version = json.loads(swagger.PACKAGE_JSON.read_text())["devDependencies"]["swagger-ui-dist"]
    cdn = swagger.CDN.format(version=version)
    assert f'src="{cdn}/swagger-ui-bundle.js"' in page
    assert "not installed locally" in page and "public CDN" in page
    assert swagger.handle("/swagger/swagger-ui-bundle.js") is None


def test_pinned_version_matches_the_fallback_constant() -> None:
    assert swagger.swagger_ui_version() == swagger.DEFAULT_VERSION


def test_assets(assets: Path) -> None:
    answer = swagger.handle("/swagger/swagger-ui-bundle.js")
    assert answer == (
        200,
        {"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=3600"},
        b"window.SwaggerUIBundle = function () {};",
    )
    css = swagger.handle("/swagger/swagger-ui.css")
    assert css is not None and css[1]["Content-Type"] == "text/css; charset=utf-8"
    png = swagger.handle("/swagger/favicon-32x32.png")
    assert png is not None and png[1]["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    "path",
    [
        "/swagger/missing.js",
        "/swagger/../secret.txt",
        "/swagger/..%2fsecret.txt",
        "/swagger/%2e%2e/secret.txt",
        "/swagger/.hidden.js",
        "/swagger/sub/swagger-ui.css",
        "/swagger/swagger-ui.css/",
        "/swagger/package.json",
    ],
)
def test_nothing_else_under_swagger(assets: Path, path: str) -> None:
    assert swagger.handle(path) is None


@pytest.mark.parametrize("path", ["/", "/authorizations", "/swaggerx", "/openapi.yaml", "/user", "/openapi.json/x"])
def test_other_paths_are_left_to_the_api(path: str) -> None:
    assert swagger.handle(path) is None


def test_document_lists_this_server_first() -> None:
    answer = swagger.handle("/openapi.json")
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
    assert swagger.handle("/openapi.json?v=2") == answer  # built once

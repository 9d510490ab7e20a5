"""Swagger UI and the OpenAPI document, on the local server only (the Lambda serves neither).

``handle(path, query)`` answers ``/swagger`` (the page), ``/swagger?format=json`` and ``/openapi.json``
(the document), and returns None for every other path, which the API answers. The page is the one
Powertools' ``enable_swagger()`` renders when no ``swagger_base_url`` is set: Swagger UI's script and
stylesheet come from the Powertools wheel and are inlined, so it works offline, with nothing from npm.

The document is built from the resolver on first request (``openapi.build_document``), with the server
that served it listed first so that "Try it out" calls this server, whatever its port.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

PAGE_PATHS = frozenset({"/swagger", "/swagger/"})
DOCUMENT_PATH = "/openapi.json"
_NO_CACHE = {"Cache-Control": "no-cache"}

Answer = tuple[int, dict[str, str], bytes]

_lock = threading.Lock()
_document: bytes | None = None
_page: bytes | None = None


def handle(path: str, query: str = "") -> Answer | None:
    """The answer for ``path`` (percent-encoded, no query) and its raw query, or None if it is not ours."""
    if path == DOCUMENT_PATH or (path in PAGE_PATHS and "format=json" in query.split("&")):
        return 200, {"Content-Type": "application/json; charset=utf-8", **_NO_CACHE}, document()
    if path in PAGE_PATHS:
        return 200, {"Content-Type": "text/html; charset=utf-8", **_NO_CACHE}, page()
    return None


def assets_dir() -> Path:
    """Where Powertools keeps Swagger UI's files (swagger-ui-bundle.min.js, swagger-ui.min.css)."""
    from aws_lambda_powertools.event_handler.openapi import swagger_ui

    return Path(swagger_ui.__file__).parent


def document() -> bytes:
    """The OpenAPI document, built once per process."""
    global _document
    with _lock:
        if _document is None:
            from .openapi.document import build_document

            doc = build_document()
            doc["servers"] = [{"url": "/", "description": "This server (the one that served this page)."}] + [
                server for server in doc.get("servers", []) if server.get("url") != "/"
            ]
            _document = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False).encode()
        return _document


def page() -> bytes:
    """Powertools' Swagger UI page with the document and Swagger UI's assets inlined, built once."""
    global _page
    spec = document()
    with _lock:
        if _page is None:
            from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

            assets = assets_dir()
            # "</" cannot end the inline script: the document is data, not markup.
            inline_spec = spec.decode().replace("</", "<\\/")
            html = generate_swagger_html(
                inline_spec,
                (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
                (assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
                "",  # no base URL: inline the assets
                None,
            )
            _page = html.replace("<title>Swagger UI</title>", "<title>authorize: API documentation</title>").encode()
        return _page

"""Swagger UI and the OpenAPI document for the local server.

``handle(path)`` answers ``/swagger`` (the page), ``/swagger/<file>`` (Swagger UI's own files, from the
npm package ``swagger-ui-dist`` in ``node_modules``) and ``/openapi.json`` (the document), and returns
None for every other path, which the API answers. Without ``node_modules/swagger-ui-dist`` (``make node``
installs it) the page loads Swagger UI from a public CDN instead, and says so.

The document is built from the resolver on first request (``openapi.build_document``), with the server
that served it listed first so that "Try it out" calls this server, whatever its port.
"""

from __future__ import annotations

import html
import json
import mimetypes
import re
import threading
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
ASSETS_DIR = REPO_ROOT / "node_modules" / "swagger-ui-dist"
PACKAGE_JSON = REPO_ROOT / "package.json"
DEFAULT_VERSION = "5.35.0"  # used when package.json cannot be read; keep it equal to the pinned version
CDN = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@{version}"

PAGE_PATHS = frozenset({"/swagger", "/swagger/", "/swagger/index.html"})
DOCUMENT_PATH = "/openapi.json"
ASSET_PREFIX = "/swagger/"
_ASSET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(?:js|css|png|map|html)$")
_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}
_NO_CACHE = {"Cache-Control": "no-cache"}

Answer = tuple[int, dict[str, str], bytes]

_lock = threading.Lock()
_document: bytes | None = None


def handle(path: str) -> Answer | None:
    """The answer for ``path`` (a request target; any query string is ignored), or None if it is not ours."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    if path in PAGE_PATHS:
        return 200, {"Content-Type": "text/html; charset=utf-8", **_NO_CACHE}, page().encode()
    if path == DOCUMENT_PATH:
        return 200, {"Content-Type": "application/json; charset=utf-8", **_NO_CACHE}, document()
    if path.startswith(ASSET_PREFIX):
        return asset(path.removeprefix(ASSET_PREFIX))
    return None


def assets_installed() -> bool:
    return (ASSETS_DIR / "swagger-ui-bundle.js").is_file()


def swagger_ui_version() -> str:
    """The version pinned in package.json (the CDN fallback loads the same one)."""
    try:
        pinned = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))["devDependencies"]["swagger-ui-dist"]
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT_VERSION
    return pinned if isinstance(pinned, str) and re.fullmatch(r"[0-9][0-9A-Za-z.+-]*", pinned) else DEFAULT_VERSION


def asset(name: str) -> Answer | None:
    """A file of swagger-ui-dist, by plain name only (no folders, nothing hidden)."""
    if not _ASSET_NAME.match(name):
        return None
    file = ASSETS_DIR / name
    try:
        if file.resolve().parent != ASSETS_DIR.resolve() or not file.is_file():
            return None
        body = file.read_bytes()
    except OSError:
        return None
    suffix = file.suffix
    content_type = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return 200, {"Content-Type": content_type, "Cache-Control": "public, max-age=3600"}, body


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


def page() -> str:
    if assets_installed():
        base, notice = "/swagger", ""
    else:
        base = CDN.format(version=swagger_ui_version())
        notice = (
            '<p class="authorize-notice">Swagger UI is not installed locally (<code>make node</code> installs '
            f"<code>node_modules/swagger-ui-dist</code>), so this page loads it from a public CDN: "
            f"<code>{html.escape(base)}</code>.</p>"
        )
    return _PAGE.format(base=html.escape(base, quote=True), notice=notice, config=_config())


def _config() -> str:
    options: dict[str, Any] = {
        "url": DOCUMENT_PATH,
        "dom_id": "#swagger-ui",
        "deepLinking": True,
        "docExpansion": "list",
        "layout": "BaseLayout",
    }
    # "</" cannot end the inline script: the options are data, not markup.
    return json.dumps(options).replace("</", "<\\/")


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>authorize: API documentation</title>
  <link rel="stylesheet" href="{base}/swagger-ui.css">
  <style>
    body {{ margin: 0; }}
    .authorize-notice {{ margin: 0; padding: 8px 16px; background: #fff8c5; font-family: sans-serif; }}
  </style>
</head>
<body>
  {notice}
  <div id="swagger-ui"></div>
  <script src="{base}/swagger-ui-bundle.js"></script>
  <script src="{base}/swagger-ui-standalone-preset.js"></script>
  <script>
    window.onload = function () {{
      var options = {config};
      options.presets = [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset];
      options.plugins = [SwaggerUIBundle.plugins.DownloadUrl];
      window.ui = SwaggerUIBundle(options);
    }};
  </script>
</body>
</html>
"""

"""The local API Gateway stand-in as a WSGI application.

The HTTP server (``server.py``, waitress) parses and frames requests; this application answers
the local server's own paths (``/_health``, ``/swagger``, ``/openapi.json``, ``GET /`` redirects to
the page), turns every other request into the REST proxy event, invokes the function and writes
its result back, GitHub-shaped JSON for every error it produces itself. It never raises: a bug here
is logged and answered with a JSON 500.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any, TextIO

from .. import swagger
from . import events, routes
from .invokers import InvocationError, Invoker

log = logging.getLogger(__name__)

SUPPORTED_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
JSON = ("Content-Type", "application/json; charset=utf-8")
LOCAL_PATHS = frozenset({"/_health", swagger.DOCUMENT_PATH, *swagger.PAGE_PATHS})  # logged as they are
StartResponse = Callable[..., Any]


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class ApiGatewayApp:
    """WSGI: the request -> proxy event -> ``invoker`` -> the response. ``log_stream``: the access log
    (one line a request: client, method, route template, protocol, status, duration), None for none."""

    def __init__(self, invoker: Invoker, *, stage: str = "local", log_stream: TextIO | None = sys.stderr) -> None:
        self.invoker = invoker
        self.stage = stage
        self.log_stream = log_stream
        self.port = 0  # set by the server once it listens
        self.host = "127.0.0.1"

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.monotonic()
        method = str(environ.get("REQUEST_METHOD", ""))
        target: events.Target | None = None
        try:
            target = events.parse_target(str(environ.get("REQUEST_URI") or "/"))
            status, headers, body = self._answer(environ, method, target)
        except Exception:  # a bug here: log it, answer JSON
            log.exception("error while handling a request")
            status, headers, body = 500, [JSON], events.error_json("Internal Server Error")
        if status in events.NO_BODY_STATUSES or status < 200:
            body = b""
        else:
            headers = [*headers, ("Content-Length", str(len(body)))]
        start_response(_status_line(status), headers)
        self.access_log(environ, method, target, status, started)
        return [body] if method != "HEAD" else []

    def _answer(
        self, environ: dict[str, Any], method: str, target: events.Target | None
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        if target is None:
            return 400, [JSON], events.error_json("Bad Request")
        if method in ("GET", "HEAD"):
            local = self._local_path(target)
            if local is not None:
                return local
        if method not in SUPPORTED_METHODS:
            return 404, [JSON], events.error_json("Not Found")
        body = environ["wsgi.input"].read(events.MAX_BODY_BYTES + 1)
        if len(body) > events.MAX_BODY_BYTES:  # the server refuses these first; never pass one on
            return 413, [JSON], events.error_json(events.too_large_message())
        event = events.build_event(
            environ, target, body, stage=self.stage, port=self.port, default_host=f"{self.host}:{self.port}"
        )
        request_id = [("x-amzn-RequestId", event["requestContext"]["requestId"])]
        try:
            status, headers, payload = events.read_result(self.invoker.invoke(event))
        except Exception as exc:  # API Gateway answers 502 when the integration fails, whatever the cause
            if isinstance(exc, InvocationError):
                log.warning("function failed: %s", exc)
            else:
                log.exception("invoking the function failed")
            return 502, [JSON, *request_id], events.error_json("Internal server error")
        return status, [*events.response_headers(headers), *request_id], payload

    def _local_path(self, target: events.Target) -> tuple[int, list[tuple[str, str]], bytes] | None:
        if target.path == "/_health":
            return 200, [("Content-Type", "application/json")], b'{"ok":true}'
        if target.path == "/":
            return 302, [JSON, ("Location", "/swagger")], events.error_json("Found", url="/swagger")
        page = swagger.handle(target.path, target.query)
        if page is None:
            return None
        status, headers, body = page
        return status, list(headers.items()), body

    def access_log(
        self, environ: dict[str, Any], method: str, target: events.Target | None, status: int, started: float
    ) -> None:
        """The route template, never the path or query: both can carry credentials."""
        if self.log_stream is None:
            return
        if target is None:
            resource = "-"
        elif target.path in LOCAL_PATHS:
            resource = target.path
        else:
            resource = routes.resource_path(method, target.path)
        elapsed = (time.monotonic() - started) * 1000
        client = environ.get("REMOTE_ADDR", "-")
        protocol = environ.get("SERVER_PROTOCOL", "-")
        self.log_stream.write(f'{client} "{method} {resource} {protocol}" {status} {elapsed:.1f}ms\n')
        self.log_stream.flush()

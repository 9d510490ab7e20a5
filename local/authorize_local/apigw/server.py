"""The HTTP side: waitress serving ``ApiGatewayApp``.

waitress (Pylons project, pure Python) parses and frames HTTP/1.1: keep-alive and pipelining, chunked
bodies, ``Expect: 100-continue``, blank lines between requests, conflicting or invalid framing, header
and body limits. Its channels are asynchronous and a pool of threads runs the application, so idle or
slow connections cost no thread. Three changes to it: the errors it answers by itself (400, 413, 431,
501, ...) are GitHub-shaped JSON instead of its plain text, a request it has refused already gets no
"100 Continue", and a target its URL parsing chokes on is a 400 rather than a dropped connection.

Werkzeug's development server was not chosen: it closes the connection after every response
(docs/decisions.md).
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any, TextIO

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import create_server
from waitress.task import ErrorTask

from .events import MAX_BODY_BYTES, error_json, too_large_message
from .invokers import Invoker
from .wsgi import ApiGatewayApp

MAX_HEADER_BYTES = 64 * 1024  # request line and header block together
# waitress counts a chunked body with its framing (size lines, CRLFs): allow for that, so every body of up
# to MAX_BODY_BYTES gets through in any framing; the application refuses what is over MAX_BODY_BYTES.
FRAMING_ALLOWANCE = 1024 * 1024
IDLE_SECONDS = 60  # idle keep-alive connections are closed after this long
EXTRA_THREADS = 4  # beyond the invoker's concurrency: health checks and Swagger UI never wait for it


# waitress's reasons ("Request Entity Too Large") say less than these; other statuses keep their phrase.
_MESSAGES = {413: too_large_message(), 501: "Not Implemented: only chunked transfer coding is supported"}


class JsonErrorTask(ErrorTask):
    """waitress's answer to a request it refuses, in GitHub's error shape."""

    def execute(self) -> None:
        error = self.request.error
        body = error_json(_MESSAGES.get(error.code) or error.reason)
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json; charset=utf-8"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)
        stream = getattr(self.channel.server.application, "log_stream", None)
        if stream is not None:  # nothing of the refused request: it may hold credentials
            stream.write(f'{self.channel.addr[0]} "-" {error.code}\n')
            stream.flush()


class RequestParser(HTTPRequestParser):
    """waitress's parser, with a request target that ``urlsplit`` refuses (``http://[x/y``: "Invalid IPv6
    URL") answered 400 like any other bad target. In waitress 3.0.2 that ValueError escapes the parser and
    the connection closes without an answer."""

    def parse_header(self, header_plus: bytes) -> None:
        try:
            super().parse_header(header_plus)
        except ValueError as exc:
            raise ParsingError("Bad URI") from exc


class JsonErrorChannel(HTTPChannel):
    error_task_class = JsonErrorTask
    parser_class = RequestParser

    def send_continue(self) -> None:
        """No "100 Continue" to a request already refused (a Content-Length over the limit): waitress
        would send it and then wait for the body; the client gets the final 413 at once instead."""
        if self.request is not None and self.request.error is not None:
            self.request.expect_continue = False
            return
        super().send_continue()


class LocalApiServer:
    """HTTP front for an invoker, on ``host`` (127.0.0.1) and ``port`` (0: a free one; see ``base_url``)."""

    def __init__(
        self,
        invoker: Invoker,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        quiet: bool = False,
        stage: str = "local",
        log_stream: TextIO | None = None,
    ) -> None:
        self.invoker = invoker
        self.app = ApiGatewayApp(invoker, stage=stage, log_stream=None if quiet else (log_stream or sys.stderr))
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # queueing behind the invoker is by design
        self._server: Any = create_server(
            self.app,
            host=host,
            port=port,
            threads=getattr(invoker, "concurrency", 1) + EXTRA_THREADS,
            ident="authorize-local",
            max_request_body_size=MAX_BODY_BYTES + FRAMING_ALLOWANCE,  # waitress refuses >= this
            max_request_header_size=MAX_HEADER_BYTES,
            channel_timeout=IDLE_SECONDS,
            connection_limit=256,
            backlog=128,
            asyncore_use_poll=True,
            expose_tracebacks=False,
            clear_untrusted_proxy_headers=False,
        )
        self._server.channel_class = JsonErrorChannel
        self.app.host, self.app.port = host, self.port
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    @property
    def base_url(self) -> str:
        return f"http://{self._server.effective_host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve in this thread until ``stop()`` (from another thread) or Ctrl-C."""
        self._server.run()

    def start_in_thread(self) -> LocalApiServer:
        self._thread = threading.Thread(target=self.serve_forever, name="authorize-http", daemon=True)
        self._thread.start()
        return self

    def _close_all(self) -> None:
        for dispatcher in list(self._server._map.values()):
            dispatcher.close()

    def stop(self) -> None:
        """Stop accepting, close every connection and the socket, wait for the threads (not the invoker)."""
        if self._closed:
            return
        self._closed = True
        if self._thread is not None and self._thread.is_alive():
            self._server.trigger.pull_trigger(self._close_all)  # runs in the serving thread
            self._thread.join(timeout=5)
        else:
            self._close_all()
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)

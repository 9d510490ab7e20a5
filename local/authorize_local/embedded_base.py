"""What every embedded DynamoDB shares: the error, the handle, ports, waiting until it answers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType

LOOPBACK = "127.0.0.1"


class EmbeddedDBError(RuntimeError):
    """The embedded DynamoDB could not be started; the message says why and what to do."""


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

"""A TCP proxy on 127.0.0.1 that can stall a DynamoDB server: it holds what passes until released.

``hold()`` stops forwarding in both directions (a frozen database: requests sit unanswered); with
``hold_responses_after("TransactWriteItems", seconds)`` the first request of that operation still
reaches the server, but from then on no answer comes back for ``seconds`` (a write that commits while
its answer is lost in a stall). Held bytes are delivered, in order, when the stall ends.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

TARGET = b"X-Amz-Target: DynamoDB_20120810."


class StallProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._flowing = threading.Event()
        self._flowing.set()
        self._requests_held = False
        self._arm: tuple[bytes, float] | None = None
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- control ----------------------------------------------------------------------------------

    def hold(self) -> None:
        with self._lock:
            self._requests_held = True
            self._flowing.clear()

    def release(self) -> None:
        with self._lock:
            self._requests_held = False
            self._arm = None
            self._flowing.set()

    def hold_responses_after(self, operation: str, seconds: float) -> None:
        with self._lock:
            self._arm = (TARGET + operation.encode(), seconds)

    @contextlib.contextmanager
    def stalled(self) -> Iterator[None]:
        self.hold()
        try:
            yield
        finally:
            self.release()

    def close(self) -> None:
        self._closed = True
        self.release()
        self._listener.close()

    # --- forwarding -------------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _seen(self, chunk: bytes) -> None:
        with self._lock:
            if self._arm is not None and self._arm[0] in chunk:
                seconds = self._arm[1]
                self._arm = None
                self._flowing.clear()  # answers stop; requests still go through
                threading.Timer(seconds, self.release).start()

    def _pump(self, source: socket.socket, sink: socket.socket, to_server: bool) -> None:
        try:
            while True:
                chunk = source.recv(65536)
                if not chunk:
                    break
                if to_server:
                    while self._requests_held and not self._closed:
                        time.sleep(0.01)
                    self._seen(chunk)
                else:
                    self._flowing.wait()
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

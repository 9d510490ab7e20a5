"""Fuzzing fixtures and helpers: the HTTP-level fixtures of tests/integration, a raw-socket client,
the properties every answer must have, and the count of requests sent.

The count of fuzz requests per test and backend is written to ``.local/fuzz_counts.json`` at the end
of the session (under pytest-xdist, one file per worker) and printed in pytest's summary.
``FUZZ_SCALE=N`` multiplies every example budget (default 1: the bounded, deterministic run that CI
does); ``FUZZ_SHRINK=1`` shrinks failures to minimal examples (off by default: shrinking re-sends
requests for an unbounded time).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from authorize_local.local_env import REPO_ROOT
from hypothesis import HealthCheck, Phase, seed, settings

# The integration fixtures (an embedded DynamoDB per backend, the demo data, the local server with the
# real handler in this process), reused as they are.
from tests.integration import conftest as integration

api = integration.api
database = integration.database

COUNTS_FILE = REPO_ROOT / ".local" / "fuzz_counts.json"  # generated, not tracked
DOCS_PREFIX = ("https://developer.github.com/", "https://docs.github.com/rest/")  # legacy pages, and newer endpoints
# Python traceback text: its header, or a frame line ('File "/x/y.py", line 12').
TRACEBACK = re.compile(rb'Traceback \(most recent call last\)|File "[^"\n]+\.py", line \d+')
NO_BODY_STATUSES = frozenset({204, 205, 304})
# Answers the HTTP layer gives before it knows the method (the request line itself is refused): they
# carry a body even when the method was HEAD, and close the connection.
REQUEST_LINE_REFUSALS = frozenset({400, 414, 505})
# The only 5xx answers allowed: the HTTP layer's own, to requests that use what it does not implement
# (a transfer coding other than chunked, RFC 9112 §6.1; HTTP/2 and later, RFC 9110 §15.6.6). The function
# never sees those requests. Callers say when a request may get one.
PROTOCOL_5XX = {
    501: "Not Implemented: only chunked transfer coding is supported",
    505: "HTTP Version Not Supported",
}


# Shrinking a failure re-sends requests until the example is minimal: unbounded in time, so off unless
# asked for (FUZZ_SHRINK=1) when investigating a failure.
PHASES = (
    [Phase.explicit, Phase.generate, Phase.shrink]
    if os.environ.get("FUZZ_SHRINK", "") not in ("", "0")
    else [Phase.explicit, Phase.generate]
)


def scaled(examples: int) -> int:
    """An example budget, multiplied by ``$FUZZ_SCALE`` (for longer runs by hand)."""
    try:
        scale = float(os.environ.get("FUZZ_SCALE", "1") or 1)
    except ValueError:
        scale = 1.0
    return max(1, int(examples * scale))


# --- counting -----------------------------------------------------------------------------------


class _Tally:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.probes: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()

    def sent(self, key: str, n: int = 1) -> None:
        with self._lock:
            self.requests[key] += n

    def probed(self, key: str, n: int = 1) -> None:
        with self._lock:
            self.probes[key] += n

    def answered(self, status: int) -> None:
        with self._lock:
            self.statuses[status] += 1

    def timed(self, key: str, seconds: float) -> None:
        with self._lock:
            self.seconds[key] += seconds


TALLY = _Tally()


@dataclass
class FuzzRun:
    """What one fuzz test sends to one backend: ``sent()`` counts each request put on the wire."""

    key: str
    api: Any
    started: float = field(default_factory=time.monotonic)

    def sent(self, n: int = 1) -> None:
        TALLY.sent(self.key, n)

    def probed(self, n: int = 1) -> None:
        TALLY.probed(self.key, n)

    def answered(self, status: int) -> None:
        TALLY.answered(status)

    def fuzzing(self, max_examples: int, salt: str = "") -> Callable[[Callable[..., None]], Callable[..., None]]:
        """Settings for a Hypothesis test inside a fuzz test: bounded, and deterministic with a fixed seed
        of its own per test, backend and ``salt``, so the two backends get different examples (the same
        ones on every run). No example database: nothing carries over from earlier runs."""

        def decorate(test: Callable[..., None]) -> Callable[..., None]:
            configured = settings(
                max_examples=max_examples,
                deadline=None,
                derandomize=False,
                database=None,
                print_blob=False,
                suppress_health_check=list(HealthCheck),
                phases=PHASES,
            )(test)
            return seed(zlib.crc32(f"{self.key}/{salt}".encode()))(configured)

        return decorate


@pytest.fixture
def fuzz_run(request: pytest.FixtureRequest, api: Any) -> Any:
    """Counts the test's requests under "<test name>[<backend>]"; afterwards the server must still answer."""
    name = request.node.originalname or request.node.name
    run = FuzzRun(f"{name}[{api.db.backend}]", api)
    yield run
    TALLY.timed(run.key, time.monotonic() - run.started)
    assert_alive(run)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not TALLY.requests:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    target = COUNTS_FILE if not worker else COUNTS_FILE.with_name(f"fuzz_counts.{worker}.json")
    by_backend: Counter[str] = Counter()
    for key, n in TALLY.requests.items():
        by_backend[key.rsplit("[", 1)[-1].rstrip("]")] += n
    report = {
        "fuzz_requests_tried": sum(TALLY.requests.values()),
        "health_probes": sum(TALLY.probes.values()),
        "by_backend": dict(sorted(by_backend.items())),
        "by_test": dict(sorted(TALLY.requests.items())),
        "statuses": {str(k): n for k, n in sorted(TALLY.statuses.items())},
        "fuzz_scale": os.environ.get("FUZZ_SCALE", "1"),
    }  # no timings: with fixed seeds the file changes only when the fuzzing does
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    tmp.replace(target)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not TALLY.requests:
        return
    total = sum(TALLY.requests.values())
    seconds = sum(TALLY.seconds.values())
    parts = ", ".join(f"{k}: {n}" for k, n in sorted(TALLY.requests.items()))
    terminalreporter.write_line(
        f"fuzz requests tried: {total} in {seconds:.1f}s ({parts}); written to {COUNTS_FILE.relative_to(REPO_ROOT)}"
    )


# --- properties ---------------------------------------------------------------------------------


def header_value(headers: Any, name: str) -> str | None:
    """A header from a list of pairs or a mapping (values may be lists of values), case-insensitively."""
    items = headers.items() if hasattr(headers, "items") else headers
    lowered = name.lower()
    value = next((v for k, v in items if k.lower() == lowered), None)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def check_answer(
    status: int, headers: Any, body: bytes, *, method: str, context: str, protocol_5xx: frozenset[int] = frozenset()
) -> None:
    """The properties every answer of the local server must have, whatever was asked.

    No 5xx (nothing injects faults here), except the ones in ``protocol_5xx`` (see ``PROTOCOL_5XX``);
    no Python traceback anywhere in the body; every non-2xx answer with a body is GitHub-shaped JSON:
    ``{"message": str, "documentation_url": str, ...}``.
    """
    where = f"{status} for {context}"
    assert not TRACEBACK.search(body), f"traceback text in the body of {where}: {body[:2000]!r}"
    if status in PROTOCOL_5XX and status in protocol_5xx:
        if body:
            document = json.loads(body)
            assert isinstance(document, dict) and document.get("message") == PROTOCOL_5XX[status], where
    else:
        assert 100 <= status < 500, f"server error {where}: {body[:500]!r}"
    content_type = header_value(headers, "Content-Type") or ""
    if 200 <= status < 300:
        if body and content_type.startswith("application/json"):
            json.loads(body)  # a JSON content type must carry JSON
        return
    if status < 200 or status in NO_BODY_STATUSES or (method == "HEAD" and status not in REQUEST_LINE_REFUSALS):
        assert not body, f"a body with {where}"
        return
    if not body:
        assert method == "HEAD", f"{where}: an error without a body"
        return
    assert content_type.startswith("application/json"), f"{where}: Content-Type {content_type!r}, body {body[:300]!r}"
    try:
        document = json.loads(body)
    except ValueError:
        pytest.fail(f"{where}: the body is not JSON: {body[:300]!r}")
    assert isinstance(document, dict), f"{where}: {document!r}"
    assert isinstance(document.get("message"), str) and document["message"], f"{where}: {document!r}"
    url = document.get("documentation_url")
    assert isinstance(url, str) and url.startswith(DOCS_PREFIX), f"{where}: {document!r}"


def assert_alive(run: FuzzRun) -> None:
    """The server still accepts connections and answers its health check (on a new connection)."""
    exchange = raw_exchange(run.api.base_url, b"GET /_health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ["GET"])
    run.probed()
    assert [(r.status, r.body) for r in exchange.responses] == [(200, b'{"ok":true}')], exchange


# --- a raw HTTP client --------------------------------------------------------------------------


@dataclass
class RawResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return header_value(self.headers, name)


@dataclass
class RawExchange:
    responses: list[RawResponse]
    leftover: bytes  # bytes after the last complete response (must be none)
    sent_all: bool  # False when the server closed before taking the whole request
    reset: bool  # the connection was reset rather than closed


def _parse_responses(data: bytes, methods: list[str]) -> tuple[list[RawResponse], bytes]:
    """Split what the server sent into responses. ``methods``: the request methods in order (HEAD
    answers carry Content-Length but no body, unless the request line was refused before the method
    was known); answers beyond the list are taken as non-HEAD."""
    responses: list[RawResponse] = []
    index = 0
    while data:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            break
        head = data[:end].decode("latin-1").split("\r\n")
        status_line, header_lines = head[0], head[1:]
        version, _, rest = status_line.partition(" ")
        code, _, reason = rest.partition(" ")
        assert version in ("HTTP/1.1", "HTTP/1.0") and code.isdigit(), f"not an HTTP response: {data[:200]!r}"
        status = int(code)
        headers = []
        for line in header_lines:
            name, sep, value = line.partition(":")
            assert sep and name and name == name.strip(), f"malformed response header {line!r}"
            headers.append((name, value.strip()))
        data = data[end + 4 :]
        if 100 <= status < 200:
            continue  # 100 Continue: the final answer follows
        method = methods[index] if index < len(methods) else "GET"
        index += 1
        length_text = header_value(headers, "Content-Length")
        closing = (header_value(headers, "Connection") or "").lower() == "close"
        # A HEAD request refused at its request line, answered with a body as its last answer.
        refused_head = status in REQUEST_LINE_REFUSALS and closing and length_text == str(len(data))
        if status in NO_BODY_STATUSES or (method == "HEAD" and not refused_head):
            length = 0
        elif length_text is None:
            length = len(data)  # delimited by the end of the connection
        else:
            length = int(length_text)
        body, data = data[:length], data[length:]
        assert len(body) == length, f"short body: {len(body)} of {length} bytes"
        responses.append(RawResponse(status, reason, headers, body))
    return responses, data


def raw_exchange(
    base_url: str, payload: bytes, methods: list[str], *, timeout: float = 30.0, half_close: bool = True
) -> RawExchange:
    """Send ``payload`` on a fresh connection, half-close it, and read every answer until the server
    closes. A server that closes early (it refused the request before reading all of it) is fine: what
    it answered is still read."""
    parts = urlsplit(base_url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    sent_all = True
    reset = False
    received = bytearray()
    try:
        try:
            sock.sendall(payload)
        except (BrokenPipeError, ConnectionResetError):
            sent_all = False
        if half_close:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + timeout
        while True:
            if time.monotonic() > deadline:
                raise AssertionError(f"the server kept the connection open for {timeout}s")
            try:
                chunk = sock.recv(1 << 16)
            except ConnectionResetError:
                reset = True
                break
            except TimeoutError:
                raise AssertionError(f"the server sent nothing for {timeout}s and kept the connection open") from None
            if not chunk:
                break
            received += chunk
    finally:
        sock.close()
    responses, leftover = _parse_responses(bytes(received), methods)
    return RawExchange(responses, leftover, sent_all, reset)

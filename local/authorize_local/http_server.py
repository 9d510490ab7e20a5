"""A local stand-in for API Gateway (REST API, Lambda proxy integration) in front of the real handler.

Each HTTP request becomes the v1 proxy event API Gateway would send for the ``/{proxy+}`` resource;
the handler in ``functions/authorize/app.py`` answers it; its result becomes the HTTP response.

The HTTP side is a threading server (one thread per connection, HTTP/1.1 keep-alive, a backlog of
128) that never answers with a Python traceback or an HTML page: every error it produces itself is
GitHub-shaped JSON. The handler side is an *invoker*:

``InProcessInvoker``
    Calls ``app.lambda_handler`` in this process, one invocation at a time, like one warm Lambda
    container. Serialised on purpose: Powertools' ``APIGatewayRestResolver`` keeps the current event
    in class-level state (``BaseRouter.current_event``) and route data in the resolver instance, so
    two concurrent invocations in one interpreter would read each other's requests.

``ProcessPoolInvoker``
    N worker processes, each importing the handler once and running one invocation at a time: N
    concurrent "containers", so concurrent requests really race in the database.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import importlib
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlsplit

from . import swagger
from .lambda_context import DEFAULT_ACCOUNT, LocalLambdaContext
from .local_env import REPO_ROOT

log = logging.getLogger(__name__)

FUNCTION_DIR = REPO_ROOT / "functions" / "authorize"
HANDLER_MODULE = "app"
DOCS_V3 = "https://developer.github.com/v3"

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
MAX_LINE = 65536  # request line and each header line (the stdlib's limits)
MAX_BLANK_LINES = 16  # tolerated empty lines before a request line (RFC 9112 §2.2)
DRAIN_LIMIT = 64 * 1024 * 1024  # after refusing a body, read and discard at most this much of it
DRAIN_SECONDS = 10.0
SUPPORTED_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_TCHAR = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# Characters left as they are in the event's path; anything else is percent-encoded (RFC 3986 pchar).
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_HOP_BY_HOP = frozenset(
    {"connection", "content-length", "transfer-encoding", "keep-alive", "upgrade", "te", "trailer", "proxy-connection"}
)
_NO_BODY_STATUSES = frozenset({204, 205, 304})


def quiet_local_warnings() -> None:
    """Powertools warns on every invocation that emits no metric (404s, 401s): noise locally."""
    import warnings

    warnings.filterwarnings("ignore", message="No application metrics to publish")


def error_json(message: str) -> bytes:
    return json.dumps({"message": message, "documentation_url": DOCS_V3}, separators=(",", ":")).encode()


# --- invokers -----------------------------------------------------------------------------------


class Invoker(Protocol):
    description: str

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]: ...

    def close(self) -> None: ...


class InvocationError(Exception):
    """The function failed (raised, or returned something API Gateway could not use)."""


def load_handler(function_dir: Path = FUNCTION_DIR) -> ModuleType:
    """Import the Lambda function's module the way the Lambda runtime does (its dir on sys.path)."""
    path = str(function_dir)
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module(HANDLER_MODULE)


class InProcessInvoker:
    """One warm container in this process; invocations are serialised (see the module docstring)."""

    def __init__(self, service: Any = None, *, timeout: float = 10.0, function_dir: Path = FUNCTION_DIR) -> None:
        self.module = load_handler(function_dir)
        if service is not None:
            self.module.set_use_cases(service)
        self.timeout = timeout
        self._lock = threading.Lock()
        self.description = "in this process (one invocation at a time)"

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            context = LocalLambdaContext(timeout_seconds=self.timeout)
            try:
                result = self.module.lambda_handler(event, context)
            except Exception as exc:
                traceback.print_exc(file=sys.stderr)  # the function's log, as CloudWatch would have it
                raise InvocationError(type(exc).__name__) from exc
        if not isinstance(result, dict):
            raise InvocationError(f"handler returned {type(result).__name__}, not a dict")
        return result

    def close(self) -> None:
        pass


_worker_module: ModuleType | None = None
_worker_timeout = 10.0


def _worker_init(env: dict[str, str], function_dir: str, timeout: float) -> None:
    global _worker_module, _worker_timeout
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and shuts us down
    os.environ.update(env)
    quiet_local_warnings()
    _worker_timeout = timeout
    _worker_module = load_handler(Path(function_dir))


def _worker_ping() -> int:
    return os.getpid()


def _worker_invoke(event: dict[str, Any]) -> dict[str, Any]:
    assert _worker_module is not None
    context = LocalLambdaContext(timeout_seconds=_worker_timeout)
    try:
        result = _worker_module.lambda_handler(event, context)
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        return {"__invocation_error__": type(exc).__name__}
    if not isinstance(result, dict):
        return {"__invocation_error__": f"handler returned {type(result).__name__}, not a dict"}
    return result


class ProcessPoolInvoker:
    """``workers`` processes, each one container: one invocation at a time, own module state.

    Workers are spawned (not forked: this process has threads) and configured from the current
    environment plus ``env``, the way a Lambda function is from its configuration.
    """

    def __init__(
        self,
        workers: int,
        *,
        env: dict[str, str] | None = None,
        timeout: float = 10.0,
        function_dir: Path = FUNCTION_DIR,
    ) -> None:
        import multiprocessing

        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self._initargs = (dict(env or {}), str(function_dir), timeout)
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._pool = self._new_pool()
        # Start every worker now, so the first requests do not pay for imports.
        for future in [self._pool.submit(_worker_ping) for _ in range(workers)]:
            future.result(timeout=120)
        self.description = f"in {workers} worker processes (one invocation at a time each)"

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=self._context, initializer=_worker_init, initargs=self._initargs
        )

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        pool = self._pool
        try:
            result = pool.submit(_worker_invoke, event).result()
        except BrokenProcessPool as exc:
            with self._lock:  # a worker died (killed, crashed): start a fresh pool for later requests
                if self._pool is pool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = self._new_pool()
            raise InvocationError("worker process died") from exc
        if "__invocation_error__" in result:
            raise InvocationError(str(result["__invocation_error__"]))
        return result

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


# --- the HTTP side ------------------------------------------------------------------------------


class _Refused(Exception):
    """The request is answered with an error before reaching the function."""

    def __init__(self, status: int, message: str, *, drain: int = 0) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.drain = drain  # bytes of unread body to discard before closing


class _ClientGone(Exception):
    """The client closed the connection mid-request; nothing can be answered."""


def _latin1_to_text(value: str) -> str:
    """Header bytes arrive latin-1 decoded; give back UTF-8 text when they were UTF-8."""
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return value
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return value


def encode_path(raw: str) -> str:
    """The request target's path as API Gateway's REST API delivers it: percent-encoded, ASCII.

    Escapes the client sent are kept as sent; raw non-ASCII bytes and unsafe characters are encoded.
    """
    try:
        data = raw.encode("latin-1")
    except UnicodeEncodeError:
        data = raw.encode("utf-8", "surrogateescape")
    return quote(data, safe=_PATH_SAFE)


def parse_query(query: str) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    """Decoded query parameters, last value wins / all values; None when there are none.

    Like API Gateway, ``+`` stays a plus sign; only %-escapes are decoded.
    """
    multi: dict[str, list[str]] = {}
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        name = unquote(name, errors="replace")
        multi.setdefault(name, []).append(unquote(value, errors="replace"))
    if not multi:
        return None, None
    return {k: v[-1] for k, v in multi.items()}, multi


class ApiGatewayHandler(BaseHTTPRequestHandler):
    server: LocalApiServer
    protocol_version = "HTTP/1.1"
    server_version = "authorize-local"
    sys_version = ""
    timeout = 60  # idle keep-alive connections are closed after this many seconds
    # Headers and body go out in separate writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms) on every keep-alive request.
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return self.server_version

    # --- request loop ---------------------------------------------------------------------------

    def handle_one_request(self) -> None:
        self._started = time.monotonic()
        self._status: int | None = None
        try:
            line = self._read_request_line()
            if line is None:
                self.close_connection = True
                return
            self.raw_requestline = line
            if len(line) > MAX_LINE:
                self.requestline = ""
                self.request_version = ""
                self.command = ""
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if not self.parse_request():
                return  # parse_request answered (through send_error)
            if self.request_version == "HTTP/0.9":
                self.send_error(HTTPStatus.BAD_REQUEST)
                return
            self._handle()
            self.wfile.flush()
        except (TimeoutError, ConnectionError, _ClientGone):
            self.close_connection = True
        except OSError:
            self.close_connection = True
        except Exception:  # a bug here: log it, answer JSON if nothing was sent yet, drop the connection
            log.exception("error while handling %r", getattr(self, "requestline", ""))
            self.close_connection = True
            if self._status is None:
                with contextlib.suppress(Exception):
                    self._send_error_json(500, "Internal Server Error", close=True)

    def _read_request_line(self) -> bytes | None:
        """The next request line, skipping the blank lines some clients send after a body."""
        for _ in range(MAX_BLANK_LINES + 1):
            line = self.rfile.readline(MAX_LINE + 1)
            if not line:
                return None
            if line not in (b"\r\n", b"\n"):
                return line
        return None

    def handle_expect_100(self) -> bool:
        try:
            length = self._content_length()
        except _Refused as exc:
            self._send_error_json(exc.status, exc.message, close=True)
            return False
        if length is not None and length > MAX_BODY_BYTES:
            self._send_error_json(413, _too_large_message(), close=True)
            return False
        return super().handle_expect_100()

    # --- errors: always JSON ------------------------------------------------------------------

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Every error the HTTP layer produces (stdlib ones included): GitHub-style JSON, then close."""
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        self._send_error_json(code, phrase, close=True)

    def _send_error_json(self, status: int, message: str, *, close: bool) -> None:
        if self.request_version not in ("HTTP/1.0", "HTTP/1.1"):
            self.request_version = "HTTP/1.1"  # answer malformed requests with a proper status line
        headers = [("Content-Type", "application/json; charset=utf-8")]
        self._write_response(status, headers, error_json(message), close=close)

    # --- the request ----------------------------------------------------------------------------

    def _handle(self) -> None:
        try:
            body = self._read_body()
        except _Refused as exc:
            self._send_error_json(exc.status, exc.message, close=True)
            if exc.drain:
                self._drain(exc.drain)
            return
        target = self.path
        if not target.startswith("/"):
            if target.startswith(("http://", "https://")):  # absolute-form, as sent to proxies
                parts = urlsplit(target)
                target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            else:
                self._send_error_json(400, "Bad Request", close=True)
                return
        raw_path, _, query = target.partition("?")
        raw_path = raw_path.partition("#")[0]
        path = encode_path(raw_path)
        if path == "/_health" and self.command in ("GET", "HEAD"):
            self._write_response(200, [("Content-Type", "application/json")], b'{"ok":true}')
            return
        if self.command in ("GET", "HEAD"):  # Swagger UI and the OpenAPI document, local server only
            page = swagger.handle(path)
            if page is not None:
                status, page_headers, page_body = page
                self._write_response(status, list(page_headers.items()), page_body)
                return
        if self.command not in SUPPORTED_METHODS:
            if not self.command or not set(self.command) <= _TCHAR:
                self._send_error_json(400, "Bad Request", close=True)
            else:
                self._send_error_json(404, "Not Found", close=self.close_connection)
            return
        event = self._event(path, query, body)
        try:
            result = self.server.invoker.invoke(event)
            status, headers, payload = self._from_result(result)
        except Exception as exc:  # API Gateway answers 502 when the integration fails, whatever the cause
            if isinstance(exc, InvocationError):
                log.warning("function failed: %s", exc)
            else:
                log.exception("invoking the function failed")
            self._write_response(
                502,
                [("Content-Type", "application/json; charset=utf-8")],
                error_json("Internal server error"),
                request_id=event["requestContext"]["requestId"],
            )
            return
        self._write_response(status, headers, payload, request_id=event["requestContext"]["requestId"])

    def _content_length(self) -> int | None:
        values = self.headers.get_all("Content-Length") or []
        if not values:
            return None
        distinct = {v.strip() for value in values for v in value.split(",")}
        if len(distinct) != 1:
            raise _Refused(400, "Bad Request: conflicting Content-Length")
        text = distinct.pop()
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            raise _Refused(400, "Bad Request: invalid Content-Length")
        return int(text)

    def _read_body(self) -> bytes:
        codings = [
            c.strip().lower()
            for value in self.headers.get_all("Transfer-Encoding") or []
            for c in value.split(",")
            if c.strip()
        ]
        if codings:
            if codings != ["chunked"]:
                raise _Refused(501, "Not Implemented: only chunked transfer coding is supported")
            if self.headers.get("Content-Length") is not None:
                self.close_connection = True  # both framings: trust chunked, then do not reuse the connection
            return self._read_chunked()
        length = self._content_length()
        if not length:
            return b""
        if length > MAX_BODY_BYTES:
            raise _Refused(413, _too_large_message(), drain=length)
        data = self.rfile.read(length)
        if len(data) < length:
            raise _ClientGone()
        return data

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            if not line:
                raise _ClientGone()
            if not line.endswith(b"\n"):
                raise _Refused(400, "Bad Request: invalid chunked body")
            size_text = line.split(b";", 1)[0].strip()
            if not size_text or len(size_text) > 16 or any(c not in b"0123456789abcdefABCDEF" for c in size_text):
                raise _Refused(400, "Bad Request: invalid chunked body")
            size = int(size_text, 16)
            if size == 0:
                for _ in range(100):  # trailer section, up to an empty line
                    trailer = self.rfile.readline(MAX_LINE + 1)
                    if not trailer:
                        raise _ClientGone()
                    if trailer in (b"\r\n", b"\n"):
                        return b"".join(chunks)
                raise _Refused(400, "Bad Request: invalid chunked body")
            total += size
            if total > MAX_BODY_BYTES:
                raise _Refused(413, _too_large_message(), drain=DRAIN_LIMIT)
            data = self.rfile.read(size)
            if len(data) < size:
                raise _ClientGone()
            chunks.append(data)
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise _Refused(400, "Bad Request: invalid chunked body")

    def _drain(self, limit: int) -> None:
        """Read and discard what the client still sends (bounded), so it gets to read our answer
        instead of a connection reset; then the connection closes."""
        self.close_connection = True
        deadline = time.monotonic() + DRAIN_SECONDS
        remaining = min(limit, DRAIN_LIMIT)
        try:
            self.wfile.flush()
            self.connection.settimeout(1.0)
            while remaining > 0 and time.monotonic() < deadline:
                data = self.rfile.read1(min(65536, remaining))
                if not data:
                    break
                remaining -= len(data)
        except OSError:
            pass

    # --- event and response -------------------------------------------------------------------

    def _event(self, path: str, query: str, body: bytes) -> dict[str, Any]:
        single: dict[str, str] = {}
        multi: dict[str, list[str]] = {}
        for name, value in self.headers.items():
            text = _latin1_to_text(" ".join(value.split()))
            single[name] = text
            multi.setdefault(name, []).append(text)
        client_ip = self.client_address[0]
        host = single.get("Host") or next((v for k, v in single.items() if k.lower() == "host"), None)
        if not host:
            host = urlsplit(self.server.base_url).netloc
        # What API Gateway adds (it overwrites these, except that it appends to X-Forwarded-For).
        forwarded = {
            "X-Forwarded-For": client_ip,
            "X-Forwarded-Port": str(self.server.port),
            "X-Forwarded-Proto": "http",
        }
        for name, value in forwarded.items():
            for existing in [k for k in single if k.lower() == name.lower()]:
                if name == "X-Forwarded-For":
                    value = f"{single[existing]}, {value}"
                del single[existing], multi[existing]
            single[name] = value
            multi[name] = [value]
        query_params, multi_query = parse_query(query)
        now = time.time()
        request_id = str(uuid.uuid4())
        user_agent = next((v for k, v in single.items() if k.lower() == "user-agent"), None)
        try:
            text_body: str | None = body.decode("utf-8") if body else None
            is_base64 = False
        except UnicodeDecodeError:
            text_body = base64.b64encode(body).decode("ascii")
            is_base64 = True
        resource = "/{proxy+}" if path != "/" else "/"
        return {
            "resource": resource,
            "path": path,
            "httpMethod": self.command,
            "headers": single,
            "multiValueHeaders": multi,
            "queryStringParameters": query_params,
            "multiValueQueryStringParameters": multi_query,
            "pathParameters": {"proxy": path[1:]} if path != "/" else None,
            "stageVariables": None,
            "requestContext": {
                "accountId": DEFAULT_ACCOUNT,
                "apiId": "local",
                "domainName": host,
                "domainPrefix": host.split(".")[0].split(":")[0],
                "extendedRequestId": request_id,
                "httpMethod": self.command,
                "identity": {
                    "accessKey": None,
                    "accountId": None,
                    "caller": None,
                    "cognitoAuthenticationProvider": None,
                    "cognitoAuthenticationType": None,
                    "cognitoIdentityId": None,
                    "cognitoIdentityPoolId": None,
                    "principalOrgId": None,
                    "sourceIp": client_ip,
                    "user": None,
                    "userAgent": user_agent,
                    "userArn": None,
                },
                "path": path,
                "protocol": self.request_version,
                "requestId": request_id,
                "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
                "requestTimeEpoch": int(now * 1000),
                "resourceId": "local",
                "resourcePath": resource,
                "stage": self.server.stage,
            },
            "body": text_body,
            "isBase64Encoded": is_base64,
        }

    @staticmethod
    def _from_result(result: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
        """API Gateway's reading of a proxy result; anything unusable is a 502, as there."""
        status = result.get("statusCode")
        if isinstance(status, str) and status.isdigit():
            status = int(status)
        if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
            raise InvocationError("malformed Lambda proxy response: statusCode")
        headers: list[tuple[str, str]] = []
        multi = result.get("multiValueHeaders") or {}
        single = result.get("headers") or {}
        if not isinstance(multi, dict) or not isinstance(single, dict):
            raise InvocationError("malformed Lambda proxy response: headers")
        seen = set()
        # Values in multiValueHeaders win over the same name in headers (API Gateway merges them so).
        for name, values in multi.items():
            seen.add(str(name).lower())
            for value in values if isinstance(values, list) else [values]:
                headers.append((str(name), str(value)))
        for name, value in single.items():
            if str(name).lower() not in seen:
                headers.append((str(name), str(value)))
        body = result.get("body")
        if body is None:
            payload = b""
        elif result.get("isBase64Encoded"):
            try:
                payload = base64.b64decode(str(body), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise InvocationError("malformed Lambda proxy response: body is not base64") from exc
        else:
            payload = str(body).encode("utf-8")
        if payload and not any(n.lower() == "content-type" for n, _ in headers):
            headers.append(("Content-Type", "application/json"))  # API Gateway's default
        return status, headers, payload

    def _write_response(
        self,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        *,
        close: bool = False,
        request_id: str | None = None,
    ) -> None:
        self._status = status
        if close:
            self.close_connection = True
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        self.send_response(status, reason)
        for name, value in headers:
            if name.lower() in _HOP_BY_HOP or not name or not set(name) <= _TCHAR:
                continue
            if "\r" in value or "\n" in value:
                continue  # never let a value split the header block
            if not value.isascii():  # header values are latin-1 on the wire: send anything else escaped
                value = quote(value, safe="".join(chr(c) for c in range(0x20, 0x7F)))
            self.send_header(name, value)
        if request_id:
            self.send_header("x-amzn-RequestId", request_id)
        no_body = status in _NO_BODY_STATUSES or status < 200
        if not no_body:
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        elif self.request_version == "HTTP/1.0":
            self.send_header("Connection", "keep-alive")  # an HTTP/1.0 client asked for it
        self.end_headers()
        if body and not no_body and self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()
        self._log_access()

    # --- logging --------------------------------------------------------------------------------

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # one line per request is written by _log_access, with the duration

    def _log_access(self) -> None:
        if self.server.quiet:
            return
        elapsed = (time.monotonic() - getattr(self, "_started", time.monotonic())) * 1000
        request = (self.requestline or "-")[:200]
        sys.stderr.write(f'{self.client_address[0]} "{request}" {self._status} {elapsed:.1f}ms\n')

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            log.info("%s %s", self.address_string(), format % args)


def _too_large_message() -> str:
    return f"Request body too large: the limit is {MAX_BODY_BYTES} bytes"


class LocalApiServer(ThreadingHTTPServer):
    """HTTP front for an invoker. ``port=0`` picks a free port; see ``base_url``."""

    daemon_threads = True
    request_queue_size = 128  # the stdlib's 5 resets connections under bursts
    allow_reuse_address = True

    def __init__(
        self,
        invoker: Invoker,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        quiet: bool = False,
        stage: str = "local",
    ) -> None:
        self.invoker = invoker
        self.quiet = quiet
        self.stage = stage
        self._thread: threading.Thread | None = None
        super().__init__((host, port), ApiGatewayHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def base_url(self) -> str:
        host = self.server_address[0]
        return f"http://{host if isinstance(host, str) else host.decode()}:{self.port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A handler thread failed outside a request's own error handling: log it, keep serving."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, socket.timeout)):
            return
        log.error("error while serving %s: %r", client_address, exc, exc_info=not self.quiet)

    def start_in_thread(self) -> LocalApiServer:
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.2}, name="authorize-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close the socket, and wait for the serving thread (not the invoker)."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()

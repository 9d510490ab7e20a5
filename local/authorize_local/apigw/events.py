"""API Gateway's side of a Lambda proxy integration (REST API, payload format 1.0).

``build_event`` turns a request, as the HTTP server parsed it (a WSGI environ), into the event API
Gateway sends for the ``/{proxy+}`` resource; ``read_result`` reads the function's answer the way
API Gateway does, refusing what it would refuse (a 502 there).
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from authorize.github.docs import DOCS_V3

from ..lambda_context import DEFAULT_ACCOUNT
from .invokers import InvocationError

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
# Characters left as they are in the event's path; anything else is percent-encoded (RFC 3986 pchar).
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_TCHAR = frozenset("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_HOP_BY_HOP = frozenset(
    {"connection", "content-length", "transfer-encoding", "keep-alive", "upgrade", "te", "trailer", "proxy-connection"}
)
NO_BODY_STATUSES = frozenset({204, 205, 304})


def too_large_message() -> str:
    return f"Request body too large: the limit is {MAX_BODY_BYTES} bytes"


def error_json(message: str, **extra: str) -> bytes:
    """GitHub's error shape."""
    return json.dumps({"message": message, **extra, "documentation_url": DOCS_V3}, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Target:
    path: str  # percent-encoded, ASCII, as API Gateway delivers it
    query: str  # raw, without "?"


def parse_target(raw: str) -> Target | None:
    """The request target (origin-form, or absolute-form as sent to proxies); None if it is neither."""
    if not raw.startswith("/"):
        if not raw.lower().startswith(("http://", "https://")):
            return None
        try:
            parts = urlsplit(raw)
        except ValueError:  # e.g. "http://[" : no valid authority
            return None
        raw = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    path, _, query = raw.partition("?")
    return Target(encode_path(path.partition("#")[0]), query.partition("#")[0])


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


def latin1_to_text(value: str) -> str:
    """WSGI hands header bytes over latin-1 decoded; give back UTF-8 text when they were UTF-8."""
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return value
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return value


def request_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The request's headers from a WSGI environ, names in their usual capitalisation (X-Github-Otp).

    WSGI keeps neither the client's spelling of a name nor repeated fields apart (the server joins
    them with ", "); API Gateway would keep both. The handler reads names case-insensitively.
    """
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:]
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key
        else:
            continue
        if not isinstance(value, str):
            continue
        spelled = "-".join(part.capitalize() for part in name.split("_"))
        headers.append((spelled, latin1_to_text(" ".join(value.split()))))
    return headers


def build_event(
    environ: dict[str, Any], target: Target, body: bytes, *, stage: str, port: int, default_host: str
) -> dict[str, Any]:
    """The REST API proxy event for this request, as API Gateway builds it for ``ANY /{proxy+}``."""
    method = environ["REQUEST_METHOD"]
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in request_headers(environ):
        single[name] = value
        multi.setdefault(name, []).append(value)
    client_ip = str(environ.get("REMOTE_ADDR") or "127.0.0.1")
    host = single.get("Host") or default_host
    # What API Gateway adds (it overwrites these, except that it appends to X-Forwarded-For).
    forwarded = {"X-Forwarded-For": client_ip, "X-Forwarded-Port": str(port), "X-Forwarded-Proto": "http"}
    for name, value in forwarded.items():
        if name == "X-Forwarded-For" and name in single:
            value = f"{single[name]}, {value}"
        single[name] = value
        multi[name] = [value]
    query_params, multi_query = parse_query(target.query)
    now = time.time()
    request_id = str(uuid.uuid4())
    try:
        text_body: str | None = body.decode("utf-8") if body else None
        is_base64 = False
    except UnicodeDecodeError:
        text_body = base64.b64encode(body).decode("ascii")
        is_base64 = True
    path = target.path
    resource = "/{proxy+}" if path != "/" else "/"
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
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
            "httpMethod": method,
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
                "userAgent": single.get("User-Agent"),
                "userArn": None,
            },
            "path": path,
            "protocol": environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
            "requestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "resourceId": "local",
            "resourcePath": resource,
            "stage": stage,
        },
        "body": text_body,
        "isBase64Encoded": is_base64,
    }


def read_result(result: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """API Gateway's reading of a proxy result; anything unusable raises ``InvocationError`` (a 502)."""
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


def response_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers that may go on the wire: no hop-by-hop or framing ones (the server sets those),
    no invalid names, nothing that could split the header block, non-latin-1 text escaped."""
    out = []
    for name, value in headers:
        if name.lower() in _HOP_BY_HOP or not name or not set(name) <= _TCHAR:
            continue
        if "\r" in value or "\n" in value:
            continue
        if not value.isascii():
            value = quote(value, safe="".join(chr(c) for c in range(0x20, 0x7F)))
        out.append((name, value))
    return out

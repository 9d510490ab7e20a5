"""HTTP glue between API Gateway events and the domain: URLs, headers and GitHub-style responses."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Any

from authorize.github.errors import GitHubError
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

JSON = "application/json; charset=utf-8"
_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$"
)
# GitHub varied on these; caches between a client and us must not mix users' answers.
_COMMON = {"Vary": "Accept, Authorization, Cookie, X-GitHub-OTP", "X-GitHub-Media-Type": "github.v3; format=json"}


def header(event: APIGatewayProxyEvent, name: str) -> str | None:
    """Case-insensitive header lookup (API Gateway keeps the client's spelling): of several spellings
    the last, as Powertools' ``event.headers`` gives it, read from the event's own dict rather than
    from the case-insensitive copy ``event.headers`` builds on every access."""
    lowered = name.lower()
    value = None
    for key, candidate in (event.get("headers") or {}).items():
        if key.lower() == lowered:
            value = candidate
    return value


def raw_body(event: APIGatewayProxyEvent) -> bytes | str | None:
    if event.body is None:
        return None
    if event.is_base64_encoded:
        import base64
        import binascii

        try:
            return base64.b64decode(event.body)
        except (binascii.Error, ValueError):
            return b"\xff"  # undecodable: parsed as JSON it gives "Problems parsing JSON"
    return event.body


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


def _host_name(host: str) -> str:
    return host.rsplit(":", 1)[0] if not host.endswith("]") else host


def _trusted_host(host: str, served: str | None, allowed: frozenset[str]) -> bool:
    """A Host header worth echoing into URLs: the name API Gateway served the request on, a name the
    operator allowed (``ALLOWED_HOSTS``), or loopback (the local server). Anything else is the
    client's say-so, and would put its name into ``Location``, ``url`` and ``Link``."""
    name = _host_name(host).lower()
    return bool(_HOST.match(host)) and (
        name == (served or "").lower() or name in allowed or name in LOOPBACK_HOSTS or name.startswith("127.")
    )


def base_url(event: APIGatewayProxyEvent, configured: str | None, allowed_hosts: frozenset[str] = frozenset()) -> str:
    """The public API root, so every emitted URL is right locally and behind API Gateway.

    On the default execute-api host the stage is part of the path; on a custom domain (base path
    mapping) or the local server it is not.
    """
    if configured:
        return configured
    ctx = event.request_context
    served = ctx.domain_name if ctx.domain_name and _HOST.match(ctx.domain_name) else None
    host = header(event, "Host") or ""
    if not _trusted_host(host, served, allowed_hosts):
        host = served or "localhost"
    proto = (header(event, "X-Forwarded-Proto") or "https").split(",")[0].strip().lower()
    if proto not in ("http", "https"):
        proto = "https"
    url = f"{proto}://{host}"
    stage = ctx.stage
    if stage and _host_name(host).endswith(".amazonaws.com"):
        url += f"/{stage}"
    return url


def request_id(event: APIGatewayProxyEvent) -> str:
    return event.request_context.request_id or str(uuid.uuid4())


def etag(payload: str) -> str:
    """A strong validator of the body's exact bytes, as GitHub sent with every 200."""
    return '"' + hashlib.sha256(payload.encode("utf-8")).hexdigest() + '"'


def _matches(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110 If-None-Match: ``*`` or any listed tag, compared weakly (a ``W/`` prefix is ignored)."""
    if not if_none_match:
        return False
    candidates = [c.strip() for c in if_none_match.split(",")]
    return "*" in candidates or tag in (c.removeprefix("W/") for c in candidates)


def json_response(
    status: int, body: Any, event: APIGatewayProxyEvent, headers: dict[str, str] | None = None
) -> Response:
    """A GitHub response. A GET answered 200 whose ETag the client already holds (If-None-Match) is a
    304 with no body: the same reads were made, only the bytes are not sent again."""
    out = dict(_COMMON)
    out["X-GitHub-Request-Id"] = request_id(event)
    if headers:
        out.update(headers)
    payload = None if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    if status == 200 and payload is not None:
        out["ETag"] = etag(payload)
        if event.http_method == "GET" and _matches(header(event, "If-None-Match"), out["ETag"]):
            return Response(status_code=304, content_type=None, body=None, headers=out)
    return Response(status_code=status, content_type=JSON if body is not None else None, body=payload, headers=out)


def error_response(error: GitHubError, event: APIGatewayProxyEvent) -> Response:
    return json_response(error.status, error.body, event, error.headers)

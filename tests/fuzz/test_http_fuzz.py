"""Random HTTP requests against the local server (the real handler on the embedded DynamoDB), over raw
sockets and through ``requests``: odd methods, paths, headers, credentials, framings and bodies.

Whatever arrives, the server must answer without a 5xx (no faults are injected here), without a Python
traceback in the body, with GitHub-shaped JSON (``message``, ``documentation_url``) for every error, and
it must keep serving (a health check after every raw exchange). Every run is bounded and deterministic:
a fixed number of examples, a fixed seed per test and backend (``FuzzRun.fuzzing`` in conftest.py).

Requests built by hand rather than drawn: a few large bodies (up to 10 MiB, and just over it), and a
minimal reproduction of each bug the fuzzing found (``test_known_bug_*``, strict xfail until fixed).
"""

from __future__ import annotations

import base64
import gzip
import json
import string
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests
from authorize_local.apigw import MAX_BODY_BYTES
from authorize_local.openapi.document import DOCUMENT, operations
from authorize_local.serve import DEMO_2FA_USER, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USER
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.conftest import FuzzRun, assert_alive, check_answer, raw_exchange, scaled

pytestmark = pytest.mark.integration

TCHAR = "!#$%&'*+-.^_`|~" + string.ascii_letters + string.digits


def basic(user: str | bytes, password: str | bytes) -> bytes:
    user_b = user.encode() if isinstance(user, str) else user
    password_b = password.encode() if isinstance(password, str) else password
    return b"Basic " + base64.b64encode(user_b + b":" + password_b)


USER_AUTH = basic(DEMO_USER, DEMO_PASSWORD)
APP_AUTH = basic(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
TWO_FACTOR_AUTH = basic(DEMO_2FA_USER, DEMO_PASSWORD)


def chance(draw: st.DrawFn, percent: int) -> bool:
    """True about ``percent`` % of the time. False in Hypothesis' simplest examples, which it tries
    first and shrinks towards: the usual case is the False branch."""
    return draw(st.integers(0, 99)) >= 100 - percent


# --- strategies: request line -------------------------------------------------------------------

METHODS = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "MKCOL",
    "LINK", "PURGE", "QUERY", "get", "Put", "pAtCh", "head", "G", "GETS", "M-SEARCH", "X_Y", "*", "PRI",
]  # fmt: skip

methods = st.one_of(
    st.sampled_from(METHODS),
    st.text(TCHAR, min_size=1, max_size=16),
    st.text(st.characters(codec="latin-1", exclude_characters=" \r\n"), min_size=1, max_size=8),
)


def api_routes() -> list[tuple[str, str]]:
    """The API's routes (docs/openapi.json), with holes for path segments. Those that can create an
    authorization (a documented 201) come three times: most of the handler's logic is behind them."""
    doc = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return [
        (method.upper(), path)
        for path, method, operation in sorted(operations(doc), key=lambda found: found[:2])
        for _ in range(3 if "201" in operation["responses"] else 1)
    ]


ROUTES = api_routes()

# Other paths: the local server's extras, and paths of no route.
OTHER_TEMPLATES = ["/", "/_health", "/openapi.json", "/swagger", "/swagger/{file}", "/{a}", "/{a}/{b}/{c}"]
TEMPLATES = sorted({t for _, t in ROUTES} | set(OTHER_TEMPLATES))

PLAUSIBLE_SEGMENTS = [DEMO_CLIENT_ID] * 4 + ["1", "2", "3", "4294967296", "laptop", "my%20laptop", "fz-1"]
SPECIAL_SEGMENTS = [
    DEMO_CLIENT_ID.upper(), "0", "-1", "99999999999999999999999", "1e3", "0x10", "1.5", "null",
    "true", ".", "..", "", "%2e%2e", "%2E", "%2F", "%2f..%2f", "%", "%z", "%zz", "%00", "%0d%0a", "%c0%af", "%ff%fe",
    "%u002e", "..;", ";", ";a=b", "~", "*", "gho_" + "A" * 36, "ghp_" + "0" * 36, "gho_", "swagger-ui.css",
    "index.html", "..%2f..%2fetc%2fpasswd", "\u00e9", "\u202e", "\U0001f600", "\\", "a b", "x?y=z", "x#frag",
    "grants", "clients", "tokens", "token", "_health",
]  # fmt: skip

segments = st.one_of(
    st.sampled_from(PLAUSIBLE_SEGMENTS),  # half of them: ones that reach the handler's deeper paths
    st.one_of(
        st.sampled_from(SPECIAL_SEGMENTS),
        st.integers(-(2**70), 2**70).map(str),
        st.text(st.characters(codec="utf-8"), max_size=24),
        st.binary(max_size=24).map(lambda b: quote(b, safe="")),  # percent-encoded arbitrary bytes
        st.builds(lambda unit, n: unit * n, st.sampled_from(["a", "%41", "\u00e9", "."]), st.integers(256, 2730)),
    ),
)


client_ids = st.one_of(st.just(DEMO_CLIENT_ID), segments)


@st.composite
def targets(draw: st.DrawFn) -> tuple[str, str]:
    """A method and a path (raw text: the caller decides how to encode it). Mostly one of the API's
    routes with random segments; else any method on any path."""
    if not chance(draw, 30):
        method, template = draw(st.sampled_from(ROUTES))
    else:
        method, template = draw(methods), draw(st.sampled_from(TEMPLATES))
    holes = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    path = template.format(**{name: draw(client_ids if name == "client_id" else segments) for name in holes})
    if chance(draw, 10):  # dot segments, doubled or trailing slashes
        path = (
            draw(st.sampled_from(["/.", "/..", "/./..", "//", "/%2e/"])) + path + draw(st.sampled_from(["", "/", "/."]))
        )
    return method, path[:8192]


query_keys = st.one_of(
    st.sampled_from(["page", "per_page", "client_id", "access_token", "scopes", "note", "", "page[]"]),
    st.text(max_size=12),
)
query_values = st.one_of(
    st.integers(-(2**64), 2**64).map(str),
    st.sampled_from(["", "0", "-1", "1e9", "100", "101", "abc", "%", "%zz", "%ff", "+", "NaN", "[]"]),
    st.text(max_size=24),
)
queries = st.lists(st.tuples(query_keys, query_values), max_size=4).map(
    lambda pairs: "&".join(f"{quote(k, safe='%[]')}={quote(v, safe='%+')}" for k, v in pairs)
)


def encode_target(path: str, query: str, mode: str) -> bytes:
    """The request target: percent-encoded as a client should, raw UTF-8, or left exactly as generated."""
    if mode == "quoted":
        target = quote(path, safe="/%;:@!$&'()*+,=~")
    elif mode == "utf8":  # unsafe ASCII encoded, non-ASCII sent as raw UTF-8 bytes
        target = "".join(c if ord(c) > 127 else quote(c, safe="/%;:@!$&'()*+,=~") for c in path)
    else:  # raw: spaces, "?", "#" and control characters go out as they are
        target = path
    if query:
        target += "?" + query
    return target.encode("utf-8", "surrogatepass")


# --- strategies: headers ------------------------------------------------------------------------

AUTH_SCHEMES = [
    "Basic", "basic", "BASIC", "Bearer", "bearer", "token", "Token", "Digest", "NTLM", "Negotiate",
    "AWS4-HMAC-SHA256", "OAuth", "", "Basic\t", "Basic ", "Basic:",
]  # fmt: skip

broken_base64 = st.one_of(
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_", min_size=1, max_size=40),
    st.sampled_from(["=", "====", "!!!", "bW9uYWxpc2E", "bW9uYWxpc2E6", "YQ==YQ==", "\u00e9\u00e9", "%3A", "Og=="]),
)
credentials = st.one_of(
    st.binary(max_size=48).map(base64.b64encode),  # random bytes: no colon, invalid UTF-8, control characters
    st.builds(  # someone else's login and a password (never the demo users: no lockout of them)
        lambda login, password: base64.b64encode(b"fz-" + login.encode() + b":" + password.encode()),
        st.text(max_size=16),
        st.text(max_size=16),
    ),
    broken_base64.map(lambda s: s.encode("utf-8")),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=36, max_size=36).map(
        lambda s: ("gho_" + s).encode()
    ),
    st.integers(1_000, 20_000).map(lambda n: b"A" * n),  # huge
)
authorizations = st.one_of(
    st.sampled_from([USER_AUTH, APP_AUTH, TWO_FACTOR_AUTH]),
    st.sampled_from([USER_AUTH, APP_AUTH]),
    st.builds(
        lambda scheme, creds: scheme.encode("latin-1") + b" " + creds,
        st.one_of(st.sampled_from(AUTH_SCHEMES), st.text(TCHAR, max_size=12)),
        credentials,
    ),
)


def authorizations_for(path: str) -> st.SearchStrategy[bytes]:
    """Mostly the right credentials for the path (app Basic for an app's endpoints, else user Basic),
    so that requests get past authentication; else any."""
    app_path = path.startswith("/applications/") and not path.startswith("/applications/grants")
    return st.one_of(st.just(APP_AUTH if app_path else USER_AUTH), authorizations)


CONTENT_TYPES = [
    "application/json", "application/json; charset=utf-8", "application/json; charset=latin-1",
    "application/vnd.github.v3+json", "text/plain", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x", "application/xml", "", "*/*", "application/json;;;", "json",
    "application/octet-stream", "text/html; charset=\u00e9",
]  # fmt: skip
CONTENT_ENCODINGS = ["gzip", "deflate", "br", "identity", "compress", "x-gzip", "gzip, identity", "zstd", "*", "\u00e9"]
KNOWN_HEADERS = [
    "Accept", "Accept-Encoding", "Accept-Language", "X-GitHub-OTP", "User-Agent", "Cookie", "X-Forwarded-For",
    "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "Forwarded", "Origin", "Range", "If-None-Match",
    "If-Modified-Since", "Connection", "Expect", "Authorization", "X-HTTP-Method-Override", "Via", "Upgrade",
    "TE", "Trailer", "Keep-Alive", "Proxy-Connection", "X-Amzn-Trace-Id", "X-Amzn-RequestId", "Content-Type",
    "Content-Encoding", "X-GitHub-Request-Id", "Time-Zone", "Link", "Location",
]  # fmt: skip

header_names = st.one_of(
    st.sampled_from(KNOWN_HEADERS),
    st.sampled_from(KNOWN_HEADERS).map(str.lower),
    st.text(TCHAR, min_size=1, max_size=24),
)
header_values = st.one_of(
    st.text(st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=48).map(lambda s: s.encode("latin-1")),
    st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=24).map(lambda s: s.encode("utf-8")),
    st.binary(max_size=24).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")),
    st.sampled_from(
        [b"", b" ", b"\t", b"100-continue", b"close", b"keep-alive", b"Upgrade", b"h2c", b"\x00", b"\xff\xfe"]
    ),
    st.sampled_from([b"a\r\n folded", b"a\r\n\tfolded"]),  # obsolete line folding
    st.integers(1_000, 16_000).map(lambda n: b"v" * n),  # huge, under the 64 KiB line limit
)

# Host values: ASCII, latin-1, and any text (test_host_outside_latin1_still_gets_an_answer).
hosts = st.one_of(
    st.text(max_size=20).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"127.0.0.1", b"localhost:3000", b"api.example.com", b"", b"a:b:c", b"[::1]:1", b"x" * 300]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40).map(str.encode),
    st.sampled_from(["\u00e9.example".encode(), b"\xff\xfe", b"\xe9", b"\x00"]),
)

otps = st.sampled_from([b"123456", b"000000", b"", b"12345", b"abcdef", b"1" * 100])

# --- strategies: bodies -------------------------------------------------------------------------

FIELDS = [
    "client_secret", "client_id", "scopes", "add_scopes", "remove_scopes", "note", "note_url", "fingerprint",
    "access_token",
]  # fmt: skip

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(
        ["", "\ud800", "\u0000", "repo", "public_repo", "user", "admin:org", "https://x.example", "a" * 2000]
    ),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
scope_lists = st.lists(
    st.one_of(
        st.sampled_from(["repo", "public_repo", "user", "gist", "admin:org", "write:org", "", "REPO"]),
        st.text(max_size=12),
    ),
    max_size=6,
)


def _deep(depth: int, kind: str) -> str:
    if kind == "array":
        return "[" * depth + "]" * depth
    if kind == "object":
        return '{"a":' * depth + "1" + "}" * depth
    if kind == "in-field":
        return json.dumps({"client_secret": DEMO_CLIENT_SECRET, "scopes": "@"}).replace(
            '"@"', "[" * depth + "]" * depth
        )
    return "[" * depth  # unterminated


deep_json = st.builds(
    _deep,
    st.sampled_from([10, 500, 999, 1000, 1001, 5000, 50_000]),
    st.sampled_from(["array", "object", "in-field", "open"]),
)


@st.composite
def json_objects(draw: st.DrawFn) -> dict[str, Any]:
    """Objects with the API's field names: sometimes valid values, often wrong types for every field."""
    body: dict[str, Any] = {}
    if not chance(draw, 50):
        body["client_secret"] = DEMO_CLIENT_SECRET
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=5, unique=True)):
        if name.endswith("scopes"):
            body[name] = draw(st.one_of(scope_lists, json_values))
        else:
            body[name] = draw(json_values)
    if chance(draw, 20):
        body.update(draw(st.dictionaries(st.text(max_size=10), json_values, max_size=3)))
    return body


valid_bodies = st.fixed_dictionaries(
    {"client_secret": st.just(DEMO_CLIENT_SECRET)},
    optional={
        "scopes": scope_lists,
        "note": st.text(max_size=30),
        "note_url": st.sampled_from(["", "https://example.com/x", "myapp://cb", "not a url"]),
        "fingerprint": st.text(max_size=30),
        "add_scopes": scope_lists,
        "remove_scopes": scope_lists,
        "access_token": st.text("abcdefABCDEF0123456789", min_size=36, max_size=36).map(lambda s: "gho_" + s),
    },
)

bodies = st.one_of(
    valid_bodies.map(lambda o: json.dumps(o).encode()),
    valid_bodies.map(lambda o: json.dumps(o).encode()),
    st.just(b""),
    st.binary(max_size=600),
    st.builds(lambda a, b: a + b"\xc3\x28" + b, st.binary(max_size=40), st.binary(max_size=40)),  # invalid UTF-8
    st.sampled_from(
        [b'{"note": "\xff"}', b"\xef\xbb\xbf{}", b"\xfe\xff\x00{\x00}", b"null", b"[]", b'"s"', b"1", b"{", b"\x00"]
    ),
    json_objects().map(lambda o: json.dumps(o).encode()),
    json_objects().map(lambda o: json.dumps(o, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    json_values.map(lambda v: json.dumps(v).encode()),
    deep_json.map(str.encode),
)

FRAMINGS = [
    "length", "chunked", "chunked", "chunked-odd", "both", "length-twice", "length-conflict", "length-bad",
    "length-short", "unsupported-coding", "unframed",
]  # fmt: skip
BAD_LENGTHS = [b"-1", b"1e3", b"0x10", b"+5", "\u0661\u0662".encode(), b"abc", b"", b"99999999999999999999", b"1,2"]


def frame(body: bytes, framing: str, bad_length: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """Framing headers and the bytes that follow the header block."""
    if framing == "length":
        return ([(b"Content-Length", b"%d" % len(body))] if body else []), body
    if framing == "chunked":
        data = b"".join(b"%x\r\n%s\r\n" % (len(body[i : i + 97]), body[i : i + 97]) for i in range(0, len(body), 97))
        return [(b"Transfer-Encoding", b"chunked")], data + b"0\r\n\r\n"
    if framing == "chunked-odd":  # extensions, upper-case hex, a trailer, bare LFs
        data = b"%X;ext=1\r\n%s\r\n" % (len(body), body) if body else b""
        return [(b"Transfer-Encoding", b"Chunked")], data + b"0;x\nX-Trailer: 1\r\n\n"
    if framing == "both":
        data = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) if body else b"0\r\n\r\n"
        return [(b"Content-Length", b"%d" % len(body)), (b"Transfer-Encoding", b"chunked")], data
    if framing == "length-twice":
        return [(b"Content-Length", b"%d" % len(body)), (b"content-length", b"%d" % len(body))], body
    if framing == "length-conflict":
        return [(b"Content-Length", b"%d" % len(body)), (b"Content-Length", b"%d" % (len(body) + 1))], body
    if framing == "length-bad":
        return [(b"Content-Length", bad_length)], body
    if framing == "length-short":  # the rest of the body is read as the next request
        return [(b"Content-Length", b"%d" % (len(body) // 2))], body
    if framing == "unsupported-coding":
        return [(b"Transfer-Encoding", b"gzip, chunked")], body
    return [], body  # unframed: the body is read as the next request


@dataclass(frozen=True)
class RawRequest:
    payload: bytes
    method: str
    exact: bool = True  # nothing of it can be read as a further request
    protocol_5xx: frozenset[int] = frozenset()  # 501/505 it may get (conftest.PROTOCOL_5XX)


def _is_http2_or_later(version: str) -> bool:
    major = version.removeprefix("HTTP/").split(".")[0]
    return version.startswith("HTTP/") and major.isdigit() and int(major) >= 2


@st.composite
def raw_requests(draw: st.DrawFn) -> RawRequest:
    """One raw HTTP request."""
    method, path = draw(targets())
    mode = draw(st.sampled_from(["quoted"] * 6 + ["utf8"] * 3 + ["raw"]))
    target = encode_target(path, draw(queries), mode)
    version = "HTTP/1.1"
    if chance(draw, 10):
        version = draw(st.sampled_from(["HTTP/1.0", "HTTP/2.0", "HTTP/1.2", "HTTP/1", "http/1.1", "HTTP/9.9", "", "x"]))
    line = method.encode("latin-1") + b" " + target + (b" " + version.encode() if version else b"")
    headers: list[tuple[bytes, bytes]] = []
    if not chance(draw, 10):
        headers.append((b"Host", draw(hosts)))
    if not chance(draw, 25):
        headers.append((b"Authorization", draw(authorizations_for(path))))
    if not chance(draw, 50):
        headers.append((b"Content-Type", draw(st.sampled_from(CONTENT_TYPES)).encode("utf-8")))
    body = draw(bodies)
    if chance(draw, 15):
        coding = draw(st.sampled_from(CONTENT_ENCODINGS))
        headers.append((b"Content-Encoding", coding.encode("utf-8")))
        if coding == "gzip":
            body = gzip.compress(body, mtime=0)
        elif coding == "deflate":
            body = zlib.compress(body)
    if chance(draw, 25):
        headers.append((b"X-GitHub-OTP", draw(otps)))
    headers += draw(st.lists(st.tuples(header_names.map(lambda n: n.encode("latin-1")), header_values), max_size=6))
    if chance(draw, 5):  # one header many times (duplicates, and past the 100-header limit)
        name, value = draw(st.sampled_from([(b"Authorization", USER_AUTH), (b"X-Dup", b"v"), (b"Host", b"a")]))
        headers += [(name, value)] * draw(st.sampled_from([2, 3, 50, 101, 150]))
    framing = "length" if not chance(draw, 40) else draw(st.sampled_from(FRAMINGS))
    framing_headers, payload = frame(body, framing, draw(st.sampled_from(BAD_LENGTHS)))
    headers += framing_headers
    headers = draw(st.permutations(headers))
    head = line + b"\r\n" + b"".join(name + b": " + value + b"\r\n" for name, value in headers) + b"\r\n"
    allowed = {505} if _is_http2_or_later(version) else set()
    if framing == "unsupported-coding":
        allowed.add(501)
    exact = not body or framing not in ("length-short", "unframed")
    return RawRequest(head + payload, method, exact, frozenset(allowed))


# --- raw sockets ----------------------------------------------------------------------------------


def _raw(payload: bytes) -> RawRequest:
    return RawRequest(payload, payload.split(b" ", 1)[0].decode("latin-1"))


def test_raw_requests(fuzz_run: FuzzRun) -> None:
    """One or two requests on one connection (the second pipelined behind the first, when the first
    is framed exactly: otherwise the answers could not be told apart)."""

    @fuzz_run.fuzzing(max_examples=scaled(600))
    @given(first=raw_requests(), second=st.one_of(st.none(), raw_requests()))
    @example(first=_raw(b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"), second=None)
    @example(first=_raw(b"GET / HTTP/1.1\r\nX-Big: " + b"v" * 70_000 + b"\r\n\r\n"), second=None)
    @example(first=_raw(b"\r\n" * 16 + b"GET /_health HTTP/1.1\r\n\r\n"), second=None)
    @example(first=_raw(b"GET /authorizations HTTP/1.1\r\nAuthorization: Basic \xff\xfe\r\n\r\n"), second=None)
    @example(
        first=_raw(b"HEAD /authorizations HTTP/1.1\r\nHost: x\r\n\r\n"), second=_raw(b"GET /user HTTP/1.1\r\n\r\n")
    )
    def exchange_is_well_formed(first: RawRequest, second: RawRequest | None) -> None:
        sent = [first] if second is None or not first.exact else [first, second]
        payload = b"".join(r.payload for r in sent)
        exchange = raw_exchange(fuzz_run.api.base_url, payload, [r.method for r in sent])
        fuzz_run.sent(len(sent))
        context = f"raw request {payload[:300]!r}"
        assert exchange.responses, f"no answer to {context} (reset={exchange.reset}, sent_all={exchange.sent_all})"
        assert not exchange.leftover, f"bytes after the last answer to {context}: {exchange.leftover[:200]!r}"
        for index, response in enumerate(exchange.responses):
            request = sent[index] if index < len(sent) else RawRequest(b"", "GET")
            fuzz_run.answered(response.status)
            check_answer(
                response.status,
                response.headers,
                response.body,
                method=request.method,
                context=context,
                protocol_5xx=request.protocol_5xx,
            )
        assert_alive(fuzz_run)

    exchange_is_well_formed()


# --- requests -------------------------------------------------------------------------------------


def _request_header_value(value: bytes) -> bytes:
    """requests refuses values with leading whitespace or line breaks; strip those."""
    return value.replace(b"\r", b"").replace(b"\n", b"").lstrip(b" \t\x0b\x0c")


request_headers = st.dictionaries(
    header_names.filter(lambda n: n.lower() not in ("host", "content-length", "transfer-encoding")),
    header_values.map(_request_header_value),
    max_size=5,
)


@st.composite
def library_requests(draw: st.DrawFn) -> dict[str, Any]:
    method, path = draw(targets())
    if not set(method) <= set(TCHAR):
        method = "GET"
    path = quote(path, safe="/%;:@!$&'()*+,=~")
    query = draw(queries)
    headers = draw(request_headers)
    if not chance(draw, 25):
        headers["Authorization"] = _request_header_value(draw(authorizations_for(path)))
    if not chance(draw, 50):
        headers["Content-Type"] = draw(st.sampled_from(CONTENT_TYPES)).encode("utf-8")
    kind = draw(st.sampled_from(["bytes", "json", "json", "chunked", "gzip", "form", "none"]))
    kwargs: dict[str, Any] = {"method": method, "path": path + (f"?{query}" if query else ""), "headers": headers}
    if kind == "bytes":
        kwargs["data"] = draw(bodies)
    elif kind == "json":
        kwargs["json"] = draw(st.one_of(json_objects(), json_values))
    elif kind == "chunked":
        kwargs["chunks"] = draw(st.lists(st.binary(min_size=1, max_size=64), max_size=4)) or [b"{}"]
    elif kind == "gzip":
        headers["Content-Encoding"] = b"gzip"
        kwargs["data"] = gzip.compress(json.dumps(draw(json_objects())).encode(), mtime=0)
    elif kind == "form":
        kwargs["data"] = draw(st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=10), max_size=3))
    return kwargs


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        s.trust_env = False  # never a proxy from the environment
        yield s


def test_requests_library(fuzz_run: FuzzRun, session: requests.Session) -> None:
    @fuzz_run.fuzzing(max_examples=scaled(400))
    @given(spec=library_requests())
    def answer_is_well_formed(spec: dict[str, Any]) -> None:
        spec = dict(spec)
        method, path = spec.pop("method"), spec.pop("path")
        chunks = spec.pop("chunks", None)
        if chunks is not None:
            spec["data"] = iter(chunks)  # a generator body goes out chunked
        response = session.request(method, fuzz_run.api.base_url + path, timeout=(5, 60), allow_redirects=False, **spec)
        fuzz_run.sent()
        fuzz_run.answered(response.status_code)
        check_answer(
            response.status_code,
            response.headers,
            response.content,
            method=method.upper(),
            context=f"{method} {path[:200]} headers={spec.get('headers')!r:.300}",
        )

    answer_is_well_formed()


# --- large bodies ---------------------------------------------------------------------------------

MB = 1024 * 1024


def _large_body(size: int, kind: str) -> bytes:
    if kind == "json":  # a valid get-or-create body whose note fills it
        head = b'{"client_secret":"' + DEMO_CLIENT_SECRET.encode() + b'","scopes":["repo"],"note":"'
        return head + b"n" * (size - len(head) - 2) + b'"}'
    if kind == "json-array":
        return b"[" + b"1," * ((size - 3) // 2) + b"1" + b"]" * (1 + (size - 3) % 2)
    return bytes(range(256)) * (size // 256) + b"\xff" * (size % 256)  # invalid UTF-8


LARGE_CASES = [
    (1 * MB, "json"),
    (MAX_BODY_BYTES - 1, "bytes"),
    (MAX_BODY_BYTES, "json"),
    (MAX_BODY_BYTES, "json-array"),
    (MAX_BODY_BYTES + 1, "json"),
    (MAX_BODY_BYTES + 1, "bytes"),
]


@pytest.mark.parametrize(("size", "kind"), LARGE_CASES, ids=[f"{s}-{k}" for s, k in LARGE_CASES])
@pytest.mark.parametrize("transport", ["requests", "raw", "chunked"])
def test_large_bodies(fuzz_run: FuzzRun, session: requests.Session, size: int, kind: str, transport: str) -> None:
    body = _large_body(size, kind)
    assert len(body) == size
    url = f"{fuzz_run.api.base_url}/authorizations/clients/{DEMO_CLIENT_ID}/fz-large-{size}-{kind}"
    if transport == "raw":
        path = urlsplit(url).path.encode()
        head = b"PUT %s HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n" % (path, USER_AUTH)
        exchange = raw_exchange(fuzz_run.api.base_url, head + b"Content-Length: %d\r\n\r\n" % size + body, ["PUT"])
        fuzz_run.sent()
        assert len(exchange.responses) == 1, exchange
        answer = exchange.responses[0]
        status, headers, content = answer.status, answer.headers, answer.body
    else:
        data: Any = body if transport == "requests" else (body[i : i + MB] for i in range(0, size, MB))
        response = session.put(url, data=data, headers={"Authorization": USER_AUTH.decode()}, timeout=(5, 120))
        fuzz_run.sent()
        status, headers, content = response.status_code, response.headers, response.content
    fuzz_run.answered(status)
    check_answer(status, headers, content, method="PUT", context=f"PUT {size} bytes ({kind}, {transport})")
    if size > MAX_BODY_BYTES:
        assert status == 413, content[:300]
    else:
        assert status in (201, 400, 422), content[:300]


# --- regressions found by fuzzing -------------------------------------------------------------------


def test_host_outside_latin1_still_gets_an_answer(api: Any) -> None:
    """Found by fuzzing: a Location built from such a Host once broke the response after the write."""
    body = json.dumps({"client_secret": DEMO_CLIENT_SECRET}).encode()
    request = (
        b"PUT /authorizations/clients/%s/fz-host HTTP/1.1\r\nHost: \xe4\xbe\x8b.jp\r\n"  # "例.jp" in UTF-8
        b"Authorization: %s\r\nContent-Length: %d\r\n\r\n%s" % (DEMO_CLIENT_ID.encode(), USER_AUTH, len(body), body)
    )
    exchange = raw_exchange(api.base_url, request, ["PUT"])
    assert len(exchange.responses) == 1, "no answer"
    response = exchange.responses[0]
    check_answer(response.status, response.headers, response.body, method="PUT", context="PUT with Host 例.jp")

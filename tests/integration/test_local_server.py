"""The API over HTTP: local API Gateway stand-in -> real handler -> embedded DynamoDB (moto and
DynamoDB Local), plus the HTTP layer's own edge cases and the admin CLI."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pyotp
import pytest
import requests
from authorize_local.apigw import MAX_BODY_BYTES, LocalApiServer
from authorize_local.apigw.server import FRAMING_ALLOWANCE
from authorize_local.serve import DEMO_2FA_USER, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USER
from botocore.config import Config

pytestmark = pytest.mark.integration

# The fixtures' types (conftest.py); tests/integration is not a package, so they are not imported.
Api = Any
Database = Any

AUTH = (DEMO_USER, DEMO_PASSWORD)
BODY = {"client_secret": DEMO_CLIENT_SECRET, "scopes": ["public_repo"], "note": "admin script"}
DOCS = "https://developer.github.com/v3"


def put_url(api: Api, fingerprint: str | None = None) -> str:
    url = f"{api.base_url}/authorizations/clients/{DEMO_CLIENT_ID}"
    return url if fingerprint is None else f"{url}/{fingerprint}"


def fresh_fingerprint() -> str:
    return f"fp-{uuid.uuid4().hex[:12]}"


def assert_github_error(response: requests.Response, status: int, message: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("message"), str) and body["message"]
    assert body.get("documentation_url", "").startswith("https://developer.github.com/")
    if message is not None:
        assert body["message"] == message
    return body


# --- raw HTTP helpers -------------------------------------------------------------------------------


def raw_connect(api: Api) -> socket.socket:
    parts = urlsplit(api.base_url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    return sock


def read_response(reader: Any) -> tuple[int, dict[str, str], bytes]:
    status_line = reader.readline()
    assert status_line.startswith((b"HTTP/1.1 ", b"HTTP/1.0 ")), status_line
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    while True:
        line = reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    return status, headers, reader.read(length)


def raw_request(api: Api, data: bytes) -> tuple[int, dict[str, str], bytes]:
    with raw_connect(api) as sock:
        sock.sendall(data)
        return read_response(sock.makefile("rb"))


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


# --- get-or-create ------------------------------------------------------------------------------


def test_create_then_repeat(api: Api) -> None:
    created = requests.put(put_url(api), json=BODY, auth=AUTH, timeout=30)
    assert created.status_code == 201, created.text
    body = created.json()
    token = body["token"]
    assert len(token) == 40 and token.startswith("gho_")
    assert body["hashed_token"] == hashlib.sha256(token.encode()).hexdigest()
    assert body["token_last_eight"] == token[-8:]
    assert body["url"] == f"{api.base_url}/authorizations/{body['id']}"
    assert created.headers["Location"] == body["url"]
    assert body["app"] == {"name": "my github app", "url": "http://my-github-app.com", "client_id": DEMO_CLIENT_ID}
    assert body["scopes"] == ["public_repo"] and body["note"] == "admin script" and body["fingerprint"] is None
    assert created.headers["Content-Type"] == "application/json; charset=utf-8"
    assert created.headers["Content-Length"] == str(len(created.content))

    again = requests.put(put_url(api), json={**BODY, "scopes": ["repo"]}, auth=AUTH, timeout=30)
    assert again.status_code == 200, again.text
    repeat = again.json()
    assert repeat["token"] == ""
    assert repeat["id"] == body["id"] and repeat["hashed_token"] == body["hashed_token"]
    assert repeat["scopes"] == ["public_repo"]
    assert again.headers["Location"] == body["url"]


def test_fingerprint_in_path(api: Api) -> None:
    secret = {"client_secret": DEMO_CLIENT_SECRET}
    response = requests.put(put_url(api, "my%20laptop"), json=secret, auth=AUTH, timeout=30)
    assert response.status_code == 201, response.text
    assert response.json()["fingerprint"] == "my laptop"
    other = requests.put(put_url(api, "my-desktop"), json=secret, auth=AUTH, timeout=30)
    assert other.status_code == 201 and other.json()["id"] != response.json()["id"]
    repeat = requests.put(put_url(api, "my%20laptop"), json=secret, auth=AUTH, timeout=30)
    assert repeat.status_code == 200 and repeat.json()["id"] == response.json()["id"]
    assert repeat.json()["token"] == ""


def test_bad_credentials(api: Api) -> None:
    response = requests.put(put_url(api, fresh_fingerprint()), json=BODY, auth=(DEMO_USER, "wrong"), timeout=30)
    assert_github_error(response, 401, "Bad credentials")
    assert "X-GitHub-OTP" not in response.headers


def test_no_credentials(api: Api) -> None:
    response = requests.put(put_url(api), json=BODY, timeout=30)
    assert_github_error(response, 401, "Requires authentication")


def test_two_factor_challenge_then_success(api: Api) -> None:
    url = put_url(api, fresh_fingerprint())
    auth = (DEMO_2FA_USER, DEMO_PASSWORD)
    challenge = requests.put(url, json=BODY, auth=auth, timeout=30)
    assert_github_error(challenge, 401, "Must specify two-factor authentication OTP code.")
    assert challenge.headers["X-GitHub-OTP"] == "required; app"

    code = pyotp.TOTP(api.db.totp_secret).now()
    done = requests.put(url, json=BODY, auth=auth, headers={"X-GitHub-OTP": code}, timeout=30)
    assert done.status_code == 201, done.text
    assert done.json()["token"].startswith("gho_")


def test_malformed_json(api: Api) -> None:
    response = requests.put(put_url(api, fresh_fingerprint()), data="{not json", auth=AUTH, timeout=30)
    assert_github_error(response, 400, "Problems parsing JSON")


def test_body_that_is_not_utf8_reaches_the_handler_base64_encoded(api: Api) -> None:
    response = requests.put(put_url(api, fresh_fingerprint()), data=b"\xff\xfe{}", auth=AUTH, timeout=30)
    assert_github_error(response, 400, "Problems parsing JSON")


def test_unknown_route(api: Api) -> None:
    response = requests.get(f"{api.base_url}/nope/nothing/here", timeout=30)
    assert_github_error(response, 404, "Not Found")
    assert response.json()["documentation_url"] == DOCS


def test_swagger_ui_and_openapi_document_are_served(api: Api) -> None:
    page = requests.get(f"{api.base_url}/swagger", timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "swagger" in page.text.lower()
    document = requests.get(f"{api.base_url}/openapi.json", timeout=30)
    assert document.status_code == 200
    paths = document.json()["paths"]
    assert "/authorizations/clients/{client_id}" in paths and "/authorizations" in paths
    root = requests.get(f"{api.base_url}/", timeout=30, allow_redirects=False)
    assert root.status_code == 302 and root.headers["Location"] == "/swagger"
    assert root.json()["documentation_url"] == DOCS
    assert requests.post(f"{api.base_url}/", timeout=30).status_code == 404  # only GET and HEAD: ANY / in AWS


def test_health(api: Api) -> None:
    response = requests.get(f"{api.base_url}/_health", timeout=30)
    assert response.status_code == 200 and response.json() == {"ok": True}


def test_chunked_request_body(api: Api) -> None:
    def chunks() -> Any:
        data = json.dumps(BODY).encode()
        yield data[:10]
        yield data[10:]

    response = requests.put(put_url(api, fresh_fingerprint()), data=chunks(), auth=AUTH, timeout=30)
    assert response.status_code == 201, response.text


# --- the HTTP layer ---------------------------------------------------------------------------------


def test_stray_crlf_after_body_on_keep_alive_connection(api: Api) -> None:
    """Some clients send CRLF after a body; the next request on the connection must still work."""
    path = urlsplit(put_url(api, fresh_fingerprint())).path
    body = json.dumps(BODY).encode()
    request = (
        f"PUT {path} HTTP/1.1\r\nHost: {urlsplit(api.base_url).netloc}\r\n"
        f"Authorization: {basic(*AUTH)}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with raw_connect(api) as sock:
        reader = sock.makefile("rb")
        sock.sendall(request + b"\r\n")  # the stray CRLF
        status, headers, first = read_response(reader)
        assert status == 201, first
        assert headers.get("connection") != "close"
        sock.sendall(request + b"\r\n\r\n")  # same connection, again with stray blank lines
        status, _, second = read_response(reader)
        assert status == 200, second
        assert json.loads(second)["id"] == json.loads(first)["id"]
        # pipelined: two requests in one write, the first followed by a stray CRLF
        sock.sendall(request + b"\r\n" + b"GET /_health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_response(reader)[0] == 200
        assert read_response(reader)[0] == 200


def test_body_over_10_mb_is_refused(api: Api) -> None:
    response = requests.put(put_url(api), data=b"x" * (MAX_BODY_BYTES + 1), auth=AUTH, timeout=60)
    body = assert_github_error(response, 413)
    assert "too large" in body["message"]


def test_chunked_body_far_over_10_mb_is_refused_before_its_end(api: Api) -> None:
    """The server counts a chunked body as it arrives and answers 413 once it is past the limit and the
    allowance for chunk framing, without waiting for the rest of it; the connection closes."""
    path = urlsplit(put_url(api)).path
    head = f"PUT {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
    size = MAX_BODY_BYTES + FRAMING_ALLOWANCE
    with raw_connect(api) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # it stops reading once it answers
            sock.sendall(head + f"{size:x}\r\n".encode() + b"x" * size)  # the chunk, never its end
        status, headers, body = read_response(sock.makefile("rb"))
    assert status == 413 and headers["connection"] == "close"
    assert json.loads(body)["documentation_url"] == DOCS


@pytest.mark.parametrize("excess", [1, FRAMING_ALLOWANCE], ids=["just-over", "far-over"])
def test_expect_100_continue_with_oversized_length_is_refused(api: Api, excess: int) -> None:
    """A Content-Length far over the limit is refused before the body is sent (no "100 Continue");
    one just over it after the body, with the same 413."""
    path = urlsplit(put_url(api)).path
    length = MAX_BODY_BYTES + excess
    with raw_connect(api) as sock:
        sock.sendall(
            f"PUT {path} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: {length}\r\n\r\n".encode()
        )
        reader = sock.makefile("rb")
        status, _, body = read_response(reader)
        if excess == 1:
            assert status == 100
            sock.sendall(b"x" * length)
            status, _, body = read_response(reader)
    assert status == 413 and "too large" in json.loads(body)["message"]


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /x HTTP/9.9\r\nHost: x\r\n\r\n", 404),  # answered as HTTP/1.0 (docs/decisions.md)
        (b"GET /x FOO/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 431),  # the line counts towards 64 KiB
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", 431),
        (b"GET /x HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\n", 404),
        (b"PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400),
        (b"PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
        (b"PUT /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
        (b"PUT /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        (b"GET x HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET http://[x/y HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    ],
    ids=[
        "garbage",
        "version",
        "protocol",
        "uri-431",
        "header-431",
        "many-headers",
        "length",
        "lengths",
        "coding",
        "chunk",
        "target",
        "absolute-target",
    ],
)
def test_malformed_requests_get_json_errors(api: Api, request_bytes: bytes, status: int) -> None:
    got, headers, body = raw_request(api, request_bytes)
    assert got == status
    assert headers["content-type"].startswith("application/json")
    parsed = json.loads(body)
    assert parsed["documentation_url"] == DOCS and parsed["message"]
    assert b"Traceback" not in body and b"<html" not in body.lower()


def test_odd_bytes_in_path_and_headers_do_not_break_the_server(api: Api) -> None:
    for request in (
        b"GET /\xff\xfe/%zz/%00?x=%ff&y HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /authorizations HTTP/1.1\r\nHost: x\r\nX-Bad: \xff\xfe\x80\r\nAuthorization: Basic \xff\r\n\r\n",
        b"GET /" + b"/.." * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"FOO / HTTP/1.1\r\nHost: x\r\n\r\n",
    ):
        status, _, body = raw_request(api, request)
        assert 400 <= status < 500, (request[:60], status, body)
        assert json.loads(body)["message"]
    assert requests.get(f"{api.base_url}/_health", timeout=10).status_code == 200


# --- concurrency ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("server", "key_count"),
    [("pool_api", 20), ("api", 5)],
    ids=["4-workers", "in-process"],
)
def test_concurrent_get_or_create_makes_exactly_one_per_key(
    database: Database, request: pytest.FixtureRequest, server: str, key_count: int
) -> None:
    """16 concurrent PUTs per key: exactly one 201 per key, the rest 200 with the same id.

    With worker processes the PUTs really race in the database (the conditional transaction decides);
    in-process the function runs one invocation at a time, so that variant checks the HTTP side
    under 64 concurrent clients and is kept smaller.
    """
    api: Api = request.getfixturevalue(server)  # `database` above makes the backend parameter known
    keys = [fresh_fingerprint() for _ in range(key_count)]
    jobs = [key for key in keys for _ in range(16)]
    random.shuffle(jobs)
    local = threading.local()

    def put(key: str) -> tuple[str, int, dict[str, Any]]:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        response = session.put(put_url(api, key), json=BODY, auth=AUTH, timeout=120)
        return key, response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=64) as pool:
        results = list(pool.map(put, jobs))

    by_key: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for key, status, body in results:
        by_key[key].append((status, body))
    for key in keys:
        answers = by_key[key]
        assert len(answers) == 16
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200] * 15 + [201], (key, statuses, [b for s, b in answers if s not in (200, 201)])
        assert len({body["id"] for _, body in answers}) == 1
        assert all(body["token"] == "" for status, body in answers if status == 200)


# --- admin CLI --------------------------------------------------------------------------------------


def admin_command() -> list[str]:
    script = Path(sys.executable).with_name("authorize-admin")
    return [str(script)] if script.exists() else [sys.executable, "-m", "authorize_local.admin_cli"]


def run_admin(db: Database, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ENDPOINT_URL_DYNAMODB": db.endpoint_url, "TABLE_NAME": db.table}
    return subprocess.run(
        [*admin_command(), *args], input=stdin, capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_admin_cli_against_the_embedded_db(api: Api) -> None:
    db = api.db
    login = f"cli-{uuid.uuid4().hex[:8]}"
    password = "s3cret cli password"
    made = run_admin(db, "user", "create", login, "--password-stdin", "--totp", stdin=password + "\n")
    assert made.returncode == 0, made.stderr
    user = json.loads(made.stdout)
    assert user["login"] == login and isinstance(user["id"], int) and user["totp_secret"]
    assert password not in made.stdout + made.stderr

    app = run_admin(db, "app", "create", "CLI app", "--url", "https://cli.example.com")
    assert app.returncode == 0, app.stderr
    created_app = json.loads(app.stdout)
    assert set(created_app) == {"client_id", "client_secret", "name", "url"}

    # The user and app work through the API, 2FA included (same TOTP key as the server).
    url = f"{api.base_url}/authorizations/clients/{created_app['client_id']}"
    body = {"client_secret": created_app["client_secret"]}
    challenge = requests.put(url, json=body, auth=(login, password), timeout=30)
    assert challenge.status_code == 401 and challenge.headers["X-GitHub-OTP"] == "required; app"
    code = pyotp.TOTP(user["totp_secret"]).now()
    ok = requests.put(url, json=body, auth=(login, password), headers={"X-GitHub-OTP": code}, timeout=30)
    assert ok.status_code == 201, ok.text

    duplicate = run_admin(db, "user", "create", login.upper(), "--password-stdin", stdin=password)
    assert duplicate.returncode == 1
    assert json.loads(duplicate.stderr) == {"error": "login already exists"}
    assert "Traceback" not in duplicate.stderr and password not in duplicate.stderr

    bad_url = run_admin(db, "app", "create", "x", "--url", "not a url")
    assert bad_url.returncode == 1 and "error" in json.loads(bad_url.stderr)

    usage = run_admin(db, "user", "create", login)
    assert usage.returncode == 2

    seeded = run_admin(db, "demo", "seed")  # what make sam-local runs: nothing new, the same 2FA seed
    assert seeded.returncode == 0, seeded.stderr
    assert json.loads(seeded.stdout) == {"created": [], "totp_secret": db.totp_secret}

    missing = run_admin(
        dataclasses.replace(db, table="no-such-table"), "user", "create", "x", "--password-stdin", stdin=password
    )
    assert missing.returncode == 1 and "not found" in json.loads(missing.stderr)["error"]


# --- event shape ----------------------------------------------------------------------------------


class CapturingInvoker:
    description = "captures events"

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        return {
            "statusCode": 204 if event["httpMethod"] == "DELETE" else 200,
            "headers": {"X-One": "1", "Set-Cookie": "ignored"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": base64.b64encode(b"\x00\x01binary").decode() if event["httpMethod"] != "DELETE" else None,
            "isBase64Encoded": True,
        }

    def close(self) -> None:
        pass


def test_event_is_a_rest_api_proxy_event() -> None:
    invoker = CapturingInvoker()
    server = LocalApiServer(invoker, quiet=True).start_in_thread()
    try:
        response = requests.post(
            f"{server.base_url}/authorizations/clients/abc%2Fdef/caf%C3%A9?a=1&a=2&b=%20x+y&empty=",
            data=b"\xff\x00",
            headers={"X-Multi": "one", "User-Agent": "tester/1.0", "X-Forwarded-Proto": "https"},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.content == b"\x00\x01binary"
        assert response.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]
        assert response.headers["X-One"] == "1"
        deleted = requests.delete(f"{server.base_url}/x", timeout=10)
        assert deleted.status_code == 204 and deleted.content == b"" and "Content-Length" not in deleted.headers
    finally:
        server.stop()
    event = invoker.events[0]
    assert event["httpMethod"] == "POST"
    assert event["resource"] == "/{proxy+}"
    assert event["path"] == "/authorizations/clients/abc%2Fdef/caf%C3%A9"
    assert event["pathParameters"] == {"proxy": "authorizations/clients/abc%2Fdef/caf%C3%A9"}
    assert event["queryStringParameters"] == {"a": "2", "b": " x+y", "empty": ""}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": [" x+y"], "empty": [""]}
    assert event["headers"]["X-Forwarded-Proto"] == "http"
    assert event["multiValueHeaders"]["X-Multi"] == ["one"]
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\xff\x00"
    assert event["stageVariables"] is None
    ctx = event["requestContext"]
    assert ctx["stage"] == "local" and ctx["path"] == event["path"] and ctx["httpMethod"] == "POST"
    assert ctx["identity"]["sourceIp"] == "127.0.0.1" and ctx["identity"]["userAgent"] == "tester/1.0"
    assert ctx["domainName"] == urlsplit(server.base_url).netloc
    assert ctx["resourcePath"] == "/{proxy+}" and uuid.UUID(ctx["requestId"])
    assert isinstance(ctx["requestTimeEpoch"], int)
    assert invoker.events[1]["body"] is None and invoker.events[1]["queryStringParameters"] is None


def test_function_failure_is_a_json_502() -> None:
    class Failing(CapturingInvoker):
        def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
            return {"statusCode": "not a status"}

    server = LocalApiServer(Failing(), quiet=True).start_in_thread()
    try:
        response = requests.get(f"{server.base_url}/anything", timeout=10)
    finally:
        server.stop()
    assert_github_error(response, 502, "Internal server error")


def test_embedded_db_takes_concurrent_transactions(database: Database) -> None:
    """moto raises inside on concurrent TransactWriteItems unless its requests are serialised;
    no retries here, so any such failure would show."""
    client = boto3.client(
        "dynamodb",
        endpoint_url=database.endpoint_url,
        config=Config(retries={"mode": "standard", "max_attempts": 1}, max_pool_connections=32),
    )
    run = uuid.uuid4().hex[:8]

    def transact(i: int) -> None:
        items = [
            {"Put": {"TableName": database.table, "Item": {"pk": {"S": f"T#{run}#{i}#{n}"}, "sk": {"S": "T"}}}}
            for n in range(3)
        ]
        client.transact_write_items(TransactItems=items)

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(transact, range(200)))


# --- the server's own output ------------------------------------------------------------------------


def test_server_output_carries_no_credentials(database: Database, capfd: pytest.CaptureFixture[str]) -> None:
    """The access log (and anything else the server and the function print) never shows a token or a
    client secret, though the legacy routes carry tokens in the path and clients send secrets in queries."""
    from authorize.adapters.dynamodb.store import DynamoDBStore
    from authorize.composition import UseCases
    from authorize.settings import Settings
    from authorize_local.apigw import InProcessInvoker

    settings = dataclasses.replace(Settings.from_env(), table_name=database.table)
    invoker = InProcessInvoker(UseCases.build(DynamoDBStore(database.client, database.table), settings))
    server = LocalApiServer(invoker).start_in_thread()  # not quiet: the access log goes to stderr
    app = (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    base = f"{server.base_url}/applications/{DEMO_CLIENT_ID}"
    try:
        created = requests.put(
            f"{server.base_url}/authorizations/clients/{DEMO_CLIENT_ID}/{fresh_fingerprint()}",
            json=BODY, auth=AUTH, timeout=30,
        )  # fmt: skip
        token = created.json()["token"]
        assert requests.get(f"{base}/tokens/{token}", auth=app, timeout=30).status_code == 200
        reset = requests.post(f"{base}/tokens/{token}", auth=app, timeout=30)
        assert reset.status_code == 200, reset.text
        new_token = reset.json()["token"]
        query = f"client_id={DEMO_CLIENT_ID}&client_secret={DEMO_CLIENT_SECRET}&access_token={new_token}"
        requests.get(f"{server.base_url}/authorizations?{query}", auth=AUTH, timeout=30)
        requests.post(f"{base}/token?{query}", json={"access_token": new_token}, auth=app, timeout=30)
        raw_request(server, f"GET /applications/x/tokens/{new_token} HTTP/1.1\r\nContent-Length: x\r\n\r\n".encode())
        assert requests.delete(f"{base}/grants/{new_token}", auth=app, timeout=30).status_code == 204
    finally:
        server.stop()
        invoker.module.set_use_cases(None)
    out, err = capfd.readouterr()
    printed = out + err
    assert '"GET /applications/{client_id}/tokens/{access_token} HTTP/1.1" 200' in printed  # it did log
    for secret in (token, new_token, DEMO_CLIENT_SECRET, DEMO_PASSWORD):
        assert secret not in printed


# --- the embedded DynamoDB ------------------------------------------------------------------------


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the TCP sockets in LISTEN state on ``port`` (/proc/net/tcp and tcp6)."""
    found = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, _, hex_port = fields[1].partition(":")
            if fields[3] != "0A" or int(hex_port, 16) != port:
                continue
            raw = bytes.fromhex(address)  # each 32-bit word in host (little-endian) order
            packed = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.add(socket.inet_ntop(family, packed))
    return found


def test_embedded_dynamodb_listens_on_loopback_only(database: Database) -> None:
    """Nobody on the network can read the table (password hashes, sealed TOTP seeds): the embedded
    DynamoDB, moto or DynamoDB Local, accepts connections on 127.0.0.1 only."""
    port = urlsplit(database.endpoint_url).port
    assert port is not None
    addresses = listening_addresses(port)
    assert addresses, f"nothing listens on port {port}"
    assert addresses <= {"127.0.0.1", "::ffff:127.0.0.1"}, addresses


# --- make serve: data that survives a restart -------------------------------------------------------


def serve_command() -> list[str]:
    script = Path(sys.executable).with_name("authorize-serve")
    return [str(script)] if script.exists() else [sys.executable, "-m", "authorize_local.serve"]


def run_serve(state: Path, persist: str, then: Any) -> tuple[str, Any]:
    """``authorize-serve`` on DynamoDB Local with its state in ``state``; ``then(base_url)`` while it runs;
    then SIGTERM. Returns its output and what ``then`` returned."""
    from authorize_local.embedded_db import free_port

    env = {k: v for k, v in os.environ.items() if k not in ("TOTP_ENCRYPTION_KEY", "AWS_ENDPOINT_URL_DYNAMODB")}
    port = free_port()
    env.update(
        AUTHORIZE_LOCAL_DIR=str(state),
        PERSIST=persist,
        DYNAMODB="local",
        PORT=str(port),
        DYNAMODB_PORT=str(free_port()),
        LAMBDA_WORKERS="0",
        TABLE_NAME="authorize",
    )
    proc = subprocess.Popen(serve_command(), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                if requests.get(f"{base}/_health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None, proc.communicate()[0]
            threading.Event().wait(0.1)
        result = then(base)
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=60)
    return output, result


def test_serve_keeps_data_across_restarts_unless_told_not_to(tmp_path: Path) -> None:
    from authorize_local.embedded_db import dynamodb_local_unavailable_reason

    reason = dynamodb_local_unavailable_reason()
    if reason:
        pytest.skip(f"DynamoDB Local unavailable: {reason}")

    def put(base: str) -> requests.Response:
        return requests.put(f"{base}/authorizations/clients/{DEMO_CLIENT_ID}/kept", json=BODY, auth=AUTH, timeout=30)

    first_out, first = run_serve(tmp_path, "1", put)
    second_out, second = run_serve(tmp_path, "1", put)
    assert first.status_code == 201 and second.status_code == 200, (first.text, second.text)
    assert second.json()["id"] == first.json()["id"]
    assert "(created now)" in first_out and "(kept from an earlier run)" in second_out
    totp = [re.search(r"TOTP secret ([A-Z2-7]{16,})", out) for out in (first_out, second_out)]
    assert totp[0] and totp[1] and totp[0].group(1) == totp[1].group(1)  # the same 2FA seed, still readable
    assert "kept in" in second_out and (tmp_path / "dynamodb").is_dir()
    key = (tmp_path / "totp.key").read_text().strip()
    assert key and key not in first_out + second_out

    memory_out, fresh = run_serve(tmp_path / "memory", "0", put)
    assert fresh.status_code == 201 and "in memory" in memory_out and "(created now)" in memory_out
    assert not (tmp_path / "memory" / "dynamodb").exists()

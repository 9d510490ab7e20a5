#!/usr/bin/env python3
# ruff: noqa: S105 - sample credentials and route templates, not secrets
"""Regenerate events/*.json: API Gateway REST (v1) proxy events for `sam local invoke -e`.

Each event starts from `sam local generate-event apigateway aws-proxy` and is then edited to look
like what API Gateway sends for this API: the matched route's `resource` and `pathParameters`, the
stage-less `path`, the headers a client sends (with consistent `multiValueHeaders`), a plain JSON
body, and a request context for a regional endpoint. Run from the repository root:

    .venv-sam/bin/python scripts/gen-events.py      (or: make sam-events)

Only the standard library is used; the SAM CLI is taken from .venv-sam (INFRA_SAM_VENV).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events"
SAM = ROOT / os.environ.get("INFRA_SAM_VENV", ".venv-sam") / "bin" / "sam"

STAGE = "dev"
API_ID = "abc123"
REGION = "us-east-1"
DOMAIN = f"{API_ID}.execute-api.{REGION}.amazonaws.com"
ACCOUNT_ID = "123456789012"
SOURCE_IP = "203.0.113.10"  # documentation range (RFC 5737)
USER_AGENT = "curl/8.5.0"
ACCEPT = "application/vnd.github.v3+json"
BASE_TIME = dt.datetime(2026, 1, 5, 10, 0, 0, tzinfo=dt.UTC)

CLIENT_ID = "abcde12345fghij67890"
CLIENT_SECRET = "abcd" * 10
FINGERPRINT = "jklmnop12345678"
PASSWORD = "correct-horse-battery-staple"  # the example users' password
# Matches ^gh[opusr]_[A-Za-z0-9]{36}$ (40 characters) but its last six characters are not the CRC32
# checksum of the rest, so secret scanners do not take it for a real token. Unknown to any server.
ACCESS_TOKEN = "gho_" + "EXAMPLE0token0for0sample0event" + "000000"
assert len(ACCESS_TOKEN) == 40


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


USER_BASIC = basic("monalisa", PASSWORD)
APP_BASIC = basic(CLIENT_ID, CLIENT_SECRET)


def body(**fields: object) -> str:
    return json.dumps(fields, separators=(",", ":"))


# (name, method, path, query, extra headers, body, what it exercises). The resource and pathParameters
# of each event are those of the route that matches its method and path (``matched_resource``).
CASES: list[tuple] = []
B62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
LOWER36 = "abcdefghijklmnopqrstuvwxyz0123456789"


def case(
    name: str,
    method: str,
    path: str,
    *,
    query: dict | None = None,
    headers: dict | None = None,
    data: str | None = None,
    about: str = "",
) -> None:
    CASES.append((name, method, path, query, headers or {}, data, about))


PUT_PATH = f"/authorizations/clients/{CLIENT_ID}"
CREATE_BODY = body(client_secret=CLIENT_SECRET, scopes=["public_repo"], note="admin script")

case(
    "put-create",
    "PUT",
    PUT_PATH,
    headers={"Authorization": USER_BASIC},
    data=CREATE_BODY,
    about="get-or-create, first call: 201 Created with the plaintext token and a Location header",
)
case(
    "put-existing",
    "PUT",
    PUT_PATH,
    headers={"Authorization": USER_BASIC},
    data=body(client_secret=CLIENT_SECRET, scopes=["repo"], note="admin script"),
    about='repeat call (after put-create): 200 OK, the stored authorization unchanged, "token": ""; '
    "the new scopes are not applied",
)
case(
    "put-fingerprint",
    "PUT",
    f"{PUT_PATH}/{FINGERPRINT}",
    headers={"Authorization": USER_BASIC},
    data=body(client_secret=CLIENT_SECRET, scopes=["gist"]),
    about="get-or-create with a fingerprint in the path: a separate authorization from put-create "
    "(201 first time, 200 after)",
)
case(
    "put-bad-credentials",
    "PUT",
    PUT_PATH,
    headers={"Authorization": basic("monalisa", "wrong-password")},
    data=CREATE_BODY,
    about="wrong password: 401 Bad credentials (counts towards the failed-login limit)",
)
case(
    "put-2fa-required",
    "PUT",
    PUT_PATH,
    headers={"Authorization": basic("hubot", PASSWORD)},
    data=CREATE_BODY,
    about="2FA user without X-GitHub-OTP: 401 Must specify two-factor authentication OTP code., "
    "header X-GitHub-OTP: required; app",
)
case(
    "put-2fa-wrong-otp",
    "PUT",
    PUT_PATH,
    headers={"Authorization": basic("hubot", PASSWORD), "X-GitHub-OTP": "000000"},
    data=CREATE_BODY,
    about="2FA user with a wrong code: the same 401 OTP challenge as put-2fa-required "
    "(a valid code must come from the user's authenticator)",
)
case(
    "put-no-auth",
    "PUT",
    PUT_PATH,
    data=CREATE_BODY,
    about="no Authorization header: 401 Requires authentication",
)
case(
    "put-invalid-json",
    "PUT",
    PUT_PATH,
    headers={"Authorization": USER_BASIC},
    data="{not json",
    about="body is not JSON (checked after authentication): 400 Problems parsing JSON",
)
case(
    "put-bad-secret",
    "PUT",
    PUT_PATH,
    headers={"Authorization": USER_BASIC},
    data=body(client_secret="0" * 40, scopes=["public_repo"], note="admin script"),
    about="right user, wrong client_secret: 422 Invalid Application client_id or secret.",
)

case(
    "get-authorizations",
    "GET",
    "/authorizations",
    query={"per_page": "2"},
    headers={"Authorization": USER_BASIC},
    about='list the user\'s authorizations, 2 per page: 200, token "" in every item, '
    "Link header when there is a next page",
)
case(
    "post-authorizations",
    "POST",
    "/authorizations",
    headers={"Authorization": USER_BASIC},
    data=body(scopes=["repo"], note="release script"),
    about="create (never get) a personal token without an app: 201 with a ghp_ token; "
    "a second identical call gives 422 already_exists (note)",
)
case(
    "get-authorization",
    "GET",
    "/authorizations/1",
    headers={"Authorization": USER_BASIC},
    about='one authorization by id: 200 (token ""), 404 if unknown or another user\'s',
)
case(
    "patch-authorization",
    "PATCH",
    "/authorizations/1",
    headers={"Authorization": USER_BASIC},
    data=body(add_scopes=["gist"], note="admin script (gists)"),
    about="update: add a scope and change the note; 200 with updated_at bumped",
)
case(
    "delete-authorization",
    "DELETE",
    "/authorizations/1",
    headers={"Authorization": USER_BASIC},
    about="delete: 204, the token stops working and the get-or-create key is freed",
)

APP_TOKEN_PATH = f"/applications/{CLIENT_ID}/token"
TOKEN_BODY = body(access_token=ACCESS_TOKEN)
TOKEN_NOTE = "; 404 with the sample token"
case(
    "post-app-token-check",
    "POST",
    APP_TOKEN_PATH,
    headers={"Authorization": APP_BASIC},
    data=TOKEN_BODY,
    about="app checks a token (app Basic client_id:client_secret): 200 with user" + TOKEN_NOTE,
)
case(
    "patch-app-token-reset",
    "PATCH",
    APP_TOKEN_PATH,
    headers={"Authorization": APP_BASIC},
    data=TOKEN_BODY,
    about="app resets a token: 200 with the new plaintext token, same id" + TOKEN_NOTE,
)
case(
    "delete-app-token",
    "DELETE",
    APP_TOKEN_PATH,
    headers={"Authorization": APP_BASIC},
    data=TOKEN_BODY,
    about="app revokes one token: 204" + TOKEN_NOTE,
)
case(
    "delete-app-grant",
    "DELETE",
    f"/applications/{CLIENT_ID}/grant",
    headers={"Authorization": APP_BASIC},
    data=TOKEN_BODY,
    about="app revokes every token it holds for the token's owner: 204" + TOKEN_NOTE,
)

LEGACY_TOKENS_PATH = f"/applications/{CLIENT_ID}/tokens/{ACCESS_TOKEN}"
case(
    "get-app-token-legacy",
    "GET",
    LEGACY_TOKENS_PATH,
    headers={"Authorization": APP_BASIC},
    about="legacy check, token in the path" + TOKEN_NOTE,
)
case(
    "post-app-token-legacy",
    "POST",
    LEGACY_TOKENS_PATH,
    headers={"Authorization": APP_BASIC},
    about="legacy reset, token in the path" + TOKEN_NOTE,
)
case(
    "delete-app-token-legacy",
    "DELETE",
    LEGACY_TOKENS_PATH,
    headers={"Authorization": APP_BASIC},
    about="legacy revoke one token, token in the path" + TOKEN_NOTE,
)
case(
    "delete-app-grant-legacy",
    "DELETE",
    f"/applications/{CLIENT_ID}/grants/{ACCESS_TOKEN}",
    headers={"Authorization": APP_BASIC},
    about="legacy revoke grant, token in the path" + TOKEN_NOTE,
)

case(
    "get-grants",
    "GET",
    "/applications/grants",
    headers={"Authorization": USER_BASIC},
    about="list the user's grants (one per app): 200, paginated",
)
case(
    "get-grant",
    "GET",
    "/applications/grants/1",
    headers={"Authorization": USER_BASIC},
    about="one grant by id: 200, or 404",
)
case(
    "delete-grant",
    "DELETE",
    "/applications/grants/1",
    headers={"Authorization": USER_BASIC},
    about="delete a grant and every token of that app for the user: 204",
)

case(
    "get-user",
    "GET",
    "/user",
    headers={"Authorization": f"token {ACCESS_TOKEN}"},
    about="the token's owner (token authentication); 401 Bad credentials for the unknown sample token",
)
case(
    "post-credentials-revoke",
    "POST",
    "/credentials/revoke",
    data=body(credentials=[ACCESS_TOKEN]),
    about="report a leaked token, without credentials: 202 whatever the list held",
)
case(
    "get-unknown-route",
    "GET",
    "/repos/octocat/hello-world",
    headers={"Authorization": USER_BASIC},
    about="a route the API does not serve, caught by ANY /{proxy+}: 404 Not Found in GitHub's shape",
)
case("get-root", "GET", "/", about="the API root, caught by ANY /: 404 Not Found")


# The routes are the operations of the OpenAPI document (generated from the Lambda's resolver and kept
# equal to template.yaml's Api events by tests/unit/test_route_contract.py). A request that matches none
# reaches one of template.yaml's catch-alls: ANY / or ANY /{proxy+}.
DOCUMENT = ROOT / "docs" / "openapi.json"
HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
ROOT_RESOURCE = "/"
PROXY_RESOURCE = "/{proxy+}"


def documented_routes(document: Path = DOCUMENT) -> set[tuple[str, str]]:
    """(METHOD, path template) of every operation of the OpenAPI document."""
    paths = json.loads(document.read_text(encoding="utf-8"))["paths"]
    return {(method.upper(), path) for path, item in paths.items() for method in item if method in HTTP_METHODS}


def matched_resource(method: str, path: str, routes: set[tuple[str, str]]) -> tuple[str, dict | None]:
    """The resource API Gateway matches for a request, and its pathParameters: of the routes with this
    method whose template fits the path, the one with the most literal segments; else a catch-all."""
    segments = path.strip("/").split("/")
    best: tuple[int, str, dict] | None = None
    for route_method, template in routes:
        parts = template.strip("/").split("/")
        if route_method != method or len(parts) != len(segments):
            continue
        params = {part[1:-1]: seg for part, seg in zip(parts, segments, strict=True) if part.startswith("{")}
        literal = [(part, seg) for part, seg in zip(parts, segments, strict=True) if not part.startswith("{")]
        if all(part == seg for part, seg in literal) and (best is None or len(literal) > best[0]):
            best = (len(literal), template, params)
    if best is not None:
        return best[1], best[2] or None
    if path == "/":
        return ROOT_RESOURCE, None
    return PROXY_RESOURCE, {"proxy": path[1:]}


def uncovered_routes(routes: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The routes no case exercises."""
    covered = {(method, matched_resource(method, path, routes)[0]) for _, method, path, *_ in CASES}
    return sorted(routes - covered)


# The site-administrator API (GitHub Enterprise Server), as the site administrator octocat.
ADMIN_BASIC = basic("octocat", PASSWORD)
case(
    "post-admin-users",
    "POST",
    "/admin/users",
    headers={"Authorization": ADMIN_BASIC},
    data=body(login="octo_dog", email="octodog@example.com"),
    about="site admin creates a user (login normalized to octo-dog, no password yet): 201 with the user; "
    "422 already_exists the second time",
)
case(
    "patch-admin-user",
    "PATCH",
    "/admin/users/octo-dog",
    headers={"Authorization": ADMIN_BASIC},
    data=body(login="octopus"),
    about="rename octo-dog to octopus (same id and tokens, old login free): 202 with GHES's message",
)
case(
    "delete-admin-user",
    "DELETE",
    "/admin/users/octopus",
    headers={"Authorization": ADMIN_BASIC},
    about="delete a user and every token of theirs: 204; 404 if there is no such user",
)
case(
    "post-admin-impersonation-token",
    "POST",
    "/admin/users/monalisa/authorizations",
    headers={"Authorization": ADMIN_BASIC},
    data=body(scopes=["public_repo"]),
    about="get-or-create monalisa's impersonation token: 201 with the token the first time, "
    '200 with "token": "" and the same id after',
)
case(
    "delete-admin-impersonation-token",
    "DELETE",
    "/admin/users/monalisa/authorizations",
    headers={"Authorization": ADMIN_BASIC},
    about="delete monalisa's impersonation token: 204, the token stops working",
)
case(
    "put-site-admin",
    "PUT",
    "/users/monalisa/site_admin",
    headers={"Authorization": ADMIN_BASIC},
    about="promote monalisa to site administrator: 204",
)
case(
    "delete-site-admin",
    "DELETE",
    "/users/monalisa/site_admin",
    headers={"Authorization": ADMIN_BASIC},
    about="demote monalisa: 204 (a site administrator cannot demote themselves: 403)",
)
case(
    "put-suspended",
    "PUT",
    "/users/monalisa/suspended",
    headers={"Authorization": ADMIN_BASIC},
    data=body(reason="Suspended during leave of absence."),
    about="suspend monalisa (the reason is logged): 204; her password and tokens then get 403 "
    "Sorry. Your account was suspended.",
)
case(
    "delete-suspended",
    "DELETE",
    "/users/monalisa/suspended",
    headers={"Authorization": ADMIN_BASIC},
    about="unsuspend monalisa: 204; her existing tokens work again",
)
case(
    "put-site-admin-forbidden",
    "PUT",
    "/users/hubot/site_admin",
    headers={"Authorization": USER_BASIC},
    about="monalisa is no site administrator: 403 Must be a site administrator.",
)


def generate_base(method: str, path: str) -> dict:
    env = dict(os.environ, SAM_CLI_TELEMETRY="0")
    out = subprocess.run(  # noqa: S603 - fixed arguments, our own tool
        [
            str(SAM),
            "local",
            "generate-event",
            "apigateway",
            "aws-proxy",
            "--method",
            method,
            "--path",
            path.lstrip("/"),
            "--stage",
            STAGE,
            "--account-id",
            ACCOUNT_ID,
            "--dns-suffix",
            f"{REGION}.amazonaws.com",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return json.loads(out)


def short_id(seed: str, n: int, alphabet: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:n])


def build(
    index: int,
    name: str,
    method: str,
    path: str,
    query: dict | None,
    extra_headers: dict,
    data: str | None,
    routes: set[tuple[str, str]],
) -> dict:
    resource, params = matched_resource(method, path, routes)
    event = generate_base(method, path)
    when = BASE_TIME + dt.timedelta(seconds=index)
    epoch = int(when.timestamp())
    request_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"authorize-events/{name}"))

    headers: dict[str, str] = {"Accept": ACCEPT}
    if "Authorization" in extra_headers:
        headers["Authorization"] = extra_headers["Authorization"]
    if data is not None:
        headers["Content-Type"] = "application/json"
    headers["Host"] = DOMAIN
    headers["User-Agent"] = USER_AGENT
    for key, value in extra_headers.items():
        headers.setdefault(key, value)
    headers["X-Amzn-Trace-Id"] = f"Root=1-{epoch:08x}-{short_id(name, 24, '0123456789abcdef')}"
    headers["X-Forwarded-For"] = SOURCE_IP
    headers["X-Forwarded-Port"] = "443"
    headers["X-Forwarded-Proto"] = "https"

    event["resource"] = resource
    event["path"] = path
    event["httpMethod"] = method
    event["headers"] = headers
    event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
    event["queryStringParameters"] = dict(query) if query else None
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
    event["pathParameters"] = dict(params) if params else None
    event["stageVariables"] = None
    event["body"] = data
    event["isBase64Encoded"] = False

    ctx = event["requestContext"]
    ctx.update(
        {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": DOMAIN,
            "domainPrefix": API_ID,
            "extendedRequestId": short_id(name + "/ext", 15, B62) + "=",
            "httpMethod": method,
            "path": f"/{STAGE}{path}" if path != "/" else f"/{STAGE}/",
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": when.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": epoch * 1000,
            "resourceId": short_id(resource, 10 if resource == "/" else 6, LOWER36),
            "resourcePath": resource,
            "stage": STAGE,
        }
    )
    ctx["identity"].update({"sourceIp": SOURCE_IP, "userAgent": USER_AGENT})
    return event


README_HEAD = """\
# Sample API Gateway events

API Gateway REST (v1) proxy events, one per case, for invoking the function without an HTTP
server:

    sam local invoke AuthorizeFunction -e events/put-create.json \\
        --env-vars env.local.json --docker-network authorize-local

The handler tests (`tests/handler/`) load them too. Each event is what API Gateway would send for
the deployed `dev` stage (`abc123.execute-api.us-east-1.amazonaws.com`): `resource`,
`pathParameters` and `requestContext.resourcePath` name the route that matched in `template.yaml`,
`path` has no stage prefix while `requestContext.path` has `/dev`, and `headers` and
`multiValueHeaders` carry the same client headers.

Data the events assume (create it with `authorize-admin`, see `docs/sam-local.md`):

- user `monalisa`, password `correct-horse-battery-staple`, no 2FA;
- user `hubot`, same password, with TOTP 2FA;
- user `octocat`, same password, a site administrator (for the `/admin/...` and `/users/...` events);
- OAuth app with client_id `abcde12345fghij67890` and client_secret `abcd` x 10 (40 characters).

The token in the app-token events and `get-user.json`, `gho_EXAMPLE0token0for0sample0event000000`,
has the right shape (`gh[opusr]_` plus 36 letters and digits) but a wrong checksum, so no secret
scanner takes it for a real token and no server knows it: those events answer 404 (401 for
`/user`) until you paste in a token returned by `put-create.json` or `post-authorizations.json`.
Likewise `1` in `/authorizations/1` and `/applications/grants/1` stands for an id from a previous
response.

Do not edit the files by hand: change `scripts/gen-events.py` and run `make sam-events`, which
rebuilds every event from `sam local generate-event apigateway aws-proxy` and rewrites this file.

| File | Request | Exercises |
|---|---|---|
"""


def write_readme() -> None:
    rows = []
    for name, method, path, _query, _headers, _data, about in CASES:
        shown = path.replace(ACCESS_TOKEN, "{token}")
        rows.append(f"| `{name}.json` | `{method} {shown}` | {about} |")
    text = README_HEAD + "\n".join(rows) + "\n"
    (EVENTS / "README.md").write_text(text, encoding="utf-8")


def main() -> int:
    if not SAM.exists():
        print(f"{SAM} not found: run `make sam-venv` first", file=sys.stderr)
        return 1
    routes = documented_routes()
    uncovered = uncovered_routes(routes)
    if uncovered:
        print(f"no case exercises {uncovered}: add one to scripts/gen-events.py", file=sys.stderr)
        return 1
    EVENTS.mkdir(exist_ok=True)
    for index, (name, method, path, query, headers, data, _about) in enumerate(CASES):
        event = build(index, name, method, path, query, headers, data, routes)
        (EVENTS / f"{name}.json").write_text(json.dumps(event, indent=2) + "\n", encoding="utf-8")
        print(f"events/{name}.json  {method} {path}")
    write_readme()
    print("events/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""No secret leaves a trace: not in the table, not in the logs, not in the metrics.

Every flow runs through the real Lambda handler. Afterwards the captured output (Powertools JSON
logs, EMF metrics, every ``logging`` record at DEBUG including botocore's and moto's request logs)
and a dump of every table item are searched for each secret that passed through: issued tokens,
the client secret, passwords, the TOTP seed, OTP codes and Authorization header values, in plain,
base64 (standard and URL-safe, padded or not, at any alignment inside a longer base64 text) and
hex form.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

import pyotp
import pytest
from authorize.domain.grants import grant_id
from authorize.usecases import admin

from tests.faults.conftest import ALWAYS, FaultWorld
from tests.handler.conftest import CLIENT_ID, CLIENT_SECRET, PASSWORD, TABLE, header_of, load_event
from tests.security.conftest import LogCapture

WRONG_PASSWORD = "wrong-password"
EXAMPLE_TOKEN = "gho_EXAMPLE0token0for0sample0event000000"
OTHER_CLIENT_ID = "fedcba09876543210abc"
OTHER_SECRET = "0123456789abcdef0123456789abcdef01234567"


# --- what a secret looks like in its encodings --------------------------------------------------------


def encoded_forms(secret: str) -> set[str]:
    """The secret, its hex, and its base64 forms, including the part of its base64 that survives
    inside any longer base64 text (the secret at byte offset 0, 1 or 2 of a 3-byte group)."""
    raw = secret.encode()
    forms = {secret, raw.hex(), raw.hex().upper()}
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(raw).decode()
        forms |= {whole, whole.rstrip("=")}
        for offset in range(3):
            shifted = encode(b"\0" * offset + raw).decode().rstrip("=")
            core = shifted[4 if offset else 0 : -4]  # groups made of the secret's bytes only
            if len(core) >= 12:
                forms.add(core)
    return forms


def test_encoded_forms_find_a_secret_inside_a_longer_base64_text():
    secret = "gho_16C7e42F292c6912E7710c838347Ae178B4a"
    for prefix in ("", "a", "ab", "abc", "user:"):
        blob = base64.b64encode(f"{prefix}{secret}:tail".encode()).decode()
        assert any(form in blob for form in encoded_forms(secret)), prefix
        url_blob = base64.urlsafe_b64encode(f"{prefix}{secret}".encode()).decode().rstrip("=")
        assert any(form in url_blob for form in encoded_forms(secret)), prefix


def find_secrets(haystack: str, secrets: dict[str, str]) -> list[str]:
    """Names of the secrets (and the form) found in ``haystack``."""
    found = []
    for name, secret in secrets.items():
        if secret.isdigit() and len(secret) <= 8:  # an OTP code: only as a number of its own
            if re.search(rf"(?<![0-9A-Za-z]){secret}(?![0-9A-Za-z])", haystack):
                found.append(f"{name} ({secret})")
            continue
        for form in encoded_forms(secret):
            if form in haystack:
                found.append(f"{name} as {form!r}")
                break
    return found


# --- driving the API ------------------------------------------------------------------------------------


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


class Driver:
    """Runs requests and remembers every secret that went in or came out."""

    def __init__(self, world: FaultWorld) -> None:
        self.world = world
        self.secrets: dict[str, str] = {
            "password": PASSWORD,
            "wrong password": WRONG_PASSWORD,
            "client secret": CLIENT_SECRET,
            "totp seed": world.totp_secret,
        }
        self.tokens: list[str] = []
        self.authorization_headers: set[str] = set()
        self.statuses: list[tuple[str, int]] = []

    def otp(self) -> str:
        code = pyotp.TOTP(self.world.totp_secret).now()
        self.secrets[f"otp {code}"] = code
        return code

    def call(self, label: str, event: dict[str, Any] | str, expect: int, **changes: Any) -> Any:
        ev = load_event(event) if isinstance(event, str) else event
        headers = {**ev.get("headers", {}), **changes.get("headers", {})}
        for name, value in headers.items():
            if name.lower() == "authorization" and value:
                self.authorization_headers.add(value)
                self.secrets[f"Authorization header of {label}"] = value
                self.secrets[f"credentials of {label}"] = value.split(" ", 1)[-1]
            if name.lower() == "x-github-otp" and value:
                self.secrets[f"otp {value}"] = value
        response = self.world.invoke(ev, **changes)
        self.statuses.append((label, response["statusCode"]))
        assert response["statusCode"] == expect, (label, response)
        body = json.loads(response["body"]) if response.get("body") else None
        if isinstance(body, dict) and body.get("token"):
            token = body["token"]
            if token not in self.tokens:
                self.tokens.append(token)
                self.secrets[f"token #{len(self.tokens)} ({label})"] = token
        return body


def at(name: str, path: str, **path_parameters: str) -> dict[str, Any]:
    event = load_event(name)
    event["path"] = path
    event["pathParameters"] = path_parameters or None
    event["requestContext"]["path"] = "/dev" + path
    return event


def legacy(name: str, token: str, client_id: str = CLIENT_ID, kind: str = "tokens") -> dict[str, Any]:
    return at(name, f"/applications/{client_id}/{kind}/{token}", client_id=client_id, access_token=token)


def with_body(name: str, body: Any) -> dict[str, Any]:
    event = load_event(name)
    event["body"] = json.dumps(body)
    return event


def drive_every_flow(d: Driver) -> None:
    w = d.world
    # PUT get-or-create: create, repeat, fingerprint
    created = d.call("create", "put-create.json", 201)
    d.call("repeat", "put-existing.json", 200)
    fingerprinted = d.call("fingerprint", "put-fingerprint.json", 201)
    # 2FA: challenge, wrong code, right code
    d.call("2fa challenge", "put-2fa-required.json", 401)
    d.call("2fa wrong otp", "put-2fa-wrong-otp.json", 401)
    hubot = d.call("2fa with otp", "put-2fa-required.json", 201, headers={"X-GitHub-OTP": d.otp()})
    # bad credentials, and a password that is a token
    d.call("bad credentials", "put-bad-credentials.json", 401)
    d.call("token as password", "put-create.json", 403, headers={"Authorization": basic("monalisa", created["token"])})
    d.call("bad secret", "put-bad-secret.json", 422)
    # POST /authorizations: personal and for the app
    personal = d.call("post personal", "post-authorizations.json", 201)
    app_body = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "note": "for the app", "fingerprint": "ci"}
    d.call("post app", with_body("post-authorizations.json", app_body), 201)
    # list, read, PATCH
    d.call("list", "get-authorizations.json", 200)
    pid = str(personal["id"])
    d.call("get", at("get-authorization.json", f"/authorizations/{pid}", id=pid), 200)
    d.call("patch", at("patch-authorization.json", f"/authorizations/{pid}", id=pid), 200, body='{"note":"renamed"}')
    # the app's endpoints with the token in the body: check, reset (the old token dies)
    d.call("check", with_body("post-app-token-check.json", {"access_token": created["token"]}), 200)
    reset = d.call("reset", with_body("patch-app-token-reset.json", {"access_token": created["token"]}), 200)
    d.call("check old token", with_body("post-app-token-check.json", {"access_token": created["token"]}), 404)
    # app credentials in the query string (GitHub accepted them until 2021)
    query = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    d.call(
        "check with query credentials",
        with_body("post-app-token-check.json", {"access_token": reset["token"]}),
        200,
        headers={"Authorization": None},
        queryStringParameters=query,
        multiValueQueryStringParameters={k: [v] for k, v in query.items()},
    )
    # legacy forms, token in the path: check, reset, revoke
    d.call("legacy check", legacy("get-app-token-legacy.json", reset["token"]), 200)
    legacy_reset = d.call("legacy reset", legacy("post-app-token-legacy.json", reset["token"]), 200)
    d.call("legacy check of reset token", legacy("get-app-token-legacy.json", reset["token"]), 404)
    d.call("legacy revoke", legacy("delete-app-token-legacy.json", legacy_reset["token"]), 204)
    # GET /user with a token, and with Basic
    d.call("user by token", "get-user.json", 200, headers={"Authorization": f"token {personal['token']}"})
    d.call("user by bearer", "get-user.json", 200, headers={"Authorization": f"Bearer {fingerprinted['token']}"})
    d.call("user by dead token", "get-user.json", 401, headers={"Authorization": f"token {legacy_reset['token']}"})
    d.call("user by basic", "get-user.json", 200, headers={"Authorization": basic("monalisa", PASSWORD)})
    # grants: list, one, revoke by token (body), legacy grant revoke (path), delete by id
    d.call("grants", "get-grants.json", 200)
    d.call("grant revoke", with_body("delete-app-grant.json", {"access_token": fingerprinted["token"]}), 204)
    hubot_auth = {"Authorization": basic("hubot", PASSWORD), "X-GitHub-OTP": d.otp()}
    d.call("legacy grant revoke", legacy("delete-app-grant-legacy.json", hubot["token"], kind="grants"), 204)
    again = d.call("hubot again", "put-2fa-required.json", 201, headers=hubot_auth)
    user_id = w.store.load_login_context("hubot", None, 0).user.id  # type: ignore[union-attr]
    gid = str(grant_id(user_id, CLIENT_ID))
    d.call("grant by id", at("get-grant.json", f"/applications/grants/{gid}", id=gid), 200, headers=hubot_auth)
    d.call("delete grant", at("delete-grant.json", f"/applications/grants/{gid}", id=gid), 204, headers=hubot_auth)
    d.call("check deleted", with_body("post-app-token-check.json", {"access_token": again["token"]}), 404)
    # DELETE /authorizations/{id}
    d.call("delete", at("delete-authorization.json", f"/authorizations/{pid}", id=pid), 204)
    d.call("delete again", at("delete-authorization.json", f"/authorizations/{pid}", id=pid), 404)
    # one live authorization stays, so the dump holds a token lookup item
    d.call("create after all", "put-create.json", 201)


def dump_text(world: FaultWorld) -> str:
    return json.dumps(world.dump(), sort_keys=True)


def assert_no_trace(d: Driver, logs: LogCapture) -> str:
    log_text = logs.text()
    table_text = dump_text(d.world)
    assert find_secrets(table_text, d.secrets) == []
    assert find_secrets(log_text, d.secrets) == []
    for value in d.authorization_headers:
        assert value not in log_text
        assert value.split(" ", 1)[-1] not in log_text
    for token in d.tokens:
        key = {"pk": {"S": f"TOKEN#{token}"}, "sk": {"S": "TOKEN"}}
        assert "Item" not in d.world.client.get_item(TableName=TABLE, Key=key, ConsistentRead=True)
        scan = d.world.client.scan(
            TableName=TABLE,
            FilterExpression="contains(pk, :t) OR contains(hashed_token, :t) OR contains(note, :t)",
            ExpressionAttributeValues={":t": {"S": token}},
        )
        assert scan["Items"] == []
    return log_text


# --- the tests ----------------------------------------------------------------------------------------------


def test_the_capture_would_see_a_leak(world: FaultWorld, logs: LogCapture):
    """Each channel the search covers, proven with a planted secret."""
    import logging

    import app as app_module

    planted = {
        "powertools extra": "gho_PlantedInAPowertoolsExtraField000001",
        "std logging arg": "gho_PlantedInAStdLoggingArgument0000002",
        "print": "gho_PlantedInAPrintToStdout00000000003",
        "exception": "gho_PlantedInAnExceptionMessage00000004",
        "base64": "gho_PlantedAsBase64InsideBasicHeader0005",
    }
    app_module.logger.info("planted", extra={"detail": planted["powertools extra"]})
    logging.getLogger("botocore.planted").debug("value %s", planted["std logging arg"])
    print(json.dumps({"_aws": {}, "detail": planted["print"]}))
    try:
        raise ValueError(planted["exception"])
    except ValueError:
        app_module.logger.exception("planted failure")
    app_module.logger.info(base64.b64encode(f"someone:{planted['base64']}".encode()).decode())
    found = find_secrets(logs.text(), planted)
    assert sorted(f.split(" as ")[0] for f in found) == sorted(planted)


def test_every_flow_leaves_no_secret_in_table_or_logs(world: FaultWorld, logs: LogCapture):
    d = Driver(world)
    drive_every_flow(d)
    assert len(d.tokens) == 9  # create, fingerprint, 2fa, personal, app, reset, legacy reset, hubot again, last
    log_text = assert_no_trace(d, logs)
    # The capture worked: the function's own log lines and its EMF metrics are in it.
    assert '"message":"get-or-create"' in log_text
    assert '"AuthorizationsCreated"' in log_text and '"FailedLogins"' in log_text
    # What is kept instead of the token: its SHA-256 and last eight characters.
    items = world.dump()
    hashes = {i["hashed_token"]["S"] for i in items if "hashed_token" in i}
    assert hashes == {hashlib.sha256(d.tokens[-1].encode()).hexdigest()}
    assert {i["token_last_eight"]["S"] for i in items if "token_last_eight" in i} == {d.tokens[-1][-8:]}


def test_every_flow_at_debug_leaves_no_secret_in_logs(world: FaultWorld, logs: LogCapture, debug_logging: Any):
    d = Driver(world)
    drive_every_flow(d)
    assert debug_logging.log_level == 10
    assert_no_trace(d, logs)


def test_user_records_hold_no_usable_secret(world: FaultWorld):
    items = world.dump()
    users = [i for i in items if i["pk"]["S"].startswith("USER#")]
    assert len(users) == 2
    for user in users:
        assert user["password_hash"]["S"].startswith("$argon2id$")
        assert PASSWORD not in json.dumps(user)
    hubot = next(u for u in users if u["pk"]["S"] == "USER#hubot")
    assert hubot["totp_secret"]["S"].startswith("v1:")
    assert find_secrets(json.dumps(items), {"totp seed": world.totp_secret, "client secret": CLIENT_SECRET}) == []


# --- the legacy path at DEBUG, on its error paths ---------------------------------------------------------


def _live_token(world: FaultWorld) -> str:
    response = world.invoke("put-create.json")
    assert response["statusCode"] == 201
    return json.loads(response["body"])["token"]


def _other_apps_token(world: FaultWorld) -> str:
    admin.create_app(world.store, "other app", "https://other.example", client_id=OTHER_CLIENT_ID,
                     client_secret=OTHER_SECRET)  # fmt: skip
    event = load_event("put-create.json")
    event["path"] = f"/authorizations/clients/{OTHER_CLIENT_ID}"
    event["pathParameters"] = {"client_id": OTHER_CLIENT_ID}
    event["body"] = json.dumps({"client_secret": OTHER_SECRET})
    response = world.invoke(event)
    assert response["statusCode"] == 201
    return json.loads(response["body"])["token"]


LEGACY_ERRORS = {
    # name: (event, status, how to set it up)
    "404 unknown token": ("get-app-token-legacy.json", 404, "unknown"),
    "404 wrong app secret": ("get-app-token-legacy.json", 404, "wrong-secret"),
    "404 other app's token": ("get-app-token-legacy.json", 404, "other-app"),
    "404 unrouted method": ("get-app-token-legacy.json", 404, "unrouted"),
    "404 reset of unknown token": ("post-app-token-legacy.json", 404, "unknown"),
    "404 revoke of unknown token": ("delete-app-token-legacy.json", 404, "unknown"),
    "401 no credentials": ("get-app-token-legacy.json", 401, "no-auth"),
    "422 token in the wrong body field": ("post-app-token-check.json", 422, "wrong-field"),
    "503 check": ("get-app-token-legacy.json", 503, "fault-read"),
    "503 reset": ("post-app-token-legacy.json", 503, "fault-write"),
    "503 revoke": ("delete-app-token-legacy.json", 503, "fault-write"),
    "500 reset": ("post-app-token-legacy.json", 500, "bug-write"),
}


@pytest.mark.parametrize("case", sorted(LEGACY_ERRORS))
def test_legacy_path_token_is_not_logged_on_error_paths(
    world: FaultWorld, logs: LogCapture, debug_logging: Any, case: str
):
    name, status, setup = LEGACY_ERRORS[case]
    token = _other_apps_token(world) if setup == "other-app" else _live_token(world)
    if setup == "unknown":
        token = token[:-8] + "AAAAAAAA"  # well-formed, unknown
    event = legacy(name, token)
    headers: dict[str, Any] = {}
    if setup == "wrong-secret":
        headers["Authorization"] = basic(CLIENT_ID, OTHER_SECRET)
    elif setup == "unrouted":
        event["httpMethod"] = "PUT"
    elif setup == "no-auth":
        headers["Authorization"] = None
    elif setup == "wrong-field":
        event = with_body(name, {"token": token})
    elif setup == "fault-read":
        world.injector.fail("BatchGetItem", "ReadTimeoutError", times=ALWAYS)
    elif setup == "fault-write":
        world.injector.fail("TransactWriteItems", "ThrottlingException", times=ALWAYS)
    elif setup == "bug-write":
        world.injector.cancel(["ValidationError", "None", "None", "None"], times=ALWAYS)
    response = world.invoke(event, headers=headers)
    assert response["statusCode"] == status, response
    if status == 503:
        assert header_of(response, "Retry-After") is not None
    secrets = {"path token": token, "client secret": CLIENT_SECRET, "other secret": OTHER_SECRET}
    log_text = logs.text()
    assert find_secrets(log_text, secrets) == []
    assert event["path"] not in log_text
    if status >= 500:
        assert "database unavailable" in log_text or "unhandled error" in log_text  # the capture saw it


def test_legacy_path_token_is_not_logged_with_powertools_debug(world: FaultWorld, logs: LogCapture):
    import logging

    package = logging.getLogger("aws_lambda_powertools")
    saved = (package.level, package.propagate)
    package.setLevel(logging.DEBUG)
    package.propagate = True  # what POWERTOOLS_DEBUG does, with a handler of its own on stdout
    try:
        token = _live_token(world)
        assert world.invoke(legacy("get-app-token-legacy.json", token))["statusCode"] == 200
        assert find_secrets(logs.text(), {"path token": token}) == []
    finally:
        package.setLevel(saved[0])
        package.propagate = saved[1]


def test_the_template_does_not_log_events():
    """Logging the incoming event would print Authorization headers and legacy paths."""
    template = (load_event.__globals__["EVENTS"].parent / "template.yaml").read_text()
    for switch in ("POWERTOOLS_LOGGER_LOG_EVENT", "POWERTOOLS_DEBUG", "POWERTOOLS_LOGGER_SAMPLE_RATE"):
        assert switch not in template
    assert EXAMPLE_TOKEN not in template

"""PUT /authorizations/clients/{client_id}[/{fingerprint}] through the real handler."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pyotp
import pytest
from authorize.composition import UseCases
from authorize.settings import Settings

from tests.handler.conftest import CLIENT_ID, PASSWORD, header_of, load_event
from tests.support import SEALER

JSON_TYPE = "application/json; charset=utf-8"
BASE = "https://abc123.execute-api.us-east-1.amazonaws.com/dev"


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


def assert_github_error(world, response, status, message):
    assert response["statusCode"] == status, response
    assert header_of(response, "Content-Type") == JSON_TYPE
    body = world.json(response)
    assert body["message"] == message
    assert body["documentation_url"].startswith("https://developer.github.com/v3")
    return body


def test_create_returns_201_with_every_seed_field(world):
    response = world.invoke("put-create.json")
    assert response["statusCode"] == 201
    assert header_of(response, "Content-Type") == JSON_TYPE
    body = world.json(response)
    assert list(body) == [
        "id", "url", "app", "token", "hashed_token", "token_last_eight",
        "note", "note_url", "created_at", "updated_at", "scopes", "fingerprint",
    ]  # fmt: skip
    assert header_of(response, "Location") == body["url"] == f"{BASE}/authorizations/{body['id']}"
    assert isinstance(body["id"], int) and 0 < body["id"] <= 2**53 - 1
    assert re.fullmatch(r"gho_[A-Za-z0-9]{36}", body["token"])
    assert body["hashed_token"] == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token_last_eight"] == body["token"][-8:]
    assert body["app"] == {"name": "my github app", "url": "http://my-github-app.com", "client_id": CLIENT_ID}
    assert body["scopes"] == ["public_repo"]
    assert body["note"] == "admin script" and body["note_url"] is None and body["fingerprint"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["created_at"])
    assert body["created_at"] == body["updated_at"]


def test_repeat_returns_200_unchanged_with_empty_token(world):
    created = world.json(world.invoke("put-create.json"))
    response = world.invoke("put-existing.json")
    assert response["statusCode"] == 200
    body = world.json(response)
    assert body["token"] == ""
    assert header_of(response, "Location") == created["url"]
    assert body == {**created, "token": ""}  # request scopes ignored, nothing bumped


def test_fingerprint_path_is_its_own_authorization(world):
    plain = world.json(world.invoke("put-create.json"))
    response = world.invoke("put-fingerprint.json")
    assert response["statusCode"] == 201
    body = world.json(response)
    assert body["fingerprint"] == "jklmnop12345678" and body["id"] != plain["id"]
    again = world.invoke("put-fingerprint.json")
    assert again["statusCode"] == 200 and world.json(again)["id"] == body["id"]


def test_percent_encoded_fingerprint_is_decoded(world):
    event = load_event("put-fingerprint.json")
    event["path"] = f"/authorizations/clients/{CLIENT_ID}/my%20laptop%2B1"
    body = world.json(world.invoke(event))
    assert body["fingerprint"] == "my laptop+1"


def test_no_auth_is_401(world):
    assert_github_error(world, world.invoke("put-no-auth.json"), 401, "Requires authentication")


def test_bad_credentials_is_401(world):
    assert_github_error(world, world.invoke("put-bad-credentials.json"), 401, "Bad credentials")


def test_two_factor_challenge_then_success(world):
    response = world.invoke("put-2fa-required.json")
    assert_github_error(world, response, 401, "Must specify two-factor authentication OTP code.")
    assert header_of(response, "X-GitHub-OTP") == "required; app"
    code = pyotp.TOTP(world.totp_secret).now()
    ok = world.invoke("put-2fa-required.json", headers={"x-github-otp": code})
    assert ok["statusCode"] == 201


def test_invalid_json_is_400(world):
    assert_github_error(world, world.invoke("put-invalid-json.json"), 400, "Problems parsing JSON")


def test_non_object_body_is_400(world):
    response = world.invoke("put-create.json", body="[1, 2]")
    assert_github_error(world, response, 400, "Body should be a JSON object")


def test_bad_secret_is_422(world):
    body = assert_github_error(
        world, world.invoke("put-bad-secret.json"), 422, "Invalid Application client_id or secret."
    )
    assert body["documentation_url"].endswith("#get-or-create-an-authorization-for-a-specific-app")


def test_missing_secret_is_validation_failed(world):
    response = world.invoke("put-create.json", body=json.dumps({"scopes": ["repo"]}))
    body = assert_github_error(world, response, 422, "Validation Failed")
    assert body["errors"] == [{"resource": "OauthAccess", "field": "client_secret", "code": "missing_field"}]


def test_unknown_scope_is_validation_failed(world):
    response = world.invoke("put-create.json", body=json.dumps({"client_secret": "abcd" * 10, "scopes": ["nope"]}))
    body = assert_github_error(world, response, 422, "Validation Failed")
    assert body["errors"] == [{"resource": "OauthAccess", "field": "scopes", "code": "invalid"}]


def test_headers_are_case_insensitive_and_content_type_ignored(world):
    event = load_event("put-create.json")
    headers = {k.lower(): v for k, v in event["headers"].items()}
    headers["content-type"] = "text/plain"
    headers["accept"] = "application/vnd.github.mirage-preview+json"
    event["headers"] = headers
    event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
    assert world.invoke(event)["statusCode"] == 201


def test_base64_encoded_body_is_decoded(world):
    event = load_event("put-create.json")
    event["body"] = base64.b64encode(event["body"].encode()).decode()
    event["isBase64Encoded"] = True
    assert world.invoke(event)["statusCode"] == 201


def test_unknown_route_is_github_404(world):
    response = world.invoke("put-create.json", path="/nope", httpMethod="GET")
    assert_github_error(world, response, 404, "Not Found")


def test_custom_domain_url_has_no_stage(world):
    event = load_event("put-create.json")
    event["headers"]["Host"] = "api.example.com"
    event["requestContext"]["domainName"] = "api.example.com"  # as API Gateway sets it on a custom domain
    body = world.json(world.invoke(event))
    assert body["url"] == f"https://api.example.com/authorizations/{body['id']}"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:443", "execute-api.evil.example"])
def test_a_forged_host_is_not_echoed_into_urls(world, host):
    event = load_event("put-create.json")
    served = event["requestContext"]["domainName"]
    event["headers"]["Host"] = host
    response = world.invoke(event)
    body = world.json(response)
    assert body["url"].startswith(f"https://{served}/") and "evil" not in body["url"]
    assert header_of(response, "Location") == body["url"]


def test_allowed_hosts_are_echoed(world, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "api.example.com, other.example")
    world.app_module.set_use_cases(UseCases.build(world.store, Settings.from_env(), sealer=SEALER))
    event = load_event("put-create.json")
    event["headers"]["Host"] = "other.example"
    body = world.json(world.invoke(event))
    assert body["url"] == f"https://other.example/authorizations/{body['id']}"


@pytest.mark.parametrize(
    "body",
    ["\x00\x01", "{" * 5000, '{"client_secret": "' + "a" * 100_000 + '"}', '{"scopes": {"a": 1}}', "\ud800"],
)
def test_odd_bodies_never_500(world, body):
    response = world.invoke("put-create.json", body=body)
    assert 400 <= response["statusCode"] < 500
    assert "message" in world.json(response)


def test_lockout_is_403_even_with_the_right_password(world):
    world.app_module.set_use_cases(
        UseCases.build(world.store, Settings(table_name="authorize-test", lockout_max_failures=3), sealer=SEALER)
    )
    for _ in range(3):
        assert world.invoke("put-bad-credentials.json")["statusCode"] == 401
    response = world.invoke("put-create.json")
    assert_github_error(world, response, 403, "Maximum number of login attempts exceeded. Please try again later.")
    lock_items = [i for i in world.dump() if i["pk"]["S"].startswith("LOCK#")]
    assert lock_items and all("ttl" in i for i in lock_items)


def test_no_plaintext_secret_in_the_table(world):
    created = world.json(world.invoke("put-create.json"))
    fp = world.json(world.invoke("put-fingerprint.json"))
    dump = json.dumps(world.dump())
    for secret in (created["token"], fp["token"], "abcd" * 10, PASSWORD, world.totp_secret):
        assert secret not in dump
        assert base64.b64encode(secret.encode()).decode() not in dump
        assert secret.encode().hex() not in dump
    assert created["hashed_token"] in dump
    # A lookup by the plaintext itself finds nothing.
    assert "Item" not in world.client.get_item(
        TableName="authorize-test", Key={"pk": {"S": f"TOKEN#{created['token']}"}, "sk": {"S": "TOKEN"}}
    )

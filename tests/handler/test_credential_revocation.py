"""POST /credentials/revoke: a leaked token stops working at once, whoever reports it; the answer never
tells which credentials were live."""

from __future__ import annotations

import io
import json

import pytest

from bench.round_trips import CallCounter
from tests.handler.conftest import header_of, load_event
from tests.handler.test_app_tokens import app_call, put, user_with
from tests.handler.test_authorizations_family import create_pat

DOCS = "https://docs.github.com/rest/credentials/revoke#revoke-a-list-of-credentials"


def revoke(world, body, *, ip: str = "198.51.100.7", headers: dict[str, str | None] | None = None):
    event = load_event("post-authorizations.json")
    event["requestContext"]["identity"]["sourceIp"] = ip
    return world.invoke(
        event,
        path="/credentials/revoke",
        resource="/credentials/revoke",
        body=body if isinstance(body, str) else json.dumps(body),
        headers={"Authorization": None, **(headers or {})},
    )


def test_a_leaked_token_stops_working_and_get_or_create_issues_a_new_one(world):
    created = put(world)
    personal = create_pat(world, "leaked script")
    assert user_with(world, created["token"])["statusCode"] == 200
    response = revoke(world, {"credentials": [created["token"], personal["token"]]})
    assert response["statusCode"] == 202 and json.loads(response["body"]) == {}
    assert user_with(world, created["token"])["statusCode"] == 401
    assert user_with(world, personal["token"])["statusCode"] == 401
    assert app_call(world, "check", created["token"])["statusCode"] == 404
    again = put(world)
    assert again["id"] != created["id"] and again["token"].startswith("gho_")  # a 201: a new authorization


def _strip(response):
    return {k: v for k, v in response.items() if k not in ("headers", "multiValueHeaders")}


def test_the_answer_is_the_same_whether_credentials_were_live_or_not(world):
    live = put(world)["token"]
    answers = [
        revoke(world, {"credentials": [live]}),
        revoke(world, {"credentials": [live]}),  # already revoked
        revoke(world, {"credentials": ["gho_" + "A" * 36, "not a token", ""]}),  # malformed, unknown
    ]
    assert len({json.dumps(_strip(a), sort_keys=True) for a in answers}) == 1
    assert {header_of(a, "Content-Type") for a in answers} == {"application/json; charset=utf-8"}


@pytest.mark.parametrize(
    "body",
    [
        {"credentials": []},
        {"credentials": ["x"] * 1001},
        {"credentials": "gho_x"},
        {"credentials": [1, 2]},
        {"credentials": None},
        {},
    ],
)
def test_a_bad_list_is_422(world, body):
    response = revoke(world, body)
    assert response["statusCode"] == 422
    payload = json.loads(response["body"])
    assert payload["message"] == "Validation Failed" and payload["documentation_url"] == DOCS
    assert all(isinstance(e, str) for e in payload["errors"])


def test_1000_credentials_are_accepted_and_cost_ten_reads(world):
    counter = CallCounter().attach(world.client)
    tokens = [put(world, fingerprint=f"fp-{i}")["token"] for i in range(3)]
    counter.reset()
    garbage = ["gho_" + format(i, "036d") for i in range(997)]  # the right shape, wrong checksums
    response = revoke(world, {"credentials": tokens + garbage})
    assert response["statusCode"] == 202
    # The rate counter, one read for the three tokens that could be ours, one transaction deleting them.
    assert counter.operations == ["UpdateItem", "BatchGetItem", "TransactWriteItems"]
    assert all(user_with(world, t)["statusCode"] == 401 for t in tokens)


def test_authenticated_requests_are_403(world):
    token = put(world)["token"]
    for auth in (f"token {token}", "Basic bW9uYWxpc2E6eA=="):
        response = revoke(world, {"credentials": [token]}, headers={"Authorization": auth})
        assert response["statusCode"] == 403
        assert json.loads(response["body"])["documentation_url"] == DOCS
    assert user_with(world, token)["statusCode"] == 200  # nothing was revoked


def test_each_address_is_limited_to_60_requests_an_hour(world):
    token = put(world)["token"]
    for _ in range(60):
        assert revoke(world, {"credentials": ["gho_x"]}, ip="203.0.113.9")["statusCode"] == 202
    refused = revoke(world, {"credentials": [token]}, ip="203.0.113.9")
    assert refused["statusCode"] == 422 and json.loads(refused["body"])["message"] == "Validation Failed"
    assert user_with(world, token)["statusCode"] == 200  # refused: nothing revoked
    assert revoke(world, {"credentials": [token]}, ip="203.0.113.10")["statusCode"] == 202  # another address
    assert user_with(world, token)["statusCode"] == 401


def test_each_revocation_is_logged_and_counted_without_the_token(world, capsys):
    created = put(world)
    handler = world.app_module.logger.registered_handler
    stream = io.StringIO()
    previous = handler.setStream(stream)
    capsys.readouterr()
    try:
        revoke(world, {"credentials": [created["token"]]})
    finally:
        handler.setStream(previous)
    logs = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    printed = capsys.readouterr().out  # the EMF metrics
    out = stream.getvalue() + printed
    assert created["token"] not in out and created["hashed_token"] not in out
    logged = [line for line in logs if line.get("message") == "credential revoked"]
    assert len(logged) == 1
    assert logged[0]["authorization_id"] == created["id"] and logged[0]["revoked_by"] == "credential revocation API"
    assert '"CredentialsRevoked":[1.0]' in printed

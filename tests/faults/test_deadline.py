"""One deadline per request: with DynamoDB stalled, every route answers 503 + Retry-After before the
Lambda's time is up; when a stall ends within the budget, a committed create still answers 201.

DynamoDB Local behind ``StallProxy`` (a TCP proxy that holds requests and answers), the handler wired
as in Lambda (``dynamodb_use_cases``: the production client, retries and deadline hooks).
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from authorize.adapters.dynamodb.store import DynamoDBStore
from authorize.composition import dynamodb_client, dynamodb_use_cases
from authorize.settings import Settings
from authorize.usecases import admin
from authorize_local import embedded_db
from authorize_local.table_schema import ensure_table

from tests.faults.stall_proxy import StallProxy
from tests.handler.conftest import CLIENT_ID, CLIENT_SECRET, PASSWORD, header_of, make_event

pytestmark = pytest.mark.integration

LAMBDA_TIMEOUT_MS = 5_000  # what the context says is left: the answer must come before it


@dataclass
class Ctx:
    remaining_ms: int
    function_name: str = "AuthorizeFunction"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:AuthorizeFunction"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@dataclass
class StallWorld:
    proxy: StallProxy
    app_module: Any
    created: dict[str, Any]

    def invoke(self, event: dict[str, Any], remaining_ms: int = LAMBDA_TIMEOUT_MS) -> tuple[dict[str, Any], float]:
        started = time.monotonic()
        response = self.app_module.lambda_handler(event, Ctx(remaining_ms))
        return response, time.monotonic() - started


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[str]:
    reason = embedded_db.dynamodb_local_unavailable_reason()
    if reason:
        pytest.skip(f"DynamoDB Local unavailable: {reason}")
    with embedded_db.start("local", 0) as db:
        yield db.endpoint_url


@pytest.fixture
def world(dynamodb: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[StallWorld]:
    import app as app_module

    upstream = urlsplit(dynamodb)
    proxy = StallProxy(upstream.hostname or "127.0.0.1", upstream.port or 80)
    table = f"authorize-deadline-{uuid.uuid4().hex[:10]}"
    direct = boto3.client("dynamodb", endpoint_url=dynamodb, region_name="us-east-1")
    ensure_table(direct, table)
    seeding = DynamoDBStore(direct, table)
    admin.create_user(seeding, "monalisa", PASSWORD)
    admin.create_app(seeding, "app", "https://app.example", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", proxy.endpoint_url)
    settings = dataclasses.replace(Settings.from_env(), table_name=table, dynamodb_max_attempts=3)
    app_module.set_use_cases(dynamodb_use_cases(settings, dynamodb_client(settings)))
    try:
        response = app_module.lambda_handler(make_event("put-create.json"), Ctx(30_000))
        assert response["statusCode"] == 201, response  # the container is warm, an authorization exists
        yield StallWorld(proxy, app_module, json.loads(response["body"]))
    finally:
        app_module.set_use_cases(None)
        proxy.close()


def _events(created: dict[str, Any]) -> dict[str, dict[str, Any]]:
    ident = str(created["id"])
    token = json.dumps({"access_token": created["token"]})
    basic = make_event("put-create.json")
    by_id = {"path": f"/authorizations/{ident}", "pathParameters": {"authorization_id": ident}}
    return {
        "PUT create": make_event("put-fingerprint.json"),
        "PUT existing": make_event("put-existing.json"),
        "GET /authorizations": make_event("get-authorizations.json"),
        "GET /authorizations/{id}": make_event("get-authorization.json", **by_id),
        "PATCH /authorizations/{id}": make_event("patch-authorization.json", **by_id),
        "DELETE /authorizations/{id}": make_event("delete-authorization.json", **by_id),
        "POST /authorizations": make_event("post-authorizations.json"),
        "GET /applications/grants": make_event("get-grants.json"),
        "POST app token check": make_event("post-app-token-check.json", body=token),
        "PATCH app token reset": make_event("patch-app-token-reset.json", body=token),
        "DELETE app token": make_event("delete-app-token.json", body=token),
        "DELETE app grant": make_event("delete-app-grant.json", body=token),
        "GET /user (token)": make_event("get-user.json", headers={"Authorization": f"token {created['token']}"}),
        "GET /user (Basic)": make_event("get-user.json", headers={"Authorization": header_of(basic, "Authorization")}),
        "PUT wrong password": make_event("put-bad-credentials.json"),
    }


def test_with_dynamodb_stalled_every_route_answers_503_before_the_deadline(world: StallWorld):
    worst = 0.0
    with world.proxy.stalled():
        for name, event in _events(world.created).items():
            response, took = world.invoke(event)
            assert response["statusCode"] == 503, (name, response)
            assert header_of(response, "Retry-After") == "1", name
            assert json.loads(response["body"])["message"] == "Service Unavailable. Please try again later."
            assert took < LAMBDA_TIMEOUT_MS / 1000, (name, took)  # API Gateway would have answered 504
            worst = max(worst, took)
    print(f"worst answer with DynamoDB stalled: {worst:.2f}s of {LAMBDA_TIMEOUT_MS / 1000:.1f}s")


def test_a_create_committed_during_a_stall_that_ends_in_time_is_201(world: StallWorld):
    # The transaction reaches DynamoDB and commits; no answer comes back for 5 s (three read timeouts
    # of 1.5 s); the deadline still leaves time to find the token, so the client gets it.
    world.proxy.hold_responses_after("TransactWriteItems", 5.0)
    response, took = world.invoke(make_event("put-fingerprint.json"), remaining_ms=10_000)
    assert response["statusCode"] == 201, response
    body = json.loads(response["body"])
    assert body["token"].startswith("gho_") and body["fingerprint"]
    world.proxy.release()
    user, _ = world.invoke(make_event("get-user.json", headers={"Authorization": f"token {body['token']}"}))
    assert user["statusCode"] == 200
    assert took < 10.0

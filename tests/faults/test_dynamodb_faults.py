"""DynamoDB faults at every call site the API uses, through the real handler and botocore's real retries.

Matrix: 8 fault kinds (``FAULTS``) x 15 flows (``FLOWS``, covering the 10 store call sites the API
uses: BatchGetItem x2, TransactWriteItems x4, UpdateItem, Query, GetItem x2), each transient and
persistent. Then lost responses, ``TransactionCanceledException`` reasons and ``UnprocessedKeys``.

What must hold:
* a fault that botocore's retries absorb is invisible: the normal answer, after the extra sends;
* a fault that persists is ``503`` + ``Retry-After`` in GitHub's error shape, never a 500 or a
  trace, and the table holds nothing half-written (here: nothing at all from the request);
* a write that landed but whose answer was lost is not applied twice, and its caller still gets
  the token that the stored hash belongs to.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from authorize.adapters.dynamodb import faults as dynamodb_faults
from authorize.adapters.dynamodb import items as dynamodb_items
from authorize.adapters.dynamodb import store as dynamodb_store
from authorize.domain.grants import grant_id

from tests.faults.conftest import (
    ALWAYS,
    BOTOCORE_RETRIES,
    FAULTS,
    FaultWorld,
    aws_response,
    error_body,
    total_attempts,
)
from tests.handler.conftest import CLIENT_ID, CLIENT_SECRET, PASSWORD, header_of, load_event

UNAVAILABLE = "Service Unavailable. Please try again later."
JSON_TYPE = "application/json; charset=utf-8"
STORE_ATTEMPTS = dynamodb_faults.STORE_ATTEMPTS
RESET = "patch-app-token-reset.json"


# --- helpers ----------------------------------------------------------------------------------------


def body_of(response: dict[str, Any]) -> Any:
    return json.loads(response["body"]) if response.get("body") else None


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


def at(name: str, path: str, body: Any = None, **path_parameters: str) -> dict[str, Any]:
    """An event from events/ with its path (and parameters, and optionally body) replaced."""
    event = load_event(name)
    event["path"] = path
    event["pathParameters"] = path_parameters or None
    event["requestContext"]["path"] = "/dev" + path
    if body is not None:
        event["body"] = json.dumps(body)
    return event


def create_app_authorization(world: FaultWorld) -> dict[str, Any]:
    response = world.invoke("put-create.json")
    assert response["statusCode"] == 201, response
    return body_of(response)


def assert_unavailable(response: dict[str, Any]) -> None:
    assert response["statusCode"] == 503, response
    retry_after = header_of(response, "Retry-After")
    assert retry_after is not None and retry_after.isdigit() and int(retry_after) >= 1
    assert header_of(response, "Content-Type") == JSON_TYPE
    body = body_of(response)
    assert body == {"message": UNAVAILABLE, "documentation_url": "https://developer.github.com/v3"}
    assert "Traceback" not in response["body"] and 'File "' not in response["body"]


def assert_consistent(items: list[dict[str, Any]]) -> None:
    """Every authorization is whole: record, id guard and token lookup agree; nothing is orphaned."""
    fields = dynamodb_items.AUTH_FIELDS

    def record(item: dict[str, Any]) -> dict[str, Any]:
        return {k: item[k] for k in fields if k in item}

    auths = [i for i in items if i["pk"]["S"].startswith("AUTHS#")]
    guards = {i["pk"]["S"]: i for i in items if i["pk"]["S"].startswith("AUTHID#")}
    tokens = {i["pk"]["S"]: i for i in items if i["pk"]["S"].startswith("TOKEN#")}
    for auth in auths:
        guard = guards.get(f"AUTHID#{auth['id']['N']}")
        token = tokens.get(f"TOKEN#{auth['hashed_token']['S']}")
        assert guard is not None and record(guard) == record(auth), f"id guard out of step: {auth}"
        assert token is not None and record(token) == record(auth), f"token lookup out of step: {auth}"
    live_tokens = {f"TOKEN#{a['hashed_token']['S']}" for a in auths}
    assert set(tokens) == live_tokens, "a token lookup without its authorization"
    live_ids = {f"AUTHID#{a['id']['N']}" for a in auths}
    for pk, guard in guards.items():
        if pk not in live_ids:
            assert guard.get("deleted") == {"BOOL": True} and "hashed_token" not in guard, f"orphan id guard {pk}"


def authorization_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if i["pk"]["S"].startswith(("AUTHS#", "AUTHID#", "TOKEN#"))]


def lock_failures(items: list[dict[str, Any]], login: str) -> int:
    locks = [i for i in items if i["pk"]["S"] == f"LOCK#{login}"]
    return sum(int(i["failures"]["N"]) for i in locks)


def assert_nothing_written(flow: Flow, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> None:
    """No AUTHS#/AUTHID#/TOKEN# item and no counter bump from the request, but the one counter bumped
    before the fault, which stays (an overcount, never a lost count)."""
    if flow.leaves_counter:
        assert counted(after, flow.leaves_counter) == counted(before, flow.leaves_counter) + 1
        after, before = without(after, flow.leaves_counter), without(before, flow.leaves_counter)
    assert after == before


def counted(items: list[dict[str, Any]], prefix: str) -> int:
    """The sum of the counters under ``prefix`` (lockout failures, revocation requests)."""
    attribute = {"LOCK#": "failures", "RATE#": "requests"}[prefix]
    return sum(int(i[attribute]["N"]) for i in items if i["pk"]["S"].startswith(prefix))


def without(items: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    return [i for i in items if not i["pk"]["S"].startswith(prefix)]


# --- the flows: one API request each, and the DynamoDB operation (store call site) faulted ----------


@dataclass(frozen=True)
class Flow:
    name: str
    operation: str
    call_site: str
    ok_status: int
    prepare: Callable[[FaultWorld], dict[str, Any]]  # preconditions (faults off); returns the event
    before_fault: Callable[[FaultWorld], None] | None = None  # extra rules to reach the call site
    # A fault at this call site leaves a counter the request bumped before it (never more): the pk prefix
    # of its item (the reserved login attempt, the revocation API's per-address count).
    leaves_counter: str | None = None

    def __str__(self) -> str:
        return f"{self.name}/{self.operation}"


def _put_create(world: FaultWorld) -> dict[str, Any]:
    return load_event("put-create.json")


def _put_bad_credentials(world: FaultWorld) -> dict[str, Any]:
    return load_event("put-bad-credentials.json")


def _put_wrong_otp(world: FaultWorld) -> dict[str, Any]:
    event = load_event("put-2fa-wrong-otp.json")
    if pyotp.TOTP(world.totp_secret).now() == event["headers"]["X-GitHub-OTP"]:  # one in a million
        event["headers"]["X-GitHub-OTP"] = "111111" if event["headers"]["X-GitHub-OTP"] != "111111" else "222222"
    return event


def _list(world: FaultWorld) -> dict[str, Any]:
    create_app_authorization(world)
    return load_event("get-authorizations.json")


def _get_one(world: FaultWorld) -> dict[str, Any]:
    created = create_app_authorization(world)
    return at("get-authorization.json", f"/authorizations/{created['id']}", id=str(created["id"]))


def _post_create(world: FaultWorld) -> dict[str, Any]:
    return load_event("post-authorizations.json")


def _patch(world: FaultWorld) -> dict[str, Any]:
    created = create_app_authorization(world)
    return at("patch-authorization.json", f"/authorizations/{created['id']}", id=str(created["id"]))


def _conflict_once(world: FaultWorld) -> None:
    # The record changed under us (revision check failed): the service reads it again with GetItem.
    world.injector.cancel(["ConditionalCheckFailed", "None", "None"], times=1)


def _delete(world: FaultWorld) -> dict[str, Any]:
    created = create_app_authorization(world)
    return at("delete-authorization.json", f"/authorizations/{created['id']}", id=str(created["id"]))


def _app_token_event(name: str) -> Callable[[FaultWorld], dict[str, Any]]:
    def prepare(world: FaultWorld) -> dict[str, Any]:
        token = create_app_authorization(world)["token"]
        event = load_event(name)
        event["body"] = json.dumps({"access_token": token})
        return event

    return prepare


def _user_by_token(world: FaultWorld) -> dict[str, Any]:
    token = create_app_authorization(world)["token"]
    event = load_event("get-user.json")
    event["headers"] = {k: v for k, v in event["headers"].items() if k.lower() != "authorization"}
    event["headers"]["Authorization"] = f"token {token}"
    return event


def _revoke(world: FaultWorld) -> dict[str, Any]:
    token = create_app_authorization(world)["token"]
    event = load_event("post-credentials-revoke.json")
    event["body"] = json.dumps({"credentials": [token]})
    return event


def _delete_grant(world: FaultWorld) -> dict[str, Any]:
    created = create_app_authorization(world)
    user_id = world.store.load_login_context("monalisa", None, 0).user.id  # type: ignore[union-attr]
    gid = grant_id(user_id, CLIENT_ID)
    assert created["app"]["client_id"] == CLIENT_ID
    return at("delete-grant.json", f"/applications/grants/{gid}", id=str(gid))


FLOWS = [
    # PUT /authorizations/clients/{client_id}: the get-or-create path
    Flow("PUT-create", "BatchGetItem", "load_login_context", 201, _put_create),
    Flow("PUT-create", "TransactWriteItems", "get_or_create_authorization", 201, _put_create),
    Flow("PUT-create", "UpdateItem", "reserve_attempt", 201, _put_create),
    Flow("PUT-create", "DeleteItem", "release_attempt", 201, _put_create, leaves_counter="LOCK#"),
    Flow("PUT-bad-credentials", "UpdateItem", "reserve_attempt", 401, _put_bad_credentials),
    Flow("PUT-wrong-otp", "UpdateItem", "reserve_attempt", 401, _put_wrong_otp),
    # the rest of the family
    Flow("GET-authorizations", "Query", "list_authorizations", 200, _list),
    Flow("GET-authorization", "BatchGetItem", "load_login_context", 200, _get_one),
    Flow("POST-authorizations", "TransactWriteItems", "create_authorization", 201, _post_create),
    Flow("PATCH-authorization", "TransactWriteItems", "replace_authorization", 200, _patch),
    Flow("PATCH-after-conflict", "GetItem", "get_authorization", 200, _patch, _conflict_once),
    Flow("DELETE-authorization", "TransactWriteItems", "delete_authorizations", 204, _delete),
    Flow("DELETE-grant", "TransactWriteItems", "delete_authorizations", 204, _delete_grant),
    Flow("POST-app-token-check", "BatchGetItem", "load_app_token", 200, _app_token_event("post-app-token-check.json")),
    Flow("PATCH-app-token-reset", "TransactWriteItems", "replace_authorization", 200, _app_token_event(RESET)),
    Flow("DELETE-app-grant", "Query", "list_authorizations", 204, _app_token_event("delete-app-grant.json")),
    Flow("GET-user-token", "GetItem", "find_token", 200, _user_by_token),
    # the credential revocation API
    Flow("POST-credentials-revoke", "UpdateItem", "count_request", 202, _revoke),
    Flow("POST-credentials-revoke", "BatchGetItem", "find_tokens", 202, _revoke, leaves_counter="RATE#"),
    Flow(
        "POST-credentials-revoke", "TransactWriteItems", "delete_authorizations", 202, _revoke, leaves_counter="RATE#"
    ),
]
CALL_SITES = sorted({(f.call_site, f.operation) for f in FLOWS})
TRANSACT_FLOWS = [f for f in FLOWS if f.operation == "TransactWriteItems"]
BATCH_GET_FLOWS = [f for f in FLOWS if f.operation == "BatchGetItem"]


def test_the_matrix_covers_every_store_call_site_of_the_api():
    api_call_sites = [
        ("load_login_context", "BatchGetItem"),
        ("load_app_token", "BatchGetItem"),
        ("get_or_create_authorization", "TransactWriteItems"),
        ("create_authorization", "TransactWriteItems"),
        ("replace_authorization", "TransactWriteItems"),
        ("delete_authorizations", "TransactWriteItems"),
        ("reserve_attempt", "UpdateItem"),
        ("release_attempt", "DeleteItem"),
        ("count_request", "UpdateItem"),
        ("find_tokens", "BatchGetItem"),
        ("list_authorizations", "Query"),
        ("get_authorization", "GetItem"),
        ("find_token", "GetItem"),
    ]
    assert sorted(api_call_sites) == CALL_SITES
    # ... which are all the store's DynamoDB-calling methods but the admin ones (users, apps).
    methods = vars(dynamodb_store.DynamoDBStore).items()
    wrapped = {name for name, fn in methods if inspect.isfunction(fn) and hasattr(fn, "__wrapped__")}
    assert wrapped - {"allocate_user_id", "put_user", "put_app"} == {site for site, _ in api_call_sites}
    assert len(FAULTS) == 8


def _arm(world: FaultWorld, flow: Flow) -> dict[str, Any]:
    event = flow.prepare(world)
    world.injector.reset_counts()
    if flow.before_fault:
        flow.before_fault(world)
    return event


# --- a. transient faults: absorbed by botocore's retries -----------------------------------------------


@pytest.mark.parametrize("kind", sorted(FAULTS))
@pytest.mark.parametrize("flow", FLOWS, ids=str)
def test_transient_fault_is_retried_and_the_request_succeeds(fault_world: FaultWorld, flow: Flow, kind: str):
    world = fault_world
    event = _arm(world, flow)
    attempts = total_attempts(world.client)
    times = attempts - 1  # every retry botocore has but the last
    world.injector.fail(flow.operation, kind, times=times)
    response = world.invoke(event)
    if kind in BOTOCORE_RETRIES:
        assert response["statusCode"] == flow.ok_status, response
        assert world.injector.sends[flow.operation] >= times + 1  # retries really happened
        assert world.injector.forwarded[flow.operation] >= 1
    else:
        # TransactionConflictException: a 400 no retry policy names (DynamoDB returns it only to
        # single-item writes racing a transaction, and the SDKs leave it to the caller): one send, 503.
        assert_unavailable(response)
        assert world.injector.sends[flow.operation] == 1
    assert_consistent(world.dump())


def test_transient_faults_up_to_the_configured_attempts_are_absorbed(fault_world: FaultWorld):
    """The production client's retry budget, spent to the last attempt, still ends in 201."""
    world = fault_world
    attempts = total_attempts(world.client)
    world.injector.fail("TransactWriteItems", "ProvisionedThroughputExceededException", times=attempts - 1)
    world.injector.fail("BatchGetItem", "ThrottlingException", times=attempts - 1)
    response = world.invoke("put-create.json")
    assert response["statusCode"] == 201
    assert world.injector.sends["BatchGetItem"] == attempts
    assert world.injector.sends["TransactWriteItems"] == attempts
    # A first login in this container: its attempt is reserved (UpdateItem) and given back (DeleteItem).
    assert world.injector.forwarded == {"BatchGetItem": 1, "UpdateItem": 1, "DeleteItem": 1, "TransactWriteItems": 1}


def test_dynamodb_max_attempts_is_the_number_of_sends(fault_world: FaultWorld):
    world = fault_world
    world.injector.fail("BatchGetItem", "ThrottlingException")
    assert_unavailable(world.invoke("put-create.json"))
    assert world.injector.sends["BatchGetItem"] == world.app_module.use_cases().settings.dynamodb_max_attempts


# --- b. persistent faults: 503, and nothing written ------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(FAULTS))
@pytest.mark.parametrize("flow", FLOWS, ids=str)
def test_persistent_fault_is_503_and_writes_nothing(fault_world: FaultWorld, flow: Flow, kind: str):
    world = fault_world
    event = _arm(world, flow)
    before = world.dump()
    world.injector.fail(flow.operation, kind, times=ALWAYS)
    response = world.invoke(event)
    assert_unavailable(response)
    expected_sends = total_attempts(world.client) if kind in BOTOCORE_RETRIES else 1
    assert world.injector.sends[flow.operation] == expected_sends
    assert world.injector.forwarded[flow.operation] == 0
    after = world.dump()
    assert_nothing_written(flow, before, after)
    assert_consistent(after)


def test_persistent_fault_then_recovery(fault_world: FaultWorld):
    world = fault_world
    rule = world.injector.fail("TransactWriteItems", "InternalServerError")
    assert_unavailable(world.invoke("put-create.json"))
    assert authorization_items(world.dump()) == []
    rule.remaining = 0  # the database is back
    created = world.invoke("put-create.json")
    assert created["statusCode"] == 201
    assert world.invoke("put-existing.json")["statusCode"] == 200


def test_failed_login_fault_leaves_the_counter_alone_and_the_login_usable(fault_world: FaultWorld):
    world = fault_world
    world.injector.fail("UpdateItem", "ProvisionedThroughputExceededException")
    for _ in range(3):
        assert_unavailable(world.invoke("put-bad-credentials.json"))
    assert lock_failures(world.dump(), "monalisa") == 0
    world.injector.clear()
    assert world.invoke("put-bad-credentials.json")["statusCode"] == 401
    assert lock_failures(world.dump(), "monalisa") == 1
    assert world.invoke("put-create.json")["statusCode"] == 201


def test_lost_failed_login_answers_can_only_overcount(fault_world: FaultWorld):
    """UpdateItem ADD is not idempotent: a retried lost answer counts twice (locks sooner, never later)."""
    world = fault_world
    attempts = total_attempts(world.client)
    world.injector.lose_response("UpdateItem", "ReadTimeoutError", times=ALWAYS)
    assert_unavailable(world.invoke("put-bad-credentials.json"))
    assert 1 <= lock_failures(world.dump(), "monalisa") <= attempts
    world.injector.clear()
    world.injector.lose_response("UpdateItem", "InternalServerError", times=1)
    counted = lock_failures(world.dump(), "monalisa")
    assert world.invoke("put-bad-credentials.json")["statusCode"] == 401
    assert lock_failures(world.dump(), "monalisa") == counted + 2


# --- c. lost responses: applied, then retried -------------------------------------------------------------


def _assert_single_working_authorization(world: FaultWorld, response: dict[str, Any]) -> dict[str, Any]:
    assert response["statusCode"] == 201, response
    body = body_of(response)
    token = body["token"]
    assert token.startswith("gho_") and len(token) == 40
    digest = hashlib.sha256(token.encode()).hexdigest()
    assert body["hashed_token"] == digest
    items = world.dump()
    assert_consistent(items)
    auths = [i for i in items if i["pk"]["S"].startswith("AUTHS#")]
    assert len(auths) == 1, auths  # exactly one authorization for the (user, app, no fingerprint) key
    assert auths[0]["hashed_token"]["S"] == digest
    assert auths[0]["id"]["N"] == str(body["id"])
    user = world.invoke("get-user.json", headers={"Authorization": f"token {token}"})
    assert user["statusCode"] == 200 and body_of(user)["login"] == "monalisa"
    again = world.invoke("put-existing.json")
    assert again["statusCode"] == 200 and body_of(again)["id"] == body["id"] and body_of(again)["token"] == ""
    return body


@pytest.mark.parametrize("kind", ["ReadTimeoutError", "InternalServerError"])
def test_lost_get_or_create_response_is_not_a_second_authorization(fault_world: FaultWorld, kind: str):
    """moto ignores ClientRequestToken: the retry hits its own landed write, recognised by its token hash."""
    world = fault_world
    world.injector.lose_response("TransactWriteItems", kind, times=1)
    response = world.invoke("put-create.json")
    assert world.injector.sends["TransactWriteItems"] == 2  # botocore retried
    assert world.injector.forwarded["TransactWriteItems"] == 2  # and the retry reached the table
    _assert_single_working_authorization(world, response)


@pytest.mark.parametrize("kind", ["ReadTimeoutError", "InternalServerError"])
def test_lost_get_or_create_response_with_request_token_semantics(fault_world: FaultWorld, kind: str):
    """DynamoDB's own answer to the retry: the same ClientRequestToken succeeds without re-applying."""
    world = fault_world
    world.injector.idempotent_tokens = True
    world.injector.lose_response("TransactWriteItems", kind, times=1)
    response = world.invoke("put-create.json")
    assert world.injector.sends["TransactWriteItems"] == 2
    assert world.injector.forwarded["TransactWriteItems"] == 1
    _assert_single_working_authorization(world, response)


def test_every_answer_lost_still_hands_out_the_committed_token(fault_world: FaultWorld):
    """Every TransactWriteItems answer is lost but the first write commits: the service reads the token
    item back (one GetItem) and answers 201 with the plaintext, which the client could not get again."""
    world = fault_world
    world.injector.lose_response("TransactWriteItems", "ReadTimeoutError", times=ALWAYS)
    response = world.invoke("put-create.json")
    assert response["statusCode"] == 201, response
    world.injector.clear()
    _assert_single_working_authorization(world, response)  # one authorization, the token works, repeat 200


def test_unanswered_write_is_503_when_the_check_fails_too(fault_world: FaultWorld):
    world = fault_world
    world.injector.lose_response("TransactWriteItems", "ReadTimeoutError", times=ALWAYS)
    world.injector.fail("GetItem", "ReadTimeoutError", times=ALWAYS)
    assert_unavailable(world.invoke("put-create.json"))
    assert_consistent(world.dump())


LOST_WRITE_FLOWS = [f for f in TRANSACT_FLOWS if f.name != "PUT-create"]


@pytest.mark.parametrize("flow", LOST_WRITE_FLOWS, ids=str)
def test_lost_write_response_with_request_token_semantics(fault_world: FaultWorld, flow: Flow):
    """Create, update, reset and delete rely on ClientRequestToken to make a retried lost write a no-op."""
    world = fault_world
    world.injector.idempotent_tokens = True
    event = _arm(world, flow)
    world.injector.lose_response("TransactWriteItems", "ReadTimeoutError", times=1)
    response = world.invoke(event)
    assert response["statusCode"] == flow.ok_status, response
    assert world.injector.sends["TransactWriteItems"] == 2
    assert world.injector.forwarded["TransactWriteItems"] == 1
    items = world.dump()
    assert_consistent(items)
    if flow.ok_status in (200, 201) and (body := body_of(response)).get("token"):
        digest = hashlib.sha256(body["token"].encode()).hexdigest()
        assert any(i["pk"]["S"] == f"TOKEN#{digest}" for i in items)


# --- c, on the real engine: DynamoDB Local honours ClientRequestToken ----------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("kind", ["ReadTimeoutError", "InternalServerError"])
def test_lost_get_or_create_response_on_dynamodb_local(local_world: FaultWorld, kind: str):
    """The write goes out over HTTP and lands; the answer is dropped; botocore re-sends the same bytes."""
    world = local_world
    world.injector.lose_response("TransactWriteItems", kind, times=1)
    response = world.invoke("put-create.json")
    assert world.injector.sends["TransactWriteItems"] == 2
    assert world.injector.forwarded["TransactWriteItems"] == 2  # both reached DynamoDB Local
    _assert_single_working_authorization(world, response)


@pytest.mark.integration
@pytest.mark.parametrize("flow", LOST_WRITE_FLOWS, ids=str)
def test_lost_write_response_on_dynamodb_local(local_world: FaultWorld, flow: Flow):
    world = local_world
    event = _arm(world, flow)
    before = world.dump()
    world.injector.lose_response("TransactWriteItems", "ReadTimeoutError", times=1)
    response = world.invoke(event)
    assert response["statusCode"] == flow.ok_status, response
    assert world.injector.forwarded["TransactWriteItems"] == 2  # the retry reached it, and was a no-op
    after = world.dump()
    assert_consistent(after)
    assert after != before
    if flow.ok_status == 201:
        assert len([i for i in after if i["pk"]["S"].startswith("AUTHS#")]) == 1 + len(
            [i for i in before if i["pk"]["S"].startswith("AUTHS#")]
        )


@pytest.mark.integration
def test_persistent_fault_on_dynamodb_local_is_503_and_writes_nothing(local_world: FaultWorld):
    world = local_world
    before = world.dump()
    world.injector.fail("TransactWriteItems", "ProvisionedThroughputExceededException")
    assert_unavailable(world.invoke("put-create.json"))
    assert world.injector.sends["TransactWriteItems"] == total_attempts(world.client)
    assert world.dump() == before


# --- d. TransactionCanceledException with retryable reasons -------------------------------------------------


@pytest.mark.parametrize("flow", TRANSACT_FLOWS, ids=str)
def test_transaction_conflicts_are_retried_by_the_store(fault_world: FaultWorld, flow: Flow):
    world = fault_world
    event = _arm(world, flow)
    world.injector.cancel(["None", "TransactionConflict", "None"], times=3)
    response = world.invoke(event)
    assert response["statusCode"] == flow.ok_status, response
    assert world.injector.sends["TransactWriteItems"] == 4
    assert world.store_backoffs == [0, 1, 2]
    assert_consistent(world.dump())


@pytest.mark.parametrize("reason", ["ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"])
def test_throttled_transaction_items_are_retried_by_the_store(fault_world: FaultWorld, reason: str):
    world = fault_world
    world.injector.cancel([reason, "None", "None"], times=2)
    response = world.invoke("put-create.json")
    assert response["statusCode"] == 201
    _assert_single_working_authorization(world, response)


@pytest.mark.parametrize("flow", TRANSACT_FLOWS, ids=str)
def test_endless_transaction_conflicts_are_503(fault_world: FaultWorld, flow: Flow):
    world = fault_world
    event = _arm(world, flow)
    before = world.dump()
    world.injector.cancel(["None", "TransactionConflict", "None"], times=ALWAYS)
    assert_unavailable(world.invoke(event))
    assert world.injector.sends["TransactWriteItems"] == STORE_ATTEMPTS
    assert len(world.store_backoffs) == STORE_ATTEMPTS
    assert_nothing_written(flow, before, world.dump())


def test_unretryable_cancellation_is_not_a_503(fault_world: FaultWorld):
    """A cancellation for a reason that is not transient (here ValidationError) is a bug, not an outage."""
    world = fault_world
    world.injector.cancel(["ValidationError", "None", "None"], times=ALWAYS)
    response = world.invoke("put-create.json")
    assert response["statusCode"] == 500
    assert body_of(response) == {"message": "Server Error", "documentation_url": "https://developer.github.com/v3"}
    assert world.injector.sends["TransactWriteItems"] == 1


# --- BatchGetItem's own throttling form: UnprocessedKeys ------------------------------------------------------


@pytest.mark.parametrize("flow", BATCH_GET_FLOWS, ids=str)
def test_unprocessed_keys_are_read_again(fault_world: FaultWorld, flow: Flow):
    world = fault_world
    event = _arm(world, flow)
    world.injector.unprocessed(times=2)
    response = world.invoke(event)
    assert response["statusCode"] == flow.ok_status, response
    assert world.injector.sends["BatchGetItem"] >= 3
    assert world.store_backoffs[:2] == [0, 1]


@pytest.mark.parametrize("flow", BATCH_GET_FLOWS, ids=str)
def test_keys_never_processed_are_503(fault_world: FaultWorld, flow: Flow):
    world = fault_world
    event = _arm(world, flow)
    before = world.dump()
    world.injector.unprocessed(times=ALWAYS)
    assert_unavailable(world.invoke(event))
    assert world.injector.sends["BatchGetItem"] == STORE_ATTEMPTS
    assert_nothing_written(flow, before, world.dump())


# --- answers that are not DynamoDB's: a proxy or load balancer in the way -----------------------------------


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (502, b"<html><body>Bad Gateway</body></html>"),
        (503, b""),
        (504, b"upstream request timeout"),
        (500, json.dumps({"__type": "com.amazon.coral.service#InternalFailure"}).encode()),
        (503, json.dumps(error_body("ServiceUnavailable")).encode()),
    ],
    ids=["502-html", "503-empty", "504-text", "500-InternalFailure", "503-ServiceUnavailable"],
)
def test_any_5xx_answer_is_503(fault_world: FaultWorld, status: int, body: bytes):
    world = fault_world
    world.injector.add("BatchGetItem", lambda request, _forward: aws_response(request, status, body), ALWAYS)
    assert_unavailable(world.invoke("put-create.json"))
    assert world.injector.sends["BatchGetItem"] == total_attempts(world.client)


# --- the harness itself ---------------------------------------------------------------------------------------


def test_a_fault_before_the_send_never_reaches_moto(fault_world: FaultWorld):
    world = fault_world
    world.injector.fail("TransactWriteItems", "ThrottlingException", times=ALWAYS)
    assert_unavailable(world.invoke("put-create.json"))
    assert world.injector.forwarded["TransactWriteItems"] == 0
    assert authorization_items(world.dump()) == []


def test_the_production_client_uses_standard_retries(fault_world: FaultWorld):
    retries = fault_world.client.meta.config.retries
    assert retries["mode"] == "standard"
    assert total_attempts(fault_world.client) >= 2


def test_other_users_and_apps_are_untouched_by_a_fault(fault_world: FaultWorld):
    world = fault_world
    world.injector.fail("BatchGetItem", "ReadTimeoutError", times=ALWAYS)
    for event in ("put-create.json", "post-authorizations.json", "get-authorizations.json"):
        assert_unavailable(world.invoke(event))
    world.injector.clear()
    hubot = world.invoke(
        "put-create.json",
        headers={"Authorization": basic("hubot", PASSWORD), "X-GitHub-OTP": pyotp.TOTP(world.totp_secret).now()},
    )
    assert hubot["statusCode"] == 201
    bad_secret = world.invoke("put-create.json", body=json.dumps({"client_secret": CLIENT_SECRET[:-1] + "x"}))
    assert bad_secret["statusCode"] == 422

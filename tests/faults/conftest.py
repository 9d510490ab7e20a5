"""Fault injection for DynamoDB, below botocore's retry logic.

A real botocore client (the one ``app.use_cases()`` builds, with ``client_config``'s standard-mode
retries) talks to moto's in-process backend. A ``before-send`` hook on that one client decides, per
HTTP send, whether the request reaches moto, and what the client sees back:

* a fault *before* the send (throttling, 500, timeout, refused connection): moto never sees it;
* a fault *after* the send ("lost response"): moto applies the request, the client sees a failure;
* a crafted answer (``TransactionCanceledException`` with reasons, ``UnprocessedKeys``).

botocore then runs its own retry logic on what the hook returned, exactly as it would on the wire.

Ordering with moto: moto appends its ``BotocoreStubber`` to botocore's ``BUILTIN_HANDLERS`` when it
is imported, so every client's event emitter has it registered before any handler a test adds.
``emit`` calls *every* handler and botocore uses the first non-None response: a hook registered after
the stubber is ignored, and one registered first still lets the stubber execute the request (the
write would land behind the fault). The injector therefore unregisters the stubber from this one
client and calls it itself, so each send is either forwarded to moto or not, never both.

``server_world`` does the same against a DynamoDB server over HTTP (DynamoDB Local): forwarded sends
go out through the client's own HTTP session. The server helpers at the end (DynamoDB Local, a
serialised moto server) are shared with tests/security/test_lockout.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from argon2 import PasswordHasher, Type
from authorize.adapters.dynamodb import faults as dynamodb_faults
from authorize.adapters.dynamodb import store as dynamodb_store
from authorize.composition import UseCases
from authorize.domain import passwords
from authorize.settings import Settings
from authorize.usecases import admin
from authorize_local import embedded_db
from authorize_local.table_schema import ensure_table
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from botocore.retries import standard
from moto import mock_aws
from moto.core.config import DefaultConfig
from moto.core.models import botocore_stubber

from tests.handler.conftest import CLIENT_ID, CLIENT_SECRET, PASSWORD, TABLE, Context, make_event
from tests.support import SEALER

ALWAYS = -1
JSON_10 = "application/x-amz-json-1.0"
DDB_ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"


class _Raw:
    """The part of urllib3's response that ``AWSResponse`` reads."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def aws_response(request: Any, status: int, body: dict[str, Any] | bytes) -> AWSResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": JSON_10, "x-amzn-RequestId": "FAULT0INJECTED"}
    return AWSResponse(request.url, status, headers, _Raw(raw))


def error_body(code: str, message: str = "injected fault") -> dict[str, Any]:
    return {"__type": DDB_ERROR_PREFIX + code, "message": message}


# --- the fault kinds: each turns one send into what DynamoDB or the network would have done ------

Fault = Callable[[Any], AWSResponse]


def _service_error(status: int, code: str) -> Fault:
    def fault(request: Any) -> AWSResponse:
        return aws_response(request, status, error_body(code))

    fault.__name__ = code
    return fault


def _raise(exc_type: Callable[..., Exception]) -> Fault:
    def fault(request: Any) -> AWSResponse:
        if exc_type is ReadTimeoutError:
            raise ReadTimeoutError(endpoint_url=request.url, error="Read timed out. (read timeout=3)")
        raise exc_type(endpoint_url=request.url)

    fault.__name__ = exc_type.__name__
    return fault


FAULTS: dict[str, Fault] = {
    "ProvisionedThroughputExceededException": _service_error(400, "ProvisionedThroughputExceededException"),
    "ThrottlingException": _service_error(400, "ThrottlingException"),
    "RequestLimitExceeded": _service_error(400, "RequestLimitExceeded"),
    "TransactionConflictException": _service_error(400, "TransactionConflictException"),
    "InternalServerError": _service_error(500, "InternalServerError"),
    "ReadTimeoutError": _raise(ReadTimeoutError),
    "ConnectTimeoutError": _raise(ConnectTimeoutError),
    "EndpointConnectionError": _raise(EndpointConnectionError),
}
# Faults botocore's standard mode retries by itself (throttling codes, HTTP 5xx, transport errors).
# TransactionConflictException is a 400 that standard mode does not list: it is not retried and goes
# straight to the store's translation.
BOTOCORE_RETRIES = frozenset(FAULTS) - {"TransactionConflictException"}


def transaction_canceled(reasons: list[str], request: Any) -> AWSResponse:
    body = {
        "__type": DDB_ERROR_PREFIX + "TransactionCanceledException",
        "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons "
        f"[{', '.join(reasons)}]",
        "CancellationReasons": [{"Code": r} if r == "None" else {"Code": r, "Message": r} for r in reasons],
    }
    return aws_response(request, 400, body)


# --- the injector ---------------------------------------------------------------------------------


@dataclass
class Rule:
    operation: str
    action: Callable[[Any, Callable[[], AWSResponse]], AWSResponse]
    remaining: int  # ALWAYS, or how many more sends it takes
    fired: int = 0


@dataclass
class Injector:
    """Owns every send of one botocore client; see the module docstring."""

    client: Any
    sends: Counter[str] = field(default_factory=Counter)  # every send botocore made, by operation
    forwarded: Counter[str] = field(default_factory=Counter)  # sends that reached moto
    rules: list[Rule] = field(default_factory=list)
    # DynamoDB's ClientRequestToken semantics (moto ignores the token): a TransactWriteItems whose
    # token already succeeded returns success without applying anything again.
    idempotent_tokens: bool = False
    # Where a forwarded send goes: moto's stubber, or (for a real server) the client's HTTP session.
    send: Callable[[str, Any], AWSResponse | None] = botocore_stubber
    _landed_tokens: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.client.meta.events.unregister("before-send", botocore_stubber)
        self.client.meta.events.register_first("before-send", self._on_send, unique_id="fault-injector")

    # rules

    def add(self, operation: str, action: Callable[[Any, Callable[[], AWSResponse]], AWSResponse], times: int) -> Rule:
        rule = Rule(operation, action, times)
        self.rules.append(rule)
        return rule

    def fail(self, operation: str, kind: str, times: int = ALWAYS) -> Rule:
        """``kind`` instead of the send: the request never reaches DynamoDB."""
        fault = FAULTS[kind]
        return self.add(operation, lambda request, _forward: fault(request), times)

    def lose_response(self, operation: str, kind: str, times: int = 1) -> Rule:
        """The request is applied, then the answer is lost and replaced by ``kind``."""
        fault = FAULTS[kind]

        def action(request: Any, forward: Callable[[], AWSResponse]) -> AWSResponse:
            forward()
            return fault(request)

        return self.add(operation, action, times)

    def cancel(self, reasons: list[str], times: int = ALWAYS) -> Rule:
        """TransactWriteItems answers TransactionCanceledException with these per-item reasons."""
        return self.add("TransactWriteItems", lambda request, _forward: transaction_canceled(reasons, request), times)

    def unprocessed(self, times: int = ALWAYS) -> Rule:
        """BatchGetItem returns nothing and every key unprocessed (DynamoDB's partial throttling)."""

        def action(request: Any, _forward: Callable[[], AWSResponse]) -> AWSResponse:
            sent = json.loads(request.body)
            return aws_response(request, 200, {"Responses": {}, "UnprocessedKeys": sent["RequestItems"]})

        return self.add("BatchGetItem", action, times)

    def clear(self) -> None:
        self.rules.clear()

    def reset_counts(self) -> None:
        self.sends.clear()
        self.forwarded.clear()

    # the hook

    def _forward(self, event_name: str, request: Any, operation: str) -> AWSResponse:
        token = None
        if operation == "TransactWriteItems" and self.idempotent_tokens:
            token = json.loads(request.body).get("ClientRequestToken")
            if token in self._landed_tokens:
                return aws_response(request, 200, {})
        self.forwarded[operation] += 1
        response = self.send(event_name, request)
        assert response is not None, "moto did not answer: is mock_aws active?"
        if token is not None and response.status_code == 200:
            self._landed_tokens.add(token)
        return response

    def _on_send(self, event_name: str, request: Any, **_: Any) -> AWSResponse:
        operation = event_name.rsplit(".", 1)[-1]
        self.sends[operation] += 1

        def forward() -> AWSResponse:
            return self._forward(event_name, request, operation)

        for rule in self.rules:
            if rule.operation == operation and rule.remaining != 0:
                if rule.remaining > 0:
                    rule.remaining -= 1
                rule.fired += 1
                return rule.action(request, forward)
        return forward()


def total_attempts(client: Any) -> int:
    """How many sends botocore makes for one call: its ``max_attempts`` counts retries only."""
    retries = client.meta.config.retries or {}
    if "total_max_attempts" in retries:
        return int(retries["total_max_attempts"])
    return int(retries.get("max_attempts", 4)) + 1


# --- the world --------------------------------------------------------------------------------------


@dataclass
class FaultWorld:
    client: Any
    store: dynamodb_store.DynamoDBStore
    injector: Injector
    app_module: Any
    store_backoffs: list[int]
    totp_secret: str
    table: str = TABLE

    def invoke(self, event: dict[str, Any] | str, **changes: Any) -> dict[str, Any]:
        return self.app_module.lambda_handler(make_event(event, **changes), Context())

    def dump(self) -> list[dict[str, Any]]:
        """Every item, read with the injector out of the way (scans are never faulted)."""
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"TableName": self.table, "ConsistentRead": True}
        while True:
            page = self.client.scan(**kwargs)
            items.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                return sorted(items, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


KEEP_BOTO3_SESSION: DefaultConfig = {"core": {"reset_boto3_session": False}}


def no_retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """No sleeping between retries, botocore's or the store's; the store's backoffs are recorded."""
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
    backoffs: list[int] = []
    monkeypatch.setattr(dynamodb_faults, "backoff", backoffs.append)
    return backoffs


def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at its minimum cost, for tests about DynamoDB rather than password hashing (~60 ms a
    verification otherwise). Hashes carry their parameters, so verification works the same way."""
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID))


@contextlib.contextmanager
def _seeded(service: Any, injector: Injector, backoffs: list[int], table: str) -> Iterator[FaultWorld]:
    import app as app_module

    store = service.store
    client = store._client
    ensure_table(client, table)
    try:
        admin.create_user(store, "monalisa", PASSWORD)
        hubot = admin.create_user(store, "hubot", PASSWORD, with_totp=True, sealer=SEALER)
        admin.create_app(
            store, "my github app", "http://my-github-app.com", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )
        app_module.set_use_cases(service)
        injector.reset_counts()
        yield FaultWorld(client, store, injector, app_module, backoffs, hubot["totp_secret"], table)
    finally:
        app_module.set_use_cases(None)
        injector.clear()
        client.delete_table(TableName=table)


@contextlib.contextmanager
def production_world(backoffs: list[int]) -> Iterator[FaultWorld]:
    """The handler wired as in Lambda (``app.use_cases()``), its client under an ``Injector``, a fresh
    table from template.yaml and the demo users and app. Needs an active ``mock_aws``."""
    import app as app_module

    app_module.set_use_cases(None)
    service = app_module.use_cases()  # builds the boto3 client with client_config(), as in Lambda
    assert isinstance(service.store, dynamodb_store.DynamoDBStore)
    injector = Injector(service.store._client)
    with _seeded(service, injector, backoffs, service.settings.table_name) as world:
        yield world


def endpoint_client(endpoint_url: str, config: Config) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=config,
    )


@contextlib.contextmanager
def server_world(endpoint_url: str, backoffs: list[int]) -> Iterator[FaultWorld]:
    """As ``production_world``, against a DynamoDB server over HTTP: forwarded sends really go out."""
    settings = Settings.from_env()
    settings = dataclasses.replace(settings, table_name=f"authorize-faults-{uuid.uuid4().hex[:12]}")
    config = dynamodb_faults.client_config(
        settings.dynamodb_max_attempts, settings.dynamodb_connect_timeout, settings.dynamodb_read_timeout
    )
    client = endpoint_client(endpoint_url, config)
    injector = Injector(client, send=lambda _event_name, request: client._endpoint.http_session.send(request))
    service = UseCases.build(dynamodb_store.DynamoDBStore(client, settings.table_name), settings)
    with _seeded(service, injector, backoffs, settings.table_name) as world:
        yield world


# --- DynamoDB servers on 127.0.0.1 ----------------------------------------------------------------------


@dataclass
class Server:
    name: str
    endpoint_url: str
    stop: Callable[[], None]


def start_dynamodb_local(log_dir: Path) -> Server:
    """AWS DynamoDB Local, in memory, on 127.0.0.1 and a free port, started as ``make serve`` starts it
    (``authorize_local.embedded_db``); skips the test when java, javac or the jar is missing."""
    reason = embedded_db.dynamodb_local_unavailable_reason()
    if reason:
        pytest.skip(f"DynamoDB Local unavailable: {reason}")
    db = embedded_db.DynamoDBLocal(embedded_db.LOOPBACK, 0, log_path=log_dir / "dynamodb-local.log")
    return Server("dynamodb-local", db.endpoint_url, db.stop)


def start_moto_server() -> Server:
    """moto's DynamoDB over HTTP on 127.0.0.1 and a free port, one request at a time (moto is not
    thread-safe), as ``make serve`` runs it."""
    db = embedded_db.MotoDynamoDB(embedded_db.LOOPBACK, 0)
    embedded_db.wait_until_ready(db.endpoint_url, 60.0)
    return Server("moto-server", db.endpoint_url, db.stop)


# --- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def moto_backend() -> Iterator[None]:
    """One moto backend per module (starting one costs ~50 ms); each test gets its own table.
    boto3's default session is kept as well: a new one reloads botocore's service models."""
    with mock_aws(config=KEEP_BOTO3_SESSION):
        yield


@pytest.fixture
def fault_world(moto_backend: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultWorld]:
    backoffs = no_retry_sleeps(monkeypatch)
    cheap_password_hashing(monkeypatch)
    with production_world(backoffs) as world:
        yield world


@pytest.fixture(scope="module")
def dynamodb_local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_dynamodb_local(tmp_path_factory.mktemp("dynamodb-local"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def local_world(dynamodb_local: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultWorld]:
    """The handler over DynamoDB Local, every send through an ``Injector``."""
    backoffs = no_retry_sleeps(monkeypatch)
    cheap_password_hashing(monkeypatch)
    with server_world(dynamodb_local.endpoint_url, backoffs) as world:
        yield world

"""HTTP-level fixtures: an embedded DynamoDB (moto and DynamoDB Local), the demo data, and the local
API Gateway stand-in serving the real handler from a thread of this process."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from authorize.adapters.dynamodb.faults import client_config
from authorize.adapters.dynamodb.store import DynamoDBStore
from authorize.composition import UseCases
from authorize.settings import Settings
from authorize_local import embedded_db
from authorize_local.apigw import InProcessInvoker, LocalApiServer, ProcessPoolInvoker
from authorize_local.serve import seed_demo
from authorize_local.table_schema import ensure_table

BACKENDS = ("moto", "local")


@dataclass
class Database:
    backend: str
    endpoint_url: str
    table: str
    client: Any
    totp_secret: str


@dataclass
class Api:
    base_url: str
    db: Database


@pytest.fixture(scope="module", params=BACKENDS)
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh embedded DynamoDB per backend, with the table from template.yaml and the demo data."""
    backend = request.param
    if backend == "local":
        reason = embedded_db.dynamodb_local_unavailable_reason()
        if reason:
            pytest.skip(f"DynamoDB Local unavailable: {reason}")
    with embedded_db.start(backend, 0) as db:
        client = boto3.client("dynamodb", endpoint_url=db.endpoint_url, config=client_config(4, 2.0, 10.0))
        table = f"authorize-it-{uuid.uuid4().hex[:8]}"
        ensure_table(client, table)
        demo = seed_demo(DynamoDBStore(client, table))
        assert demo["totp_secret"], "the demo seed must create hubot with TOTP"
        yield Database(backend, db.endpoint_url, table, client, demo["totp_secret"])


@pytest.fixture(scope="module")
def api(database: Database) -> Iterator[Api]:
    """The handler in this process (one invocation at a time) behind the HTTP server."""
    settings = dataclasses.replace(Settings.from_env(), table_name=database.table)
    client = boto3.client(
        "dynamodb",
        endpoint_url=database.endpoint_url,
        config=client_config(settings.dynamodb_max_attempts, 2.0, 10.0),
    )
    invoker = InProcessInvoker(UseCases.build(DynamoDBStore(client, database.table), settings))
    server = LocalApiServer(invoker, quiet=True).start_in_thread()
    try:
        yield Api(server.base_url, database)
    finally:
        server.stop()
        invoker.module.set_use_cases(None)


@pytest.fixture(scope="module")
def pool_api(database: Database) -> Iterator[Api]:
    """The handler in 4 worker processes (4 concurrent "containers") behind the HTTP server."""
    invoker = ProcessPoolInvoker(
        4, env={"AWS_ENDPOINT_URL_DYNAMODB": database.endpoint_url, "TABLE_NAME": database.table}
    )
    server = LocalApiServer(invoker, quiet=True).start_in_thread()
    try:
        yield Api(server.base_url, database)
    finally:
        server.stop()
        invoker.close()

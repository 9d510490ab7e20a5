"""Handler tests: the real Lambda handler, API Gateway events from events/, DynamoDB from moto,
with the table built from template.yaml."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from authorize.adapters.dynamodb.store import DynamoDBStore
from authorize.composition import UseCases
from authorize.settings import Settings
from authorize.usecases import admin
from authorize_local.table_schema import ensure_table
from moto import mock_aws

from tests.support import SEALER

EVENTS = Path(__file__).resolve().parents[2] / "events"
TABLE = "authorize-test"
CLIENT_ID = "abcde12345fghij67890"
CLIENT_SECRET = "abcd" * 10
PASSWORD = "correct-horse-battery-staple"


@dataclass
class Context:
    function_name: str = "AuthorizeFunction"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:AuthorizeFunction"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def load_event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


def make_event(event: dict[str, Any] | str, **changes: Any) -> dict[str, Any]:
    """A copy of an events/ file (or dict) with headers replaced (``None`` removes) and fields changed."""
    ev = copy.deepcopy(load_event(event) if isinstance(event, str) else event)
    headers = dict(ev.get("headers") or {})
    for name, value in changes.pop("headers", {}).items():
        for existing in [k for k in headers if k.lower() == name.lower()]:
            del headers[existing]
        if value is not None:
            headers[name] = value
    ev["headers"] = headers
    ev["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
    ev.update(changes)
    return ev


def header_of(response: dict[str, Any], name: str) -> str | None:
    for key, value in (response.get("headers") or {}).items():
        if key.lower() == name.lower():
            return value
    for key, values in (response.get("multiValueHeaders") or {}).items():
        if key.lower() == name.lower():
            return values[-1]
    return None


@dataclass
class World:
    client: Any
    store: DynamoDBStore
    totp_secret: str
    app_module: Any

    def invoke(self, event: dict[str, Any] | str, **changes: Any) -> dict[str, Any]:
        return self.app_module.lambda_handler(make_event(event, **changes), Context())

    def json(self, response: dict[str, Any]) -> Any:
        return json.loads(response["body"]) if response.get("body") else None

    def dump(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"TableName": TABLE}
        while True:
            page = self.client.scan(**kwargs)
            items.extend(page["Items"])
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@pytest.fixture
def world():
    import app as app_module

    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        ensure_table(client, TABLE)
        store = DynamoDBStore(client, TABLE)
        admin.create_user(store, "monalisa", PASSWORD)
        hubot = admin.create_user(store, "hubot", PASSWORD, with_totp=True, sealer=SEALER)
        admin.create_app(
            store, "my github app", "http://my-github-app.com", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )
        app_module.set_use_cases(UseCases.build(store, Settings.from_env()))
        try:
            yield World(client, store, hubot["totp_secret"], app_module)
        finally:
            app_module.set_use_cases(None)

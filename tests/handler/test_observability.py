"""Structured logs with the API Gateway request id, and EMF metrics for the events operators watch."""

from __future__ import annotations

import io
import json

import pyotp
from authorize.composition import UseCases
from authorize.settings import Settings

from tests.handler.conftest import TABLE
from tests.support import SEALER


def emitted(capsys) -> tuple[list[dict], dict[str, float]]:
    """Log records and metric totals printed by the handler (Powertools writes both to stdout)."""
    logs: list[dict] = []
    metrics: dict[str, float] = {}
    for line in capsys.readouterr().out.splitlines():
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        if "_aws" in record:
            for directive in record["_aws"]["CloudWatchMetrics"]:
                assert directive["Namespace"] == "Authorize"
                for metric in directive["Metrics"]:
                    metrics[metric["Name"]] = metrics.get(metric["Name"], 0) + sum(record[metric["Name"]])
        else:
            logs.append(record)
    return logs, metrics


def test_metrics_for_each_outcome(world, capsys):
    world.app_module.set_use_cases(
        UseCases.build(world.store, Settings(table_name=TABLE, lockout_max_failures=2), sealer=SEALER)
    )
    capsys.readouterr()
    world.invoke("put-create.json")
    world.invoke("put-existing.json")
    world.invoke("put-2fa-required.json")
    world.invoke("put-2fa-required.json", headers={"X-GitHub-OTP": pyotp.TOTP(world.totp_secret).now()})
    world.invoke("put-bad-credentials.json")
    world.invoke("put-bad-credentials.json")
    world.invoke("put-bad-credentials.json")  # locked out now
    _, metrics = emitted(capsys)
    assert metrics == {
        "AuthorizationsCreated": 2,
        "AuthorizationsReturned": 1,
        "TwoFactorChallenges": 1,
        "FailedLogins": 2,
        "Lockouts": 1,
    }


def test_logs_carry_the_request_id_and_no_credentials(world):
    handler = world.app_module.logger.registered_handler
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        response = world.invoke("put-create.json")
    finally:
        handler.setStream(previous)
    token = world.json(response)["token"]
    logs = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    request_id = response["multiValueHeaders"]["X-GitHub-Request-Id"][0]
    entries = [entry for entry in logs if entry.get("message") == "get-or-create"]
    assert entries and entries[0]["correlation_id"] == request_id
    assert entries[0]["authorization_created"] is True
    out = json.dumps(logs)
    assert token not in out and "Basic " not in out and "correct-horse" not in out

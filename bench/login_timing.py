"""Bad-credential timing: a known login against an unknown one, in-process.

Runs the real Lambda handler over moto's in-process DynamoDB and times ``PUT
/authorizations/clients/{client_id}`` with a wrong password, alternating a login that exists and one
that does not. An unknown login is verified against a dummy argon2id hash of the same cost
(passwords.py), so the two medians should be close: a ratio far from 1 would let a caller tell which
logins exist.

    .venv/bin/python bench/login_timing.py [--requests 50] [--json]

Prints both medians and ``ratio unknown/known``; with ``--json``, one JSON object instead. The lockout
limit is lifted for the run (every request must reach the password check).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT / "functions" / "authorize", ROOT / "layers" / "authorize", ROOT / "local"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "TABLE_NAME": "authorize-bench",
        "TOTP_ENCRYPTION_KEY": base64.b64encode(b"b" * 32).decode(),
        "POWERTOOLS_TRACE_DISABLED": "1",
        "POWERTOOLS_SERVICE_NAME": "authorize",
        "POWERTOOLS_METRICS_NAMESPACE": "Authorize",
    }
)
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_PROFILE", None)

KNOWN = "monalisa"
UNKNOWN = "nobody-by-that-name"
PASSWORD = "correct-horse-battery-staple"  # the demo password of events/
CLIENT_ID = "abcde12345fghij67890"


class _Context:
    function_name = "AuthorizeFunction"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:AuthorizeFunction"
    aws_request_id = "00000000-0000-0000-0000-000000000000"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def _event(login: str) -> dict[str, Any]:
    event = json.loads((ROOT / "events" / "put-bad-credentials.json").read_text())
    value = "Basic " + base64.b64encode(f"{login}:wrong-password".encode()).decode()
    headers = {k: v for k, v in event["headers"].items() if k.lower() != "authorization"}
    headers["Authorization"] = value
    event["headers"] = headers
    event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
    return event


def measure(requests: int, warmup: int = 5) -> dict[str, Any]:
    import app as app_module
    import boto3
    from authorize.adapters.dynamodb.store import DynamoDBStore
    from authorize.composition import UseCases
    from authorize.settings import Settings
    from authorize.usecases import admin
    from authorize_local.table_schema import ensure_table
    from moto import mock_aws

    warnings.filterwarnings("ignore", message="No application metrics to publish")
    app_module.logger.setLevel("WARNING")
    times: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        table = os.environ["TABLE_NAME"]
        ensure_table(client, table)
        store = DynamoDBStore(client, table)
        admin.create_user(store, KNOWN, PASSWORD)
        admin.create_app(store, "bench app", "https://bench.example", client_id=CLIENT_ID)
        settings = Settings.from_env()
        settings = Settings(**{**settings.__dict__, "lockout_max_failures": 10**9})
        app_module.set_use_cases(UseCases.build(store, settings))
        events = {login: _event(login) for login in times}
        context = _Context()
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # EMF metrics lines
                for i in range(warmup + requests):
                    order = (KNOWN, UNKNOWN) if i % 2 == 0 else (UNKNOWN, KNOWN)
                    for login in order:
                        started = time.perf_counter()
                        response = app_module.lambda_handler(events[login], context)
                        elapsed = time.perf_counter() - started
                        if response["statusCode"] != 401:
                            raise RuntimeError(f"expected 401 for {login}, got {response['statusCode']}")
                        if i >= warmup:
                            times[login].append(elapsed)
        finally:
            app_module.set_use_cases(None)
    known = statistics.median(times[KNOWN])
    unknown = statistics.median(times[UNKNOWN])
    return {
        "requests": requests,
        "known_login_median_ms": round(known * 1000, 3),
        "unknown_login_median_ms": round(unknown * 1000, 3),
        "ratio_unknown_to_known": round(unknown / known, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="bad-credential requests per login (50)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.requests < 1:
        parser.error("--requests must be at least 1")
    result = measure(args.requests)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"known login   median {result['known_login_median_ms']:.3f} ms over {args.requests} requests")
        print(f"unknown login median {result['unknown_login_median_ms']:.3f} ms over {args.requests} requests")
        print(f"ratio unknown/known {result['ratio_unknown_to_known']:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

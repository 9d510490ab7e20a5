"""Shared pieces of the benchmarks: paths, a Lambda-like environment, events, seeding and statistics."""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FUNCTION_DIR = ROOT / "functions" / "authorize"
LAYER_DIR = ROOT / "layers" / "authorize"
LOCAL_DIR = ROOT / "local"
EVENTS = ROOT / "events"
STATE_DIR = ROOT / ".local" / "bench"
for _path in (FUNCTION_DIR, LAYER_DIR, LOCAL_DIR):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

PASSWORD = "correct-horse-battery-staple"  # the demo password of events/
CLIENT_ID = "abcde12345fghij67890"  # the demo app of events/
CLIENT_SECRET = "abcd" * 10
USER = "monalisa"
TWO_FACTOR_USER = "hubot"
REGION = "us-east-1"

# What the function sees in AWS (template.yaml's Globals), less X-Ray: no daemon runs here.
LAMBDA_ENV = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "TOTP_ENCRYPTION_KEY": base64.b64encode(b"bench-totp-key-32-bytes-long!!!!").decode(),
    "POWERTOOLS_TRACE_DISABLED": "1",
    "POWERTOOLS_SERVICE_NAME": "authorize",
    "POWERTOOLS_METRICS_NAMESPACE": "Authorize",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "LOG_LEVEL": "INFO",
}


def setup_env(table: str = "authorize-bench") -> None:
    """A Lambda-like environment for in-process runs; call before importing the handler."""
    os.environ.update(LAMBDA_ENV)
    os.environ["TABLE_NAME"] = table
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    import warnings

    warnings.filterwarnings("ignore", message="No application metrics to publish")


def log(message: str) -> None:
    """Progress goes to stderr: stdout may be a JSON result."""
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def stdout_to_devnull() -> Iterator[None]:
    """Silence fd 1 (Powertools' log lines and EMF metrics) while keeping their cost in the timing."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


# --- the handler ------------------------------------------------------------------------------------


@dataclass
class Context:
    function_name: str = "AuthorizeFunction"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:AuthorizeFunction"
    aws_request_id: str = "00000000-0000-0000-0000-000000000000"
    log_group_name: str = "/aws/lambda/AuthorizeFunction"
    log_stream_name: str = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


_TEMPLATE: dict[str, Any] | None = None


def event(
    method: str,
    path: str,
    *,
    auth: str | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway (REST, proxy) event, built from events/put-create.json."""
    global _TEMPLATE
    if _TEMPLATE is None:
        _TEMPLATE = json.loads((EVENTS / "put-create.json").read_text())
    ev = copy.deepcopy(_TEMPLATE)
    all_headers = {k: v for k, v in ev["headers"].items() if k.lower() != "authorization"}
    if auth is not None:
        all_headers["Authorization"] = auth
    all_headers.update(headers or {})
    ev.update(
        httpMethod=method,
        path=path,
        resource="/{proxy+}",
        pathParameters={"proxy": path.lstrip("/")},
        body=json.dumps(body) if isinstance(body, dict | list) else body,
        headers=all_headers,
        multiValueHeaders={k: [v] for k, v in all_headers.items()},
        queryStringParameters=query,
        multiValueQueryStringParameters={k: [v] for k, v in query.items()} if query else None,
    )
    ev["requestContext"].update(httpMethod=method, path=f"/dev{path}", resourcePath="/{proxy+}")
    return ev


def put_event(fingerprint: str | None = None, *, login: str = USER, password: str = PASSWORD, otp: str | None = None):
    path = f"/authorizations/clients/{CLIENT_ID}" + (f"/{fingerprint}" if fingerprint else "")
    body = {"client_secret": CLIENT_SECRET, "scopes": ["public_repo"], "note": "admin script"}
    return event("PUT", path, auth=basic(login, password), body=body, headers={"X-GitHub-OTP": otp} if otp else None)


def dynamodb_client(endpoint_url: str | None = None) -> Any:
    """A client configured as the function configures its own (retries, timeouts, keep-alive)."""
    import boto3
    from authorize.adapters.dynamodb.faults import client_config
    from authorize.settings import Settings

    settings = Settings.from_env()
    config = client_config(settings.dynamodb_max_attempts, settings.dynamodb_connect_timeout, 30.0)
    return boto3.client("dynamodb", endpoint_url=endpoint_url, region_name=REGION, config=config)


def seed(store: Any) -> dict[str, Any]:
    """The demo user, a 2FA user and the demo app; returns the 2FA user's TOTP secret."""
    from authorize.composition import sealer_for
    from authorize.settings import Settings
    from authorize.usecases import admin

    admin.create_user(store, USER, PASSWORD)
    hubot = admin.create_user(store, TWO_FACTOR_USER, PASSWORD, with_totp=True, sealer=sealer_for(Settings.from_env()))
    admin.create_app(
        store, "my github app", "http://my-github-app.com", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    return {"totp_secret": hubot["totp_secret"]}


def new_table(client: Any, prefix: str = "authorize-bench") -> str:
    import uuid

    from authorize_local.table_schema import ensure_table

    table = f"{prefix}-{uuid.uuid4().hex[:8]}"
    ensure_table(client, table)
    return table


# --- statistics -----------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); with few samples p99 is close to the maximum."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(seconds),
        "median_ms": round(statistics.median(seconds) * 1000, 3),
        "p95_ms": round(percentile(seconds, 95) * 1000, 3),
        "p99_ms": round(percentile(seconds, 99) * 1000, 3),
        "min_ms": round(min(seconds) * 1000, 3),
    }


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def python313() -> str | None:
    """A CPython 3.13 (the Lambda runtime's version): on PATH, or from pyenv."""
    import shutil
    import subprocess

    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    versions = pyenv_root / "versions"
    candidates = [str(p / "bin" / "python") for p in sorted(versions.glob("3.13.*"), reverse=True)]
    candidates.append(shutil.which("python3.13") or "")
    for candidate in candidates:
        if not candidate or not os.access(candidate, os.X_OK):
            continue
        try:
            out = subprocess.run(
                [candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 13))"],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.stdout.strip() == "True":
            return candidate
    return None


def write_json(path: str | None, data: Any) -> None:
    text = json.dumps(data, indent=2, sort_keys=False)
    if path:
        Path(path).write_text(text + "\n")
    else:
        print(text)


@contextlib.contextmanager
def embedded_backends(local_endpoint: str | None = None) -> Iterator[dict[str, str]]:
    """Endpoints of moto's server and DynamoDB Local (``local_endpoint``, or one started here when java and
    the jar are present), stopped again on exit."""
    from authorize_local import embedded_db

    started = []
    try:
        moto = embedded_db.start("moto", 0)
        started.append(moto)
        endpoints = {"moto": moto.endpoint_url}
        if local_endpoint:
            endpoints["local"] = local_endpoint
        elif embedded_db.dynamodb_local_unavailable_reason() is None:
            local = embedded_db.start("local", 0)
            started.append(local)
            endpoints["local"] = local.endpoint_url
        yield endpoints
    finally:
        for db in started:
            db.stop()


def reserve_request(table: str, lock: dict[str, Any], expires_at: int, max_failures: int) -> dict[str, Any]:
    """The lockout's reservation as the bare handlers send it: the store's conditional ``UpdateItem``
    (``DynamoDBStore.reserve_attempt``), written out so that the baseline runs none of the product's code."""
    return {
        "TableName": table,
        "Key": lock,
        "UpdateExpression": "ADD #failures :one SET #ttl = :ttl",
        "ConditionExpression": "attribute_not_exists(#failures) OR #failures < :max",
        "ExpressionAttributeNames": {"#failures": "failures", "#ttl": "ttl"},
        "ExpressionAttributeValues": {
            ":one": {"N": "1"},
            ":ttl": {"N": str(expires_at)},
            ":max": {"N": str(max_failures)},
        },
    }

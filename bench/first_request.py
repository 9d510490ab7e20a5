"""The honest cold start: a fresh process's init and first request, against a bare botocore handler.

Both sides run as ``bench.cold_start`` runs its imports (CPython 3.13, the built function and layer,
a Lambda-like environment) and talk to the same DynamoDB Local table, in an interleaved random order:

``app``    ``import app``, then ``app.lambda_handler`` on a PUT of an existing authorization: what a
           new container's first request does (BatchGetItem, a reserved attempt around one argon2id
           verification -- UpdateItem, DeleteItem -- and the refused TransactWriteItems that returns
           the stored authorization), answering 200
``bare``   ``import botocore.session`` and ``argon2``, one client configured as the function's, and
           exactly those calls with parameters built beforehand, then a 200 answer

Tracing: the same switch as the import figures (``POWERTOOLS_TRACE_DISABLED``); with tracing on the
X-Ray SDK sends its segments by UDP to a loopback port nothing listens on (as the X-Ray daemon's
address in Lambda), so their cost is included.
"""

from __future__ import annotations

import dataclasses
import json
import random
import statistics
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

from bench import common

_APP = r"""
import json, sys, time
t0, c0 = time.perf_counter(), time.process_time()
import app
t1 = time.perf_counter()
class Context:
    function_name = "AuthorizeFunction"; function_version = "$LATEST"; memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:AuthorizeFunction"
    aws_request_id = "00000000-0000-0000-0000-000000000001"
    def get_remaining_time_in_millis(self): return 10000
event = json.load(open(sys.argv[1]))["event"]
response = app.lambda_handler(event, Context())
t2 = time.perf_counter()
assert response["statusCode"] == 200, response
sys.stdout.write("%r %r %r\n" % (t1 - t0, t2 - t1, time.process_time() - c0))
"""

_BARE = r"""
import json, sys, time
t0, c0 = time.perf_counter(), time.process_time()
import uuid
import botocore.session
from argon2 import PasswordHasher, Type
from botocore.config import Config
from botocore.exceptions import ClientError
plan = json.load(open(sys.argv[1]))
client = botocore.session.get_session().create_client("dynamodb", config=Config(
    retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=1.0, read_timeout=1.5,
    tcp_keepalive=True))
t1 = time.perf_counter()
client.batch_get_item(**plan["batch"])
client.update_item(**plan["reserve"])
PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16,
               type=Type.ID).verify(plan["hash"], plan["password"])
client.delete_item(**plan["release"])
try:
    client.transact_write_items(TransactItems=plan["transaction"], ClientRequestToken=str(uuid.uuid4()))
    raise SystemExit("the transaction on an existing key succeeded")
except ClientError as exc:
    if exc.response["Error"]["Code"] != "TransactionCanceledException":
        raise
    item = exc.response["CancellationReasons"][0]["Item"]
body = json.dumps({"id": int(item["id"]["N"])})
response = {"statusCode": 200, "body": body}
t2 = time.perf_counter()
sys.stdout.write("%r %r %r\n" % (t1 - t0, t2 - t1, time.process_time() - c0))
"""


def prepare(endpoint_url: str, work: Path) -> tuple[Path, dict[str, str]]:
    """A table with the demo data and one authorization; the plan file both sides read; their env."""
    import app as app_module
    from authorize.adapters.dynamodb.items import authorization_items
    from authorize.adapters.dynamodb.keys import app_key, lock_key, user_key
    from authorize.adapters.dynamodb.store import DynamoDBStore
    from authorize.composition import UseCases
    from authorize.domain.lockout import Window
    from authorize.settings import Settings

    common.setup_env("authorize-first-request")
    client = common.dynamodb_client(endpoint_url)
    table = common.new_table(client, "authorize-first-request")
    store = DynamoDBStore(client, table)
    common.seed(store)
    settings = dataclasses.replace(Settings.from_env(), table_name=table)
    app_module.set_use_cases(UseCases.build(store, settings))
    try:
        with common.stdout_to_devnull():
            created = app_module.lambda_handler(common.put_event(), common.Context())
    finally:
        app_module.set_use_cases(None)
    assert created["statusCode"] == 201, created
    existing = store.list_authorizations(store.load_login_context(common.USER, None, 0).user.id)[0]  # type: ignore[union-attr]
    stored_hash = store.load_login_context(common.USER, None, 0).user.password_hash  # type: ignore[union-attr]
    window = Window.containing(time.time(), settings.lockout_window_seconds)
    lock = lock_key(common.USER, window.start)
    retry = existing.model_copy(update={"id": existing.id + 1, "hashed_token": uuid.uuid4().hex * 2})
    primary, guard, token = authorization_items(retry)
    plan = {
        "event": common.put_event(),
        "hash": stored_hash,
        "password": common.PASSWORD,
        "batch": {
            "RequestItems": {
                table: {"Keys": [user_key(common.USER), lock, app_key(common.CLIENT_ID)], "ConsistentRead": True}
            }
        },
        "reserve": common.reserve_request(table, lock, window.counter_expires, settings.lockout_max_failures),
        "release": {
            "TableName": table,
            "Key": lock,
            "ConditionExpression": "#failures = :one",
            "ExpressionAttributeNames": {"#failures": "failures"},
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        },
        "transaction": [
            {
                "Put": {
                    "TableName": table,
                    "Item": primary,
                    "ConditionExpression": "attribute_not_exists(pk) OR #ttl < :now",
                    "ExpressionAttributeNames": {"#ttl": "ttl"},
                    "ExpressionAttributeValues": {":now": {"N": str(int(time.time()))}},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
            {"Put": {"TableName": table, "Item": guard, "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"TableName": table, "Item": token, "ConditionExpression": "attribute_not_exists(pk)"}},
        ],
    }
    path = work / "first-request-plan.json"
    path.write_text(json.dumps(plan))
    env = {
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint_url,
        "TABLE_NAME": table,
        "TOTP_ENCRYPTION_KEY": common.LAMBDA_ENV["TOTP_ENCRYPTION_KEY"],
        "PASSWORD_CACHE_SECONDS": "300",
        # Where the X-Ray SDK sends segments when tracing is on: a loopback port nothing listens on.
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
        "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    }
    return path, env


def _child(python: str, code: str, plan: Path, env: dict[str, str]) -> tuple[float, float, float]:
    done = subprocess.run(
        [python, "-B", "-c", code, str(plan)], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"first request failed: {done.stderr.strip()[-800:]}")
    init, invoke, cpu = done.stdout.strip().splitlines()[-1].split()  # after the function's log lines
    return float(init), float(invoke), float(cpu)


def measure(python: str, base_env: dict[str, str], endpoint_url: str, work: Path, runs: int) -> dict[str, Any]:
    plan, extra = prepare(endpoint_url, work)
    variants = {
        "app": (_APP, {**base_env, **extra}),
        "app_untraced": (_APP, {**base_env, **extra, "POWERTOOLS_TRACE_DISABLED": "1"}),
        "bare": (_BARE, {**base_env, **extra}),
    }
    samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name in variants}
    for code, env in variants.values():  # one unrecorded run each: page cache, table warm
        _child(python, code, plan, env)
    rng = random.Random(7)
    for _ in range(runs):
        order = list(variants)
        rng.shuffle(order)
        for name in order:
            code, env = variants[name]
            samples[name].append(_child(python, code, plan, env))
    out: dict[str, Any] = {"runs": runs}
    for name, values in samples.items():
        totals = [a + b for a, b, _ in values]
        out[name] = {
            "init_median_ms": round(statistics.median(a for a, _, _ in values) * 1000, 1),
            "invoke_median_ms": round(statistics.median(b for _, b, _ in values) * 1000, 1),
            "total_median_ms": round(statistics.median(totals) * 1000, 1),
            "cpu_median_ms": round(statistics.median(c for _, _, c in values) * 1000, 1),
        }
    bare = out["bare"]
    for name in ("app", "app_untraced"):
        out[name]["ratio_to_bare"] = round(out[name]["total_median_ms"] / bare["total_median_ms"], 2)
        out[name]["cpu_ratio_to_bare"] = round(out[name]["cpu_median_ms"] / bare["cpu_median_ms"], 2)
    return out

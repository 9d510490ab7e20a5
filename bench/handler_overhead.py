"""Handler overhead: the real ``lambda_handler`` against the bare boto3 calls it has to make.

Same DynamoDB (DynamoDB Local when it can run here, else moto's server), same client configuration,
same process and run, variants interleaved in a shuffled order on every iteration:

``handler``             ``app.lambda_handler`` on an API Gateway event, password cache off
                        (``PASSWORD_CACHE_SECONDS=0``): one argon2id verification per request
``handler_cached``      the same with the warm-container cache of verified credentials on and warm
``bare``                only the DynamoDB calls of that request, parameters built beforehand: one
                        BatchGetItem (user, lockout counter, app and the authorization under its
                        get-or-create key), and for a create one TransactWriteItems (3 conditional puts)
``bare_verify``         ``bare`` plus one argon2id verification inside a reserved attempt (UpdateItem
                        before, DeleteItem after: what the handler cannot avoid with the cache off)
``verify``              one argon2id verification alone (m=19456 KiB, t=2, p=1)

for two paths: ``existing`` (PUT of an authorization that exists, warm container: 200, the batch
read returns it and nothing is written) and ``create`` (PUT with a new fingerprint: 201).

    .venv/bin/python -m bench.handler_overhead [--iterations 120] [--endpoint URL] [--json [FILE]]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import time
import uuid
from typing import Any

from bench import common

VARIANTS = ("handler", "handler_cached", "bare", "bare_verify", "verify")


def _ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else float("nan")


def measure(endpoint_url: str, backend: str, iterations: int = 120, warmup: int = 15) -> dict[str, Any]:
    """Run the interleaved measurement; the caller silences stdout (the function logs every request)."""
    import app as app_module
    from argon2 import PasswordHasher, Type
    from authorize.adapters.dynamodb.items import authorization_items
    from authorize.adapters.dynamodb.keys import app_key, keyed_authorization_key, lock_key, user_key
    from authorize.adapters.dynamodb.store import DynamoDBStore
    from authorize.composition import UseCases
    from authorize.domain.lockout import Window
    from authorize.ports import AuthorizationKey
    from authorize.settings import Settings

    client = common.dynamodb_client(endpoint_url)
    table = common.new_table(client, "authorize-overhead")
    store = DynamoDBStore(client, table)
    common.seed(store)
    settings = dataclasses.replace(Settings.from_env(), table_name=table)
    service = UseCases.build(store, settings)
    app_module.set_use_cases(service)
    context = common.Context()
    # The same parameters as passwords.py (asserted below against the stored hash).
    hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)
    stored_hash = store.load_login_context(common.USER, None, 0).user.password_hash  # type: ignore[union-attr]
    assert stored_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$"), stored_hash
    window = Window.containing(time.time(), settings.lockout_window_seconds)
    window_start = window.start

    def batch_request(user_id: int, fingerprint: str | None) -> dict[str, Any]:
        """The handler's login batch: user, lockout counter, app, authorization under its key."""
        keyed = keyed_authorization_key(AuthorizationKey(user_id, common.CLIENT_ID, fingerprint))
        keys = [user_key(common.USER), lock_key(common.USER, window_start), app_key(common.CLIENT_ID), keyed]
        return {table: {"Keys": keys, "ConsistentRead": True}}

    def invoke(ev: dict[str, Any], expect: int) -> None:
        response = app_module.lambda_handler(ev, context)
        if response["statusCode"] != expect:
            raise RuntimeError(f"expected {expect}, got {response['statusCode']}: {response.get('body')}")

    # The existing authorization, and the handler's own transaction for it, captured once.
    invoke(common.put_event(), 201)
    existing = store.list_authorizations(1)[0]

    def transaction(record: Any) -> list[dict[str, Any]]:
        primary, guard, token = authorization_items(record)
        free_key = {
            "ConditionExpression": "attribute_not_exists(pk) OR #ttl < :now",
            "ExpressionAttributeNames": {"#ttl": "ttl"},
            "ExpressionAttributeValues": {":now": {"N": str(int(time.time()))}},
        }
        return [
            {
                "Put": {
                    "TableName": table,
                    "Item": primary,
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    **free_key,
                }
            },
            {"Put": {"TableName": table, "Item": guard, "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"TableName": table, "Item": token, "ConditionExpression": "attribute_not_exists(pk)"}},
        ]

    existing_batch = batch_request(existing.user_id, None)
    found = client.batch_get_item(RequestItems=existing_batch)["Responses"][table]
    assert len(found) == 3, "user, app and the existing authorization (no lockout counter)"
    counter = iter(range(10**9))

    def fresh_record() -> Any:
        n = next(counter)
        return existing.model_copy(
            update={"id": existing.id + 1000 + n, "hashed_token": f"{n:064x}", "fingerprint": f"bench-{n}"}
        )

    # A password not yet verified in the container is a guess: the handler reserves an attempt on the
    # window's counter first and gives it back after (the lockout's price); so does ``bare_verify``.
    lock = lock_key(common.USER, window_start)
    reserve = common.reserve_request(table, lock, window.counter_expires, settings.lockout_max_failures)
    release = {
        "TableName": table,
        "Key": lock,
        "ConditionExpression": "#failures = :one",
        "ExpressionAttributeNames": {"#failures": "failures"},
        "ExpressionAttributeValues": {":one": {"N": "1"}},
    }

    def bare(batch: dict[str, Any], items: list[dict[str, Any]] | None, verify: bool = False) -> None:
        client.batch_get_item(RequestItems=batch)
        if verify:
            client.update_item(**reserve)
            hasher.verify(stored_hash, common.PASSWORD)
            client.delete_item(**release)
        if items is not None:
            client.transact_write_items(TransactItems=items, ClientRequestToken=str(uuid.uuid4()))

    def cache(on: bool) -> None:
        service.deps.passwords.cache_seconds = 300 if on else 0

    def run_variant(path: str, variant: str) -> float:
        created = path == "create"
        if variant in ("handler", "handler_cached"):
            cache(variant == "handler_cached")
            ev = common.put_event(f"fp-{next(counter)}" if created else None)
            return common.timed(lambda: invoke(ev, 201 if created else 200))
        if variant == "verify":
            return common.timed(lambda: hasher.verify(stored_hash, common.PASSWORD))
        if created:
            record = fresh_record()
            batch, items = batch_request(record.user_id, record.fingerprint), transaction(record)
        else:
            batch, items = existing_batch, None
        return common.timed(lambda: bare(batch, items, verify=variant == "bare_verify"))

    plan = [("existing", v) for v in VARIANTS] + [("create", v) for v in VARIANTS if v != "verify"]
    samples: dict[tuple[str, str], list[float]] = {key: [] for key in plan}
    rng = random.Random(20260105)
    cache(True)
    service.deps.passwords.clear_cache()
    invoke(common.put_event(), 200)  # warms the credentials cache
    try:
        for i in range(warmup + iterations):
            order = list(plan)
            rng.shuffle(order)
            for path, variant in order:
                elapsed = run_variant(path, variant)
                if i >= warmup:
                    samples[(path, variant)].append(elapsed)
        cache(True)
        repeat = common.put_event()
        python_only = replayed(client, lambda: invoke(repeat, 200), existing_batch, rng, iterations * 4)
    finally:
        app_module.set_use_cases(None)

    stats = {f"{path}.{variant}": common.summary_ms(values) for (path, variant), values in samples.items()}
    result: dict[str, Any] = {
        "backend": backend,
        "iterations": iterations,
        "argon2": {"memory_kib": 19456, "time_cost": 2, "parallelism": 1, **stats["existing.verify"]},
        "password_cache_switch": "PasswordVerifier.cache_seconds (0 = off; PASSWORD_CACHE_SECONDS), clear_cache()",
        "latency": stats,
        "ratios": {},
        "python_only_existing": python_only,
    }
    verify_median = stats["existing.verify"]["median_ms"]

    def paired(numerator: str, denominator: str) -> float:
        """Median of per-iteration ratios: each pair ran within one shuffled round, so slow drifts in
        the machine's load cancel out."""
        pairs = zip(samples[(path, numerator)], samples[(path, denominator)], strict=True)
        return round(statistics.median(a / b for a, b in pairs), 3)

    for path in ("existing", "create"):
        h, hc = stats[f"{path}.handler"], stats[f"{path}.handler_cached"]
        b, bv = stats[f"{path}.bare"], stats[f"{path}.bare_verify"]
        result["ratios"][path] = {
            # both sides pay one argon2id verification
            "including_argon2_median": _ratio(h["median_ms"], bv["median_ms"]),
            "including_argon2_p99": _ratio(h["p99_ms"], bv["p99_ms"]),
            # neither does: credentials cache warm against the bare DynamoDB calls
            "excluding_argon2_median": _ratio(hc["median_ms"], b["median_ms"]),
            "excluding_argon2_p99": _ratio(hc["p99_ms"], b["p99_ms"]),
            # the cold-cache handler less the separately measured verification
            "excluding_argon2_by_subtraction_median": _ratio(h["median_ms"] - verify_median, b["median_ms"]),
            "including_argon2_paired": paired("handler", "bare_verify"),
            "excluding_argon2_paired": paired("handler_cached", "bare"),
            "excluding_argon2_min": _ratio(hc["min_ms"], b["min_ms"]),
            "handler_overhead_ms": round(hc["median_ms"] - b["median_ms"], 3),
            "password_cache_saves_ms": round(h["median_ms"] - hc["median_ms"], 3),
        }
    return result


class _Body:
    """A recorded response body, streamed again (what botocore reads from urllib3)."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def replayed(client: Any, handler: Any, batch: dict[str, Any], rng: random.Random, n: int) -> dict[str, Any]:
    """The warm repeat's Python time alone: DynamoDB's answer to its one BatchGetItem is recorded once and
    replayed in-process (a ``before-send`` hook), so handler and bare call run everything botocore runs
    (serialise, sign, parse, CRC check) but wait for no network. Less sensitive to load than the figures
    over loopback: the difference is the handler's own work in microseconds."""
    from botocore.awsrequest import AWSResponse

    recorded: dict[str, Any] = {}

    def record(http_response: Any, **_: Any) -> None:
        recorded["answer"] = (http_response.status_code, dict(http_response.headers), http_response.content)

    def replay(request: Any, **_: Any) -> Any:
        status, headers, body = recorded["answer"]
        return AWSResponse(request.url, status, headers, _Body(body))

    events = client.meta.events
    events.register("after-call.dynamodb.BatchGetItem", record, unique_id="bench-record")
    client.batch_get_item(RequestItems=batch)
    events.unregister("after-call.dynamodb.BatchGetItem", unique_id="bench-record")
    events.register_first("before-send.dynamodb.BatchGetItem", replay, unique_id="bench-replay")
    samples: dict[str, list[float]] = {"handler": [], "bare": []}
    try:
        variants = {"handler": handler, "bare": lambda: client.batch_get_item(RequestItems=batch)}
        for i in range(n + 50):
            order = list(variants)
            rng.shuffle(order)
            for name in order:
                elapsed = common.timed(variants[name])
                if i >= 50:
                    samples[name].append(elapsed)
    finally:
        events.unregister("before-send.dynamodb.BatchGetItem", unique_id="bench-replay")
    handler_us = statistics.median(samples["handler"]) * 1e6
    bare_us = statistics.median(samples["bare"]) * 1e6
    return {
        "n": n,
        "handler_median_us": round(handler_us),
        "bare_median_us": round(bare_us),
        "overhead_us": round(handler_us - bare_us),
        "handler_min_us": round(min(samples["handler"]) * 1e6),
        "bare_min_us": round(min(samples["bare"]) * 1e6),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=120)
    parser.add_argument("--endpoint", help="a running DynamoDB (default: start DynamoDB Local, else moto)")
    parser.add_argument("--json", metavar="FILE", nargs="?", const="-")
    args = parser.parse_args(argv)
    common.setup_env("authorize-overhead")
    from authorize_local import embedded_db

    db = None
    endpoint, backend = args.endpoint, "given endpoint"
    if endpoint is None:
        db = embedded_db.start("auto", 0)
        endpoint, backend = db.endpoint_url, db.backend
    elif "BENCH_BACKEND" in os.environ:
        backend = os.environ["BENCH_BACKEND"]
    try:
        with common.stdout_to_devnull():  # the function's log lines and metrics
            result = measure(endpoint, backend, args.iterations)
    finally:
        if db is not None:
            db.stop()
    if args.json:
        common.write_json(None if args.json == "-" else args.json, result)
    else:
        for key, s in result["latency"].items():
            print(f"{key:28} median {s['median_ms']:8.3f} ms   p99 {s['p99_ms']:8.3f} ms")
        for path, r in result["ratios"].items():
            print(path, r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The embedded DynamoDBs as data grows: moto's server against DynamoDB Local.

Both tables are preloaded with BatchWriteItem to the same sizes with authorization-shaped items (each
authorization as the store writes it: the record under its key, its id guard and its token copy, 30
authorizations a user), then the database work of a creating PUT -- the store's BatchGetItem (user,
lockout counter, app) and TransactWriteItems (3 conditional puts), the calls the handler makes -- is
timed on both, interleaved. The handler's own work and argon2 are the same on both backends and left
out (see handler_overhead).

moto copies every table a transaction touches (``copy.deepcopy``, once per transaction item) to roll
back on failure, so its transactions slow down linearly with the table. Sizes it cannot reach within
the time budget are extrapolated from a least-squares line through the measured ones, and marked so.

    .venv/bin/python -m bench.backends [--sizes 1000,10000,100000] [--moto-sizes 1000,10000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench import common

PER_USER = 30


def _records(count: int, start: int = 0) -> list[Any]:
    from authorize.domain.records import AuthorizationRecord

    base = AuthorizationRecord(
        id=1,
        user_id=1,
        user_login="user",
        client_id=common.CLIENT_ID,
        app_name="my github app",
        app_url="http://my-github-app.com",
        scopes=["public_repo", "gist"],
        note="admin script",
        note_url="https://example.com/setup",
        hashed_token="0" * 64,
        token_last_eight="a1b2c3d4",
        created_at="2026-01-05T10:00:00Z",
        updated_at="2026-01-05T10:00:00Z",
    )
    out = []
    for n in range(start, start + count):
        out.append(
            base.model_copy(
                update={
                    "id": 2**40 + n,
                    "user_id": 10_000 + n // PER_USER,
                    "user_login": f"user{n // PER_USER}",
                    "hashed_token": f"{n:064x}",
                    "token_last_eight": f"{n:08x}",
                    "fingerprint": f"device-{n}",
                }
            )
        )
    return out


class Loader:
    """Grows one table to a number of items with BatchWriteItem (unprocessed items retried)."""

    def __init__(self, client: Any, table: str, threads: int) -> None:
        from authorize.adapters.dynamodb.store import DynamoDBStore

        self.client = client
        self.table = table
        self.store = DynamoDBStore(client, table)
        self.threads = threads
        self.items = 0
        self.seconds = 0.0

    def _write(self, batch: list[dict[str, Any]]) -> None:
        request = {self.table: [{"PutRequest": {"Item": item}} for item in batch]}
        for attempt in range(20):
            response = self.client.batch_write_item(RequestItems=request)
            request = response.get("UnprocessedItems") or {}
            if not request:
                return
            time.sleep(0.01 * (attempt + 1))
        raise RuntimeError("BatchWriteItem kept returning unprocessed items")

    def grow_to(self, items: int) -> None:
        from authorize.adapters.dynamodb.items import authorization_items

        records = (items - self.items) // 3
        if records <= 0:
            return
        started = time.perf_counter()
        flat = [item for record in _records(records, self.items // 3) for item in authorization_items(record)]
        batches = [flat[i : i + 24] for i in range(0, len(flat), 24)]  # 8 authorizations a request
        with ThreadPoolExecutor(self.threads) as pool:
            list(pool.map(self._write, batches))
        self.items += len(flat)
        self.seconds += time.perf_counter() - started


def _fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares line (intercept, slope per item) through (items, ms)."""
    if len(points) == 1:
        return points[0][1], 0.0
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)
    return my - slope * mx, slope


def measure(
    endpoints: dict[str, str],
    sizes: list[int],
    max_size: dict[str, int],
    *,
    samples: int = 25,
    min_samples: int = 3,
    budget_seconds: float = 6.0,
) -> dict[str, Any]:
    from authorize.adapters.dynamodb.store import DynamoDBStore

    backends = list(endpoints)
    clients = {b: common.dynamodb_client(endpoints[b]) for b in backends}
    tables = {b: common.new_table(clients[b], "authorize-growth") for b in backends}
    stores = {b: DynamoDBStore(clients[b], tables[b]) for b in backends}
    for store in stores.values():
        common.seed(store)
    # moto serialises every request (one lock): more loader threads only queue up there.
    loaders = {b: Loader(clients[b], tables[b], 1 if b == "moto" else 3) for b in backends}
    template = _records(1, 10**6)[0].model_copy(update={"user_id": 1, "user_login": common.USER})
    counter = iter(range(10**9))
    rng = random.Random(7)
    results: dict[str, Any] = {b: {"points": []} for b in backends}

    def create(store: Any) -> float:
        n = next(counter)
        record = template.model_copy(
            update={"id": 2**41 + n, "hashed_token": f"{2**60 + n:064x}", "fingerprint": f"bench-{n}"}
        )
        started = time.perf_counter()
        context = store.load_login_context(common.USER, common.CLIENT_ID, 0)
        assert context.user is not None and context.app is not None
        _, created = store.get_or_create_authorization(record)
        elapsed = time.perf_counter() - started
        assert created
        return elapsed

    for size in sizes:
        active = [b for b in backends if size <= max_size.get(b, size)]
        for b in active:
            common.log(f"backends: {b}: loading to {size} items")
            loaders[b].grow_to(size)
            warm_until = time.perf_counter() + 0.5  # unrecorded creates: caches, the JVM's JIT
            for _ in range(20):
                create(stores[b])
                if time.perf_counter() > warm_until:
                    break
        times: dict[str, list[float]] = {b: [] for b in active}
        spent: dict[str, float] = dict.fromkeys(active, 0.0)
        for _ in range(samples):
            order = [b for b in active if len(times[b]) < min_samples or spent[b] < budget_seconds]
            if not order:
                break
            rng.shuffle(order)
            for b in order:
                elapsed = create(stores[b])
                times[b].append(elapsed)
                spent[b] += elapsed
        for b in active:
            results[b]["points"].append({"items": size, "table_items": loaders[b].items, **common.summary_ms(times[b])})
    for b in backends:
        points = results[b]["points"]
        results[b]["load_seconds"] = round(loaders[b].seconds, 1)
        results[b]["loaded_items"] = loaders[b].items
        intercept, slope = _fit([(p["items"], p["median_ms"]) for p in points])
        results[b]["fit"] = {"intercept_ms": round(intercept, 3), "ms_per_1000_items": round(slope * 1000, 3)}
        for size in sizes:
            if size not in {p["items"] for p in points}:
                points.append({"items": size, "median_ms": round(intercept + slope * size, 1), "extrapolated": True})
    return {
        "operation": "create: BatchGetItem + TransactWriteItems through the store (the PUT's database work)",
        "sizes": sizes,
        "backends": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--moto-sizes", default="1000,10000", help="sizes moto is measured at (others extrapolated)")
    parser.add_argument("--local-endpoint", help="a running DynamoDB Local (default: start one)")
    parser.add_argument("--json", metavar="FILE", nargs="?", const="-")
    args = parser.parse_args(argv)
    common.setup_env("authorize-growth")
    from authorize_local import embedded_db

    with common.embedded_backends(args.local_endpoint) as endpoints:
        sizes = [int(s) for s in args.sizes.split(",")]
        result = measure(endpoints, sizes, {"moto": max(int(s) for s in args.moto_sizes.split(","))})
        if "local" not in endpoints:
            result["local_skipped"] = embedded_db.dynamodb_local_unavailable_reason()
    if args.json:
        common.write_json(None if args.json == "-" else args.json, result)
    else:
        for backend, data in result["backends"].items():
            for p in data["points"]:
                flag = " (extrapolated)" if p.get("extrapolated") else ""
                print(f"{backend:6} {p['items']:>7} items  create median {p['median_ms']:9.1f} ms{flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Local server throughput: the ``make serve`` stack under concurrent clients.

``authorize_local.apigw.LocalApiServer`` (127.0.0.1, a random port) in front of a
``ProcessPoolInvoker(4)`` (4 worker processes, one invocation at a time each, as ``make serve`` runs
it), on moto's server (in this process, as ``make serve`` runs it) and on DynamoDB Local. A separate
client process (bench/loadgen.py) sends the same get-or-create PUT (the 200 path) from 1, 8 and 32
threads with keep-alive sessions, each level bounded by a request count and a time limit.

The workers keep their warm-container credentials cache (the default): after each worker's first
request a repeated PUT costs no argon2. One extra run with the cache off
(``PASSWORD_CACHE_SECONDS=0``) shows the argon2-bound rate.

    .venv/bin/python -m bench.throughput [--levels 1,8,32] [--local-endpoint URL] [--json [FILE]]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from typing import Any

from bench import common

# (concurrency, at most this many recorded requests, at most this many seconds)
LEVELS = {1: (200, 6.0), 8: (500, 8.0), 32: (800, 8.0)}
WORKERS = 4


def _loadgen(url: str, concurrency: int) -> dict[str, Any]:
    requests_total, seconds = LEVELS.get(concurrency, (25 * concurrency, 8.0))
    done = subprocess.run(
        [
            *(sys.executable, "-m", "bench.loadgen", "--url", url, "--concurrency", str(concurrency)),
            *("--requests", str(requests_total), "--seconds", str(seconds)),
        ],
        capture_output=True,
        text=True,
        cwd=common.ROOT,
        timeout=seconds + 120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"loadgen failed: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_backend(endpoint: str, levels: list[int], *, password_cache: bool = True) -> list[dict[str, Any]]:
    import requests
    from authorize.adapters.dynamodb.store import DynamoDBStore
    from authorize_local.apigw import LocalApiServer, ProcessPoolInvoker

    client = common.dynamodb_client(endpoint)
    table = common.new_table(client, "authorize-throughput")
    common.seed(DynamoDBStore(client, table))
    env = {"AWS_ENDPOINT_URL_DYNAMODB": endpoint, "TABLE_NAME": table}
    if not password_cache:
        env["PASSWORD_CACHE_SECONDS"] = "0"
    invoker = ProcessPoolInvoker(WORKERS, env=env)
    server = LocalApiServer(invoker, "127.0.0.1", 0, quiet=True).start_in_thread()
    try:
        first = requests.put(
            f"{server.base_url}/authorizations/clients/{common.CLIENT_ID}",
            json={"client_secret": common.CLIENT_SECRET, "scopes": ["public_repo"], "note": "admin script"},
            headers={"Authorization": common.basic(common.USER, common.PASSWORD)},
            timeout=30,
        )
        if first.status_code != 201:
            raise RuntimeError(f"the first PUT answered {first.status_code}: {first.text[:200]}")
        results = []
        for concurrency in levels:
            common.log(f"throughput: {concurrency} client(s)")
            results.append(_loadgen(server.base_url, concurrency))
        return results
    finally:
        server.stop()
        invoker.close()


def measure(endpoints: dict[str, str], levels: list[int], cache_off_levels: list[int]) -> dict[str, Any]:
    out: dict[str, Any] = {"workers": WORKERS, "levels": levels, "limits": LEVELS, "backends": {}}
    for backend, endpoint in endpoints.items():
        common.log(f"throughput: {backend}")
        out["backends"][backend] = run_backend(endpoint, levels)
    if cache_off_levels:
        backend = "local" if "local" in endpoints else next(iter(endpoints))
        common.log(f"throughput: {backend}, password cache off")
        out["password_cache_off"] = {
            "backend": backend,
            "results": run_backend(endpoints[backend], cache_off_levels, password_cache=False),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument("--cache-off-levels", default="8", help="levels to repeat with the password cache off")
    parser.add_argument("--local-endpoint", help="a running DynamoDB Local (default: start one)")
    parser.add_argument("--json", metavar="FILE", nargs="?", const="-")
    args = parser.parse_args(argv)
    common.setup_env("authorize-throughput")

    levels = [int(x) for x in args.levels.split(",") if x]
    cache_off = [int(x) for x in args.cache_off_levels.split(",") if x]
    # stdout to /dev/null: the workers inherit it, with their log lines and metrics.
    with common.stdout_to_devnull(), common.embedded_backends(args.local_endpoint) as endpoints:
        result = measure(endpoints, levels, cache_off)
    if args.json:
        common.write_json(None if args.json == "-" else args.json, result)
    else:
        for backend, rows in result["backends"].items():
            for r in rows:
                print(
                    f"{backend:6} c={r['concurrency']:<3} {r['requests_per_second']:7.1f} req/s  "
                    f"p50 {r['p50_ms']:7.1f}  p95 {r['p95_ms']:7.1f}  p99 {r['p99_ms']:7.1f} ms  errors {r['errors']}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

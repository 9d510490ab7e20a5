"""A small closed-loop load generator: N threads, each with its own keep-alive ``requests.Session``,
send the same get-or-create PUT (the 200 path) until a request count or a time limit is reached.

Run as its own process by bench/throughput.py, so the clients do not share an interpreter (and a
GIL) with the server they measure. Only loopback URLs are accepted.

    .venv/bin/python -m bench.loadgen --url http://127.0.0.1:3000 --concurrency 8 --requests 400
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from bench import common


def run(url: str, concurrency: int, requests_total: int, seconds: float, warmup: int) -> dict[str, Any]:
    import requests

    if urlsplit(url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("loadgen: loopback URLs only")
    target = f"{url.rstrip('/')}/authorizations/clients/{common.CLIENT_ID}"
    body = json.dumps({"client_secret": common.CLIENT_SECRET, "scopes": ["public_repo"], "note": "admin script"})
    headers = {
        "Authorization": common.basic(common.USER, common.PASSWORD),
        "Content-Type": "application/json",
        "Accept": "application/vnd.github.v3+json",
    }
    tickets = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    began = [0.0]
    deadline = [0.0]

    def go() -> None:  # runs once, when every client is warm, before any is released
        began[0] = time.perf_counter()
        deadline[0] = began[0] + seconds

    start_line = threading.Barrier(concurrency + 1, action=go)

    def client() -> None:
        session = requests.Session()
        for _ in range(warmup):  # connection set-up and warm workers, not recorded
            session.put(target, data=body, headers=headers, timeout=30)
        start_line.wait()
        mine: list[float] = []
        codes: dict[str, int] = {}
        while next(tickets) < requests_total and time.perf_counter() < deadline[0]:
            started = time.perf_counter()
            try:
                status = str(session.put(target, data=body, headers=headers, timeout=30).status_code)
            except requests.RequestException as exc:
                status = type(exc).__name__
            mine.append(time.perf_counter() - started)
            codes[status] = codes.get(status, 0) + 1
        session.close()
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    start_line.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began[0]
    summary = common.summary_ms(latencies)
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": summary["median_ms"],
        "p95_ms": summary["p95_ms"],
        "p99_ms": summary["p99_ms"],
        "statuses": statuses,
        "errors": sum(n for code, n in statuses.items() if code != "200"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200, help="at most this many recorded requests")
    parser.add_argument("--seconds", type=float, default=10.0, help="and at most this long")
    parser.add_argument("--warmup", type=int, default=2, help="unrecorded requests per client first")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.url, args.concurrency, args.requests, args.seconds, args.warmup)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

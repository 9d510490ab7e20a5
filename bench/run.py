"""``make bench``: every benchmark in one run, a table, bench/results.json and docs/performance.md.

Each part runs in its own process (a clean interpreter and environment each) against one shared
DynamoDB Local and its own moto server; a part that fails is reported as failed, the others still run.

    .venv/bin/python -m bench.run [--skip-build REASON] [--moto-max 10000] [--no-docs]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import common, report

RESULTS = common.ROOT / "bench" / "results.json"
DOCS = common.ROOT / "docs" / "performance.md"
SVG = common.ROOT / "docs" / "latency-vs-concurrency.svg"
BUILD_DIR = common.ROOT / ".aws-sam" / "build"


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=common.ROOT, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _part(name: str, args: list[str], timeout: float, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``python -m bench.<name> ARGS --json FILE``; its result, or {"error": ...}."""
    common.log(f"== {name}")
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", f"bench.{name}", *args, "--json", str(out)],
            cwd=common.ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            tail = done.stderr.strip().splitlines()[-1:] or ["(no output)"]
            common.log(done.stderr.strip()[-2000:])
            return {"error": f"exit {done.returncode}: {tail[0][:200]}"}
        result = json.loads(out.read_text())
        result["_seconds"] = round(time.perf_counter() - started, 1)
        common.log(f"   {result['_seconds']} s")
        return result
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    finally:
        out.unlink(missing_ok=True)


def _login_timing() -> dict[str, Any]:
    script = common.ROOT / "bench" / "login_timing.py"
    if not script.is_file():
        return {"skipped": "bench/login_timing.py is not there"}
    common.log("== login_timing")
    done = subprocess.run(
        [sys.executable, str(script), "--json"], capture_output=True, text=True, cwd=common.ROOT, timeout=300
    )
    if done.returncode != 0:
        return {"error": f"exit {done.returncode}: {done.stderr.strip()[-200:]}"}
    for line in reversed(done.stdout.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {"error": "no JSON in its output"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-build", metavar="REASON", help="no usable build: skip cold start and package size")
    parser.add_argument("--moto-max", type=int, default=10_000, help="largest table moto is measured at (10000)")
    parser.add_argument("--overhead-iterations", type=int, default=120)
    parser.add_argument("--import-runs", type=int, default=15)
    parser.add_argument("--no-docs", action="store_true", help="leave docs/ alone")
    args = parser.parse_args(argv)
    common.setup_env()
    from authorize_local import embedded_db

    started = time.perf_counter()
    results: dict[str, Any] = {
        "meta": {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{platform.system()} {platform.machine()}",
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "commit": _git("rev-parse", "--short", "HEAD"),
            "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
            "loadavg_before": _loadavg(),
        }
    }
    local = None
    local_args: list[str] = []
    reason = embedded_db.dynamodb_local_unavailable_reason()
    if reason is None:
        local = embedded_db.start("local", 0)
        local_args = [local.endpoint_url]
    else:
        common.log(f"DynamoDB Local unavailable ({reason}): moto only")
        results["meta"]["dynamodb_local"] = f"unavailable: {reason}"
    try:
        results["round_trips"] = _part("round_trips", [], 120)
        results["round_trips"].pop("_seconds", None)
        if local is not None:
            results["capacity"] = _part("capacity", ["--endpoint", local.endpoint_url], 180)
            results["capacity"].pop("_seconds", None)
        else:
            results["capacity"] = {"skipped": f"DynamoDB Local unavailable ({reason})"}
        overhead_args = ["--iterations", str(args.overhead_iterations)]
        if local is not None:
            overhead_args += ["--endpoint", local.endpoint_url]
        results["handler_overhead"] = _part(
            "handler_overhead", overhead_args, 400, {"BENCH_BACKEND": "local"} if local else None
        )
        if args.skip_build:
            common.log(f"== cold_start: skipped ({args.skip_build})")
            results["cold_start"] = {"skipped": args.skip_build, "package_size": {"skipped": args.skip_build}}
        else:
            cold_args = ["--build-dir", str(BUILD_DIR), "--runs", str(args.import_runs)]
            if local is not None:
                cold_args += ["--endpoint", local.endpoint_url]
            results["cold_start"] = _part("cold_start", cold_args, 1500)
        results["throughput"] = _part("throughput", ["--local-endpoint", *local_args] if local_args else [], 400)
        results["login_timing"] = _login_timing()
        sizes = "1000,10000,30000,100000"
        moto_sizes = ",".join(s for s in sizes.split(",") if int(s) <= args.moto_max) or "1000"
        backend_args = ["--sizes", sizes, "--moto-sizes", moto_sizes]
        if local_args:
            backend_args += ["--local-endpoint", *local_args]
        results["backends"] = _part("backends", backend_args, 600)
    finally:
        if local is not None:
            local.stop()
    results["meta"]["loadavg_after"] = _loadavg()
    results["meta"]["seconds"] = round(time.perf_counter() - started)

    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(report.text_table(report.headline(results)))
    print()
    print(f"wrote {RESULTS.relative_to(common.ROOT)}", end="")
    if not args.no_docs:
        if report.update_docs(results, DOCS):
            print(f", {DOCS.relative_to(common.ROOT)}", end="")
        tp = results.get("throughput") or {}
        if tp.get("backends"):
            SVG.write_text(report.svg_chart(tp))
            print(f", {SVG.relative_to(common.ROOT)}", end="")
    print(f"  ({results['meta']['seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

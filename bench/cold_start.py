"""Cold start and package size of the function as ``sam build`` (``make build``) builds it.

Import time: fresh CPython 3.13 processes (the Lambda runtime's version) with the function directory
and the layer's ``python`` directory on ``sys.path``, in a Lambda-like environment (LAMBDA_TASK_ROOT,
AWS_LAMBDA_FUNCTION_NAME, the template's variables: Powertools' tracer is on, as with
``Tracing: Active``). Interleaved, in a random order each round:

``baseline``      ``import boto3`` (the runtime's; here installed beside the layer's packages)
``app``           ``import app`` (the handler module), bytecode compiled beforehand (compileall)
``app_untraced``  the same with tracing off (``POWERTOOLS_TRACE_DISABLED``): no X-Ray SDK at all
``app_source``    ``import app`` from a copy without any bytecode, as ``sam build`` leaves function
                  and layer: Lambda's /opt and /var/task are read-only, so every cold start compiles
                  (every third round only: it is slow and needs no precise ratio)
``libraries``     the floor of the libraries the function keeps, with none of its code: botocore,
                  pydantic's ``BaseModel`` with one model built, Powertools' event handler, ``Logger``
                  and ``Metrics`` (tracing off), and a client configured as the function's

Each process also times its first client: ``app.use_cases()`` (settings, boto3 client, store) against
``boto3.client("dynamodb")`` for the baseline -- the rest of the init the first request pays.

The built layer is for arm64. On another machine its compiled extensions (pydantic_core, argon2,
cryptography, cffi) cannot load, so the import times use an equivalent layer for this machine: the
same pinned requirements installed with ``pip install --target`` by python3.13, plus the built
``authorize`` package; the result says so and lists any version difference from the built layer.

With ``--endpoint`` (a DynamoDB Local), also the honest figure: a fresh process's init and first
request against a bare botocore handler making the same calls (``bench.first_request``).

    .venv/bin/python -m bench.cold_start [--build-dir .aws-sam/build] [--runs 15] [--endpoint URL] [--json [FILE]]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from bench import common

FUNCTION = "AuthorizeFunction"
LAYER = "AuthorizeLayer"
BUILD_ARCH = "arm64"
REQUIREMENTS = common.LAYER_DIR / "requirements.txt"


# The function imports only botocore; the baseline imports boto3, which the Lambda runtime provides. The
# measurement layer gets the version the project pins for development, as the runtime's stand-in.
def _dev_pin(name: str) -> str:
    """``name==version`` as requirements-dev.txt pins it (a hashed, pip-compile'd file)."""
    lines = (common.ROOT / "requirements-dev.txt").read_text().splitlines()
    return next(line.split()[0] for line in lines if line.startswith(f"{name}=="))


RUNTIME_PACKAGES = ("boto3", "s3transfer")  # the runtime's boto3, which needs s3transfer
WORK = common.STATE_DIR / "cold-start"

_CHILD = r"""
import sys, time
t0, c0 = time.perf_counter(), time.process_time()
{imports}
t1 = time.perf_counter()
{client}
t2, c2 = time.perf_counter(), time.process_time()
sys.stdout.write("%r %r %r\n" % (t1 - t0, t2 - t1, c2 - c0))
"""
_CLIENTS = {
    "boto3": (
        "from botocore.config import Config\n"
        "boto3.client('dynamodb', config=Config(retries={'mode': 'standard', 'max_attempts': 4}, "
        "connect_timeout=2.0, read_timeout=3.0, tcp_keepalive=True))"
    ),
    "app": "app.use_cases()",
    "libraries": (
        "from botocore.config import Config\n"
        "botocore.session.get_session().create_client('dynamodb', config=Config(retries={'mode': 'standard', "
        "'total_max_attempts': 3}, connect_timeout=1.0, read_timeout=1.5, tcp_keepalive=True))"
    ),
}
# What each variant imports before its first client (default: ``import <module>``).
_IMPORTS = {
    "libraries": (
        "import botocore.session\n"
        "from pydantic import BaseModel\n"
        "class Model(BaseModel):\n"
        "    id: int\n"
        "    login: str | None = None\n"
        "import aws_lambda_powertools.event_handler\n"
        "from aws_lambda_powertools import Logger, Metrics\n"
        "Logger(service='authorize'); Metrics(namespace='Authorize')"
    ),
}


# --- package size ---------------------------------------------------------------------------------


def _tree_size(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _zipped_size(root: Path) -> int:
    """Size of a deflate zip of the directory, as sam/CloudFormation package it."""
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(root).as_posix())
        handle.seek(0, io.SEEK_END)
        return handle.tell()


def package_sizes(build_dir: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in (FUNCTION, LAYER):
        root = build_dir / name
        files, size = _tree_size(root)
        out[name] = {"files": files, "unzipped_bytes": size, "zipped_bytes": _zipped_size(root)}
    # The biggest parts of the layer, for the report.
    site = build_dir / LAYER / "python"
    parts: dict[str, int] = {}
    for child in site.iterdir():
        if child.name.endswith((".dist-info", ".data")) or child.name == "__pycache__":
            continue
        key = re.sub(r"(\.cpython.*)?\.(py|so)$", "", child.name)
        parts[key] = parts.get(key, 0) + (_tree_size(child)[1] if child.is_dir() else child.stat().st_size)
    out["layer_top_packages"] = dict(sorted(parts.items(), key=lambda kv: -kv[1])[:8])
    return out


# --- the tree to import from ----------------------------------------------------------------------


def _dist_versions(site: Path) -> set[str]:
    return {p.name.removesuffix(".dist-info").lower() for p in site.glob("*.dist-info")}


def _is_arm64() -> bool:
    return platform.machine().lower() in ("aarch64", "arm64")


def _link_tree(source: Path, target: Path, *, skip: tuple[str, ...] = ()) -> None:
    """Copy a tree as hard links (cheap), without bytecode."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", *skip)
    shutil.copytree(source, target, copy_function=link, ignore=ignore, dirs_exist_ok=True)


def _dependencies(build_dir: Path, python: str, info: dict[str, Any]) -> Path:
    """The layer's third-party packages for this machine: the built ones on arm64, else a pip install."""
    built_layer = build_dir / LAYER / "python"
    if _is_arm64():
        info["layer"] = "the built arm64 layer"
        return built_layer
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]
    layer = common.STATE_DIR / f"layer-{platform.machine()}-py313-{digest}" / "python"
    if not (layer.parent / ".complete").is_file():
        shutil.rmtree(layer.parent, ignore_errors=True)
        common.log(f"cold start: installing the layer requirements for {platform.machine()} into {layer}")
        pip = (python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile")
        # The layer's hashed requirements as they are, then the runtime's stand-ins (no hashes: pip's
        # hash-checking mode would refuse them in the same call).
        for args in (("-r", str(REQUIREMENTS)), ("--no-deps", *(_dev_pin(n) for n in RUNTIME_PACKAGES))):
            done = subprocess.run(
                [*pip, "--target", str(layer), *args], capture_output=True, text=True, timeout=600, check=False
            )
            if done.returncode != 0:
                raise RuntimeError(f"pip install --target failed: {done.stderr.strip()[-500:]}")
        (layer.parent / ".complete").write_text(digest + "\n")
    # boto3 (and its s3transfer) stand in for the runtime's copy, which the baseline imports.
    runtime_only = ("boto3-", "s3transfer-")
    built = _dist_versions(built_layer)
    local = {d for d in _dist_versions(layer) if not d.startswith(runtime_only)}
    info["layer"] = (
        f"an {platform.machine()} equivalent of the built arm64 layer: the same pinned requirements installed "
        "by pip install --target with python3.13, plus the built authorize package"
    )
    info["same_versions_as_built_layer"] = built == local
    info["version_differences"] = sorted(built ^ local)
    return layer


def prepare(build_dir: Path, python: str) -> dict[str, Any]:
    """Two copies of function + layer for this machine: ``compiled`` (compileall) and ``source`` (no
    bytecode at all, as ``sam build`` leaves them); what was done and why."""
    info: dict[str, Any] = {"machine": platform.machine(), "build_architecture": BUILD_ARCH}
    dependencies = _dependencies(build_dir, python, info)
    shutil.rmtree(WORK, ignore_errors=True)
    for flavour in ("compiled", "source"):
        function, layer = WORK / flavour / "function", WORK / flavour / "python"
        _link_tree(build_dir / FUNCTION, function)
        _link_tree(dependencies, layer, skip=("authorize",))
        _link_tree(build_dir / LAYER / "python" / "authorize", layer / "authorize")
        if flavour == "compiled":
            for tree in (layer, function):
                subprocess.run(
                    [python, "-m", "compileall", "-q", "-j", "0", str(tree)],
                    check=True,
                    capture_output=True,
                    timeout=600,
                )
        info[f"{flavour}_dirs"] = [str(function), str(layer)]
    return info


def _lambda_env(function: Path, layer: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": f"{function}:{layer}",
        "LAMBDA_TASK_ROOT": str(function),
        "AWS_LAMBDA_FUNCTION_NAME": FUNCTION,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "AWS_REGION": common.REGION,
        "AWS_DEFAULT_REGION": common.REGION,
        "AWS_ACCESS_KEY_ID": "local",  # the runtime provides the role's credentials
        "AWS_SECRET_ACCESS_KEY": "local",
        "TABLE_NAME": "authorize",
        "POWERTOOLS_SERVICE_NAME": "authorize",
        "POWERTOOLS_METRICS_NAMESPACE": "Authorize",
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "LOG_LEVEL": "INFO",
        "PYDANTIC_DISABLE_PLUGINS": "__all__",
        "LOCKOUT_MAX_FAILURES": "10",
        "LOCKOUT_WINDOW_SECONDS": "3600",
    }


def _untraced(env: dict[str, str]) -> dict[str, str]:
    return {**env, "POWERTOOLS_TRACE_DISABLED": "1"}


def _run_child(python: str, module: str, env: dict[str, str]) -> tuple[float, float, float]:
    """One fresh interpreter: (import seconds, first client seconds, CPU seconds of both). ``-B``: it
    writes no bytecode. The CPU time is the process's own (``time.process_time``): on a machine shared
    with other work it is far steadier than the wall time, which also counts waiting for a core."""
    code = _CHILD.format(imports=_IMPORTS.get(module, f"import {module}"), client=_CLIENTS[module])
    done = subprocess.run([python, "-B", "-c", code], capture_output=True, text=True, env=env, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"import {module} failed: {done.stderr.strip()[-800:]}")
    first, second, cpu = done.stdout.split()
    return float(first), float(second), float(cpu)


def _parse_importtime(stderr: str) -> list[tuple[str, int, int, list[int]]]:
    """``-X importtime`` lines as a tree: (module, self us, cumulative us, child indexes).

    Lines come children first; the indent (2 spaces a level) says who imported whom.
    """
    nodes: list[tuple[str, int, int, list[int]]] = []
    pending: list[tuple[int, int]] = []  # (depth, index) still waiting for their parent
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not match:
            continue
        depth = (len(match[3]) - 1) // 2
        children: list[int] = []
        while pending and pending[-1][0] > depth:
            children.insert(0, pending.pop()[1])
        nodes.append((match[4], int(match[1]), int(match[2]), children))
        pending.append((depth, len(nodes) - 1))
    return nodes


def import_profile(python: str, env: dict[str, str], runs: int = 3) -> dict[str, Any]:
    """``-X importtime`` of ``import app``, medians over a few runs.

    ``direct_imports_ms``: app.py's own imports, cumulative, in import order (the first importer of a
    shared dependency pays for it). ``packages_ms``: every module's own time charged to its
    distribution, a standard-library module to the package that imported it first -- what each
    package costs the cold start, summing to the whole import.
    """
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    direct: dict[str, list[int]] = {}
    packages: dict[str, list[int]] = {}
    totals: list[int] = []
    for _ in range(runs):
        done = subprocess.run(
            [python, "-X", "importtime", "-c", "import app"], capture_output=True, text=True, env=env, timeout=120
        )
        nodes = _parse_importtime(done.stderr)
        root = next(i for i, node in enumerate(nodes) if node[0] == "app")
        totals.append(nodes[root][2])
        for child in nodes[root][3]:
            direct.setdefault(nodes[child][0], []).append(nodes[child][2])
        charged: dict[str, int] = {}
        todo = [(root, "app")]
        while todo:
            index, owner = todo.pop()
            name, self_us, _, children = nodes[index]
            top = name.split(".")[0]
            owner = owner if top in stdlib else top
            charged[owner] = charged.get(owner, 0) + self_us
            todo.extend((child, owner) for child in children)
        for owner, us in charged.items():
            packages.setdefault(owner, []).append(us)

    def top(table: dict[str, list[int]], n: int) -> dict[str, float]:
        medians = {k: statistics.median(v + [0] * (runs - len(v))) / 1000 for k, v in table.items()}
        return {k: round(v, 1) for k, v in sorted(medians.items(), key=lambda kv: -kv[1])[:n]}

    return {
        "runs": runs,
        "total_ms": round(statistics.median(totals) / 1000, 1),
        "direct_imports_ms": top(direct, 10),
        "packages_ms": top(packages, 12),
    }


def import_times(info: dict[str, Any], python: str, runs: int) -> dict[str, Any]:
    compiled = _lambda_env(*map(Path, info["compiled_dirs"]))
    source = _lambda_env(*map(Path, info["source_dirs"]))
    plan = [
        ("baseline", "boto3", compiled),
        ("app", "app", compiled),
        ("app_untraced", "app", _untraced(compiled)),
        ("app_source", "app", source),
        ("libraries", "libraries", _untraced(compiled)),
    ]
    samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _, _ in plan}
    for _, module, env in plan:  # one unrecorded run each: page cache
        _run_child(python, module, env)
    rng = random.Random(13)
    for round_ in range(runs):
        # The slow source-only variant takes part in every third round only (a third of the runs).
        order = [p for p in plan if p[0] != "app_source" or round_ % 3 == 0]
        rng.shuffle(order)
        for name, module, env in order:
            samples[name].append(_run_child(python, module, env))
    out: dict[str, Any] = {"runs": runs, "app_source_runs": len(samples["app_source"]), "python": python}
    for name, values in samples.items():
        imports = [v[0] for v in values]
        totals = [v[0] + v[1] for v in values]
        out[name] = {
            "import_median_ms": round(statistics.median(imports) * 1000, 1),
            "import_min_ms": round(min(imports) * 1000, 1),
            "import_and_client_median_ms": round(statistics.median(totals) * 1000, 1),
            "import_and_client_cpu_median_ms": round(statistics.median(v[2] for v in values) * 1000, 1),
        }
    base = out["baseline"]
    for name in ("app", "app_untraced", "app_source", "libraries"):
        out[name]["import_ratio_to_baseline"] = round(out[name]["import_median_ms"] / base["import_median_ms"], 2)
        out[name]["with_client_ratio_to_baseline"] = round(
            out[name]["import_and_client_median_ms"] / base["import_and_client_median_ms"], 2
        )
        out[name]["with_client_cpu_ratio_to_baseline"] = round(
            out[name]["import_and_client_cpu_median_ms"] / base["import_and_client_cpu_median_ms"], 2
        )
    out["profile"] = import_profile(python, compiled)
    out["profile_untraced"] = import_profile(python, _untraced(compiled))
    return out


def measure(build_dir: Path, runs: int = 15, endpoint: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if not (build_dir / FUNCTION).is_dir() or not (build_dir / LAYER / "python").is_dir():
        reason = f"no build in {build_dir} (run `make build`)"
        return {"skipped": reason, "package_size": {"skipped": reason}}
    result["package_size"] = package_sizes(build_dir)
    python = common.python313()
    if python is None:
        result["skipped"] = "no python3.13 found (on PATH or in pyenv): import times not measured"
        return result
    try:
        info = prepare(build_dir, python)
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        result["skipped"] = f"could not prepare a layer for this machine: {exc}"
        return result
    result["setup"] = info
    result.update(import_times(info, python, runs))
    if endpoint:
        from bench import first_request

        env = _lambda_env(*map(Path, info["compiled_dirs"]))
        try:
            result["first_request"] = first_request.measure(python, env, endpoint, WORK, runs)
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            result["first_request"] = {"error": str(exc)[-500:]}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=common.ROOT / ".aws-sam" / "build")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--endpoint", help="a DynamoDB Local, for the first-request figure")
    parser.add_argument("--json", metavar="FILE", nargs="?", const="-")
    args = parser.parse_args(argv)
    result = measure(args.build_dir, args.runs, args.endpoint)
    if args.json:
        common.write_json(None if args.json == "-" else args.json, result)
    else:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Tracing costs only where it is on: no X-Ray SDK import and no handler wrapper where Powertools'
Tracer would be disabled anyway, and the Tracer where it would trace."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from authorize_local.local_env import FUNCTION_DIR, REPO_ROOT

LAYER_DIR = REPO_ROOT / "layers" / "authorize"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LAMBDA_TASK_ROOT": "/var/task"}, True),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "0"}, True),
        ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_SAM_LOCAL": "true"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_CHALICE_CLI_MODE": "local"}, False),
        ({}, False),
    ],
)
def test_tracing_follows_powertools_rule(env, expected):
    from observability import tracing_enabled

    assert tracing_enabled(env) is expected


def _import_app(extra_env: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("POWERTOOLS_TRACE_DISABLED", "LAMBDA_TASK_ROOT")}
    env.update(extra_env, PYTHONPATH=os.pathsep.join([str(FUNCTION_DIR), str(LAYER_DIR), *sys.path]))
    code = (
        "import sys, app, observability\n"
        "print('xray' if 'aws_xray_sdk.core' in sys.modules else 'no-xray', "
        "'traced' if observability.tracer is not None else 'plain')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_no_xray_import_when_tracing_is_off():
    assert _import_app({"POWERTOOLS_TRACE_DISABLED": "1", "LAMBDA_TASK_ROOT": str(FUNCTION_DIR)}) == "no-xray plain"


def test_tracer_patches_botocore_when_tracing_is_on():
    assert _import_app({"LAMBDA_TASK_ROOT": str(FUNCTION_DIR)}) == "xray traced"

"""Cold start: importing the Lambda's handler module loads none of the route documentation."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from authorize_local.openapi.routes import FUNCTION_DIR

# The documentation (authorize_local.openapi: its table and response models) and Powertools' OpenAPI
# models, which only building a document needs.
DOCUMENTATION = ("authorize_local", "aws_lambda_powertools.event_handler.openapi.models")

PROBE = "import json, sys\nfor name in sys.argv[1:]:\n    __import__(name)\nprint(json.dumps(sorted(sys.modules)))\n"


def modules_after_importing(*names: str) -> set[str]:
    """Every module loaded by a fresh interpreter that imports ``names`` from the function's folder,
    as the Lambda runtime imports the handler."""
    return _modules_loaded_by(PROBE, *names)


def _modules_loaded_by(probe: str, *args: str) -> set[str]:
    """What a fresh interpreter running ``probe`` in the function's folder, tracing off, has loaded."""
    env = {**os.environ, "POWERTOOLS_TRACE_DISABLED": "1"}
    out = subprocess.run(
        [sys.executable, "-c", probe, *args],
        cwd=FUNCTION_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    return set(json.loads(out))


def documentation_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in DOCUMENTATION))


# The site administration's use cases, built on first use (``UseCases.admin``): a cold start that
# serves a user's request does not import them.
ADMINISTRATION = (
    "authorize.usecases.apps_admin",
    "authorize.usecases.credentials_admin",
    "authorize.usecases.impersonation",
    "authorize.usecases.site_admins",
    "authorize.usecases.users_admin",
)
WIRE = "import app\napp.set_use_cases(app.dynamodb_use_cases(app.Settings(), client=object()))\n"


def test_importing_the_handler_loads_no_documentation() -> None:
    modules = modules_after_importing("app")
    assert {"app", "authorize", "aws_lambda_powertools.event_handler"} <= modules
    assert documentation_in(modules) == []


def modules_after_running(code: str) -> set[str]:
    return _modules_loaded_by(code + "import json, sys\nprint(json.dumps(sorted(sys.modules)))\n")


def test_wiring_the_use_cases_imports_no_administration() -> None:
    modules = modules_after_running(WIRE)
    assert "authorize.usecases.login" in modules
    assert sorted(set(ADMINISTRATION) & modules) == []


def test_the_administration_is_imported_when_first_used() -> None:
    modules = modules_after_running(WIRE + "app.use_cases().admin\n")
    assert set(ADMINISTRATION) <= modules


@pytest.mark.parametrize("documentation", ["authorize_local.openapi.operations", "authorize_local.openapi.document"])
def test_the_probe_sees_documentation_when_it_is_imported(documentation: str) -> None:
    modules = modules_after_importing("app", documentation)
    assert documentation in documentation_in(modules)

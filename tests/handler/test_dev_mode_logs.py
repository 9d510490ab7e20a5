"""POWERTOOLS_DEV (the local server sets it for readable logs) must not make the function print what it
receives: Powertools' resolver would otherwise print every event, Authorization headers and token-bearing
legacy paths included."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from authorize_local.local_env import FUNCTION_DIR

from tests.handler.conftest import EVENTS

SCRIPT = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, sys.argv[1])
    import app
    from authorize_local.lambda_context import LocalLambdaContext
    event = json.load(open(sys.argv[2]))
    event["path"] = "/applications/abcde12345fghij67890/tokens/gho_LEAKEDxTOKENxINxTHExPATHx0000000000"
    event["headers"]["Authorization"] = "Basic bW9uYWxpc2E6c2VjcmV0LXBhc3N3b3Jk"
    try:
        print(app.lambda_handler(event, LocalLambdaContext(timeout_seconds=5))["statusCode"])
    except Exception as exc:  # no database here: only what is printed matters
        print("raised", type(exc).__name__)
    """
)


def test_dev_mode_prints_no_event():
    env = {
        **os.environ,
        "POWERTOOLS_DEV": "true",
        "POWERTOOLS_DEBUG": "",
        "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:9",
    }
    env["DYNAMODB_MAX_ATTEMPTS"] = "1"
    env.pop("POWERTOOLS_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(FUNCTION_DIR), str(EVENTS / "get-app-token-legacy.json")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    out = done.stdout + done.stderr
    assert "gho_LEAKED" not in out, out[-2000:]
    assert "bW9uYWxpc2E6c2VjcmV0LXBhc3N3b3Jk" not in out and "secret-password" not in out
    assert done.stdout.split()[-1] == "404", out[-2000:]  # it ran (a token we never issued: 404, no read)

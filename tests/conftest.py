"""Test-wide environment: nothing reaches real AWS, 2FA has a key, Powertools stays quiet."""

from __future__ import annotations

import base64
import os
import sys

from authorize_local.local_env import FUNCTION_DIR

if str(FUNCTION_DIR) not in sys.path:
    sys.path.insert(0, str(FUNCTION_DIR))

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "TABLE_NAME": "authorize-test",
        "TOTP_ENCRYPTION_KEY": base64.b64encode(b"k" * 32).decode(),
        "POWERTOOLS_TRACE_DISABLED": "1",
        "POWERTOOLS_SERVICE_NAME": "authorize",
        "POWERTOOLS_METRICS_NAMESPACE": "Authorize",
        "DYNAMODB_MAX_ATTEMPTS": "2",
    }
)
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_PROFILE", None)

"""DynamoDB round trips per request, exactly: every path of the real handler, counted by a botocore
event hook on the function's client (bench/round_trips.py), over moto in this process.

No server and no timing: the counts and operation names are deterministic, so this runs in
``make test`` and ``make test-unit``. A change here is a change in what each request costs in
DynamoDB (latency and capacity units): update docs/performance.md with it.
"""

from __future__ import annotations

import pytest

from bench import round_trips

BATCH_GET = "BatchGetItem"
TRANSACT = "TransactWriteItems"

EXPECTED: dict[str, tuple[int, list[str]]] = {
    # get-or-create: one read of user + app + lockout counter, one transaction (3 conditional puts)
    # that either creates or fails on the key and returns the existing item (ALL_OLD).
    "put_create": (201, [BATCH_GET, TRANSACT]),
    "put_existing": (200, [BATCH_GET, TRANSACT]),
    "put_fingerprint": (201, [BATCH_GET, TRANSACT]),
    # a failed login counts toward the lockout: one UpdateItem of the window's counter
    "put_bad_credentials": (401, [BATCH_GET, "UpdateItem"]),
    "put_2fa_challenge": (401, [BATCH_GET]),
    "put_2fa_wrong_otp": (401, [BATCH_GET, "UpdateItem"]),
    "put_2fa_success": (201, [BATCH_GET, TRANSACT]),
    # the rest of the family: the authorization named by id comes in the login batch
    "get_list": (200, [BATCH_GET, "Query"]),
    "get_one": (200, [BATCH_GET]),
    "patch": (200, [BATCH_GET, TRANSACT]),
    "post": (201, [BATCH_GET, TRANSACT]),
    "delete": (204, [BATCH_GET, TRANSACT]),
    "app_check": (200, [BATCH_GET]),
    "app_reset": (200, [BATCH_GET, TRANSACT]),
    "app_revoke": (204, [BATCH_GET, TRANSACT]),
    "user_token": (200, ["GetItem"]),
    "user_basic": (200, [BATCH_GET]),
    "grants_list": (200, [BATCH_GET, "Query"]),
    "grant_revoke": (204, [BATCH_GET, "Query", TRANSACT]),
}


@pytest.fixture(scope="module")
def measured() -> dict[str, dict]:
    return round_trips.measure()


def test_every_path_is_measured(measured):
    assert list(measured) == [name for name, _ in round_trips.PATHS]
    assert set(measured) == set(EXPECTED)


@pytest.mark.parametrize("path", list(EXPECTED))
def test_round_trips(measured, path):
    status, operations = EXPECTED[path]
    result = measured[path]
    assert result["status"] == status
    assert result["operations"] == operations
    assert result["calls"] == len(operations)
    # One HTTP request per API call: no botocore retries on a healthy table.
    assert result["http_requests"] == len(operations)


def test_headline_paths_cost_two_round_trips(measured):
    for path in ("put_create", "put_existing", "put_bad_credentials"):
        assert measured[path]["calls"] == 2, path

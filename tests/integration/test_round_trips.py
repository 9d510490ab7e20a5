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
UPDATE = "UpdateItem"
DELETE = "DeleteItem"

EXPECTED: dict[str, tuple[int, list[str]]] = {
    # A password (or code) this container has not verified yet is evaluated inside a reserved attempt:
    # one conditional UpdateItem before (the lockout holds under concurrency), and after it a DeleteItem
    # of the counter it made (or, when other attempts are counted too, an UpdateItem taking one off).
    "login_cold": (200, [BATCH_GET, UPDATE, DELETE]),
    # get-or-create, warm: one read of user + app + lockout counter + the authorization under its key
    # (the container knows the user's id); a create adds one transaction (3 conditional puts).
    "put_create": (201, [BATCH_GET, TRANSACT]),
    "put_existing": (200, [BATCH_GET]),
    "put_fingerprint": (201, [BATCH_GET, TRANSACT]),
    # a failed login is its reserved attempt: one conditional UpdateItem of the window's counter
    "put_bad_credentials": (401, [BATCH_GET, UPDATE]),
    "put_2fa_challenge": (401, [BATCH_GET, UPDATE, DELETE]),  # hubot's password, verified the first time
    "put_2fa_wrong_otp": (401, [BATCH_GET, UPDATE]),
    # a new code is a guess too; with the wrong code above still counted, giving the reservation back
    # takes one off the counter (the DeleteItem of a lone reservation is refused first)
    "put_2fa_success": (201, [BATCH_GET, UPDATE, DELETE, UPDATE, TRANSACT]),
    "put_2fa_repeat": (200, [BATCH_GET]),
    # a container new to the login: the password is a guess until verified (reserve, then release: with
    # the wrong password above still counted, a refused DeleteItem and an UpdateItem), and the user id is
    # unknown, so the existing authorization comes back from the refused transaction (ALL_OLD)
    "put_existing_new_container": (200, [BATCH_GET, UPDATE, DELETE, UPDATE, TRANSACT]),
    # the rest of the family: the authorization named by id comes in the login batch
    "get_list": (200, [BATCH_GET, "Query"]),
    "get_one": (200, [BATCH_GET]),
    "patch": (200, [BATCH_GET, TRANSACT]),
    "post": (201, [BATCH_GET, TRANSACT]),
    "delete": (204, [BATCH_GET, TRANSACT]),
    # app + token in one batch, then the token's user (and, for GET /user, its app) as they are now:
    # a suspended or deleted user's tokens stop working, and views show the current login.
    "app_check": (200, [BATCH_GET, BATCH_GET]),
    "app_reset": (200, [BATCH_GET, BATCH_GET, TRANSACT]),
    "app_revoke": (204, [BATCH_GET, TRANSACT]),  # revoking needs no user: it works for any owner
    "user_token": (200, ["GetItem", BATCH_GET]),
    "user_basic": (200, [BATCH_GET]),
    "grants_list": (200, [BATCH_GET, "Query"]),
    "grant_revoke": (204, [BATCH_GET, "Query", TRANSACT]),
    # the site-administrator API: the caller's login batch, the user named, one transaction
    "admin_create_user": (201, [BATCH_GET, "UpdateItem", TRANSACT]),  # the id counter, then user + id items
    "admin_impersonate": (201, [BATCH_GET, "GetItem", TRANSACT]),
    "admin_impersonate_existing": (200, [BATCH_GET, "GetItem", TRANSACT]),  # the same conditional write
    "admin_suspend": (204, [BATCH_GET, "GetItem", TRANSACT]),
    "admin_promote_by_token": (204, ["GetItem", BATCH_GET, "GetItem", TRANSACT]),  # token, its user, target
    "admin_rename": (202, [BATCH_GET, "GetItem", TRANSACT]),
    # mark (every token stops), query the authorizations, delete them (33 a transaction), delete the user
    "admin_delete": (204, [BATCH_GET, "GetItem", TRANSACT, "Query", TRANSACT, TRANSACT]),
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


def test_headline_paths(measured):
    """A warm repeat get-or-create is one read and no write; a create or a wrong password two."""
    assert measured["put_existing"]["operations"] == [BATCH_GET]
    for path in ("put_create", "put_bad_credentials"):
        assert measured[path]["calls"] == 2, path

"""The failed-login limit over HTTP, as an attacker meets it: 48 guesses sent together to the local
server with 8 worker processes (8 "containers", each with its own memory of verified credentials) on
DynamoDB Local. At most ``LOCKOUT_MAX_FAILURES`` guesses are evaluated (401); the rest are 403; the
right password afterwards is 403 too."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
import requests
from authorize.adapters.dynamodb.store import DynamoDBStore
from authorize.usecases import admin
from authorize_local.apigw import LocalApiServer, ProcessPoolInvoker
from authorize_local.serve import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

pytestmark = pytest.mark.integration

WORKERS = 8
BURST = 48
MAX = 10  # the default LOCKOUT_MAX_FAILURES, which the workers use
PASSWORD = "a password only the test knows"


@pytest.fixture(scope="module")
def pool(database) -> Iterator[str]:
    if database.backend != "local":
        pytest.skip("moto serves one request at a time: the burst would not be concurrent")
    invoker = ProcessPoolInvoker(
        WORKERS, env={"AWS_ENDPOINT_URL_DYNAMODB": database.endpoint_url, "TABLE_NAME": database.table}
    )
    server = LocalApiServer(invoker, quiet=True).start_in_thread()
    try:
        yield server.base_url
    finally:
        server.stop()
        invoker.close()


def _burst(base_url: str, login: str, passwords: list[str]) -> Counter[int]:
    barrier = Barrier(len(passwords))
    url = f"{base_url}/authorizations/clients/{DEMO_CLIENT_ID}"

    def guess(password: str) -> int:
        barrier.wait()
        return requests.put(
            url, auth=(login, password), json={"client_secret": DEMO_CLIENT_SECRET}, timeout=60
        ).status_code

    with ThreadPoolExecutor(len(passwords)) as threads:
        return Counter(threads.map(guess, passwords))


def _new_user(database) -> str:
    login = f"target-{uuid.uuid4().hex[:8]}"
    admin.create_user(DynamoDBStore(database.client, database.table), login, PASSWORD)
    return login


def test_48_concurrent_wrong_passwords_evaluate_at_most_the_limit(pool, database):
    login = _new_user(database)
    statuses = _burst(pool, login, [f"wrong-{i}" for i in range(BURST)])
    print(f"\n{BURST} concurrent wrong passwords, {WORKERS} workers: {dict(statuses)}")
    assert set(statuses) <= {401, 403}
    assert statuses[401] == MAX and statuses[403] == BURST - MAX
    right = requests.put(
        f"{pool}/authorizations/clients/{DEMO_CLIENT_ID}",
        auth=(login, PASSWORD),
        json={"client_secret": DEMO_CLIENT_SECRET},
        timeout=60,
    )
    assert right.status_code == 403


def test_the_right_password_inside_the_burst_evaluates_no_more(pool, database):
    login = _new_user(database)
    guesses = [f"wrong-{i}" for i in range(BURST - 1)]
    guesses.insert(7, PASSWORD)
    statuses = _burst(pool, login, guesses)
    print(f"\n{BURST} concurrent guesses, the right one among them, {WORKERS} workers: {dict(statuses)}")
    assert set(statuses) <= {200, 201, 401, 403}
    accepted = statuses[200] + statuses[201]
    assert statuses[401] <= MAX and accepted <= 1
    assert statuses[401] == MAX or accepted == 1  # fewer failures only when the right one held a slot

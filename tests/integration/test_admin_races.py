"""Races of the site-administrator API, on both embedded backends, the handler in worker processes
(8 on DynamoDB Local, like 8 concurrent Lambda containers; moto serves one call at a time, so 4 there).

1. impersonation tokens: concurrent get-or-create of one user's token makes one token (one 201).
2. site administrators suspending or demoting each other at once: the API never leaves both refused
   (the acting administrator is checked in the same transaction as the change).
3. creates of one login (any case) or one email at once: one user.
4. renames of several users to one new login at once: one rename, and nobody lost.
5. suspension and deletion racing a user's own requests: nothing that starts after the 204 works.
"""

from __future__ import annotations

import contextlib
import itertools
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from authorize.adapters.dynamodb.store import DynamoDBStore
from authorize.composition import UseCases
from authorize.settings import Settings
from authorize.usecases import admin
from authorize_local.apigw import LocalApiServer, ProcessPoolInvoker
from authorize_local.serve import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from .race_helpers import (
    Answer,
    Http,
    assert_no_server_errors,
    assert_statuses,
    check_table,
    fresh_name,
    moto_honours_client_request_token,
    run_concurrently,
)

pytestmark = pytest.mark.integration

Database = Any
WORKERS = {"moto": 4, "local": 8}
CLIENT_THREADS = 32
PASSWORD = "admin race password"
SECRET_BODY = {"client_secret": DEMO_CLIENT_SECRET}
PUT_PATH = f"/authorizations/clients/{DEMO_CLIENT_ID}"
NOT_ADMIN = "Must be a site administrator."
SUSPENDED = "Sorry. Your account was suspended."
LOCKED_OUT = "Maximum number of login attempts exceeded. Please try again later."


@dataclass
class AdminRaceApi:
    http: Http
    db: Database

    @property
    def store(self) -> DynamoDBStore:
        return DynamoDBStore(self.db.client, self.db.table)

    @property
    def use_cases(self) -> UseCases:
        return UseCases.build(self.store, Settings.from_env())

    def new_user(self, *, site_admin: bool = False, **profile: Any) -> str:
        return str(admin.create_user(self.store, fresh_name("ar"), PASSWORD, site_admin=site_admin, **profile)["login"])

    def call(self, method: str, path: str, login: str, body: Any = None, **tag: Any) -> Answer:
        return self.http.call(method, path, auth=(login, PASSWORD), json=body, **tag)

    def token_call(self, method: str, path: str, token: str, **tag: Any) -> Answer:
        return self.http.call(method, path, headers={"Authorization": f"token {token}"}, **tag)


@pytest.fixture(scope="module")
def admin_race_api(database: Database) -> Iterator[AdminRaceApi]:
    env = {
        "AWS_ENDPOINT_URL_DYNAMODB": database.endpoint_url,
        "TABLE_NAME": database.table,
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
    with contextlib.ExitStack() as stack:
        if database.backend == "moto":
            stack.enter_context(moto_honours_client_request_token())
        invoker = ProcessPoolInvoker(WORKERS[database.backend], env=env)
        stack.callback(invoker.close)
        server = LocalApiServer(invoker, quiet=True).start_in_thread()
        stack.callback(server.stop)
        yield AdminRaceApi(Http(server.base_url), database)


# --- 1. impersonation tokens ------------------------------------------------------------------------


def test_concurrent_impersonation_tokens_make_one_token_per_user(admin_race_api: AdminRaceApi) -> None:
    """5 users x 16 concurrent POST /admin/users/{u}/authorizations: one 201 per user, every other answer
    200 with the same id and token "", one impersonation authorization per user in the table."""
    api = admin_race_api
    boss = api.new_user(site_admin=True)
    users = [api.new_user() for _ in range(5)]
    jobs = [
        (lambda u=u: api.call("POST", f"/admin/users/{u}/authorizations", boss, {"scopes": ["repo"]}, user=u))
        for _ in range(16)
        for u in users
    ]
    answers = run_concurrently(jobs, threads=CLIENT_THREADS)
    assert_no_server_errors(answers)
    assert_statuses(answers, {200, 201})
    state = check_table(api.db.client, api.db.table)
    for user in users:
        mine = [a for a in answers if a.tag["user"] == user]
        created = [a for a in mine if a.status == 201]
        assert len(created) == 1, (user, Counter(a.status for a in mine))
        assert {a.body["id"] for a in mine} == {created[0].body["id"]}
        assert all(a.body["token"] == "" for a in mine if a.status == 200)
        user_id = api.store.get_user(user).id
        assert [r["id"] for r in state.live_for_user(user_id).values()] == [created[0].body["id"]]
        assert api.token_call("GET", "/user", created[0].body["token"]).body["login"] == user


# --- 2. site administrators against each other ------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "refused_state"),
    [("DELETE", "site_admin", "site_admin"), ("PUT", "suspended", "suspended_at")],
    ids=["demote", "suspend"],
)
def test_two_site_admins_cannot_remove_each_other_at_once(
    admin_race_api: AdminRaceApi, method: str, suffix: str, refused_state: str
) -> None:
    """8 pairs of site administrators, 3 rounds: in each pair both demote (or suspend) the other at
    once. Exactly one of the two wins each time; the other is refused (403), so a pair is never left
    with neither an active site administrator."""
    api = admin_race_api
    uc = api.use_cases
    pairs = [(api.new_user(site_admin=True), api.new_user(site_admin=True)) for _ in range(8)]
    for _round in range(3):
        jobs = [
            (lambda a=a, b=b: api.call(method, f"/users/{b}/{suffix}", a, actor=a, target=b))
            for x, y in pairs
            for a, b in ((x, y), (y, x))
        ]
        answers = run_concurrently(jobs, threads=CLIENT_THREADS)
        assert_no_server_errors(answers)
        assert_statuses(answers, {204, 403})
        for x, y in pairs:
            pair = [a for a in answers if a.tag["actor"] in (x, y)]
            won = [a for a in pair if a.status == 204]
            assert len(won) == 1, [a.describe() for a in pair]
            lost = next(a for a in pair if a.status == 403)
            assert lost.body["message"] in (NOT_ADMIN, SUSPENDED), lost.describe()
            winner, loser = won[0].tag["actor"], lost.tag["actor"]
            stored_winner, stored_loser = api.store.get_user(winner), api.store.get_user(loser)
            assert stored_winner.site_admin and stored_winner.suspended_at is None
            if refused_state == "site_admin":
                assert not stored_loser.site_admin
            else:
                assert stored_loser.suspended_at is not None
        for x, y in pairs:  # the operator restores them for the next round
            for login in (x, y):
                uc.admin.users.set_site_admin(None, login, True)
                uc.admin.users.set_suspended(None, login, False)


# --- 3. one login, one email ------------------------------------------------------------------------


def test_concurrent_creates_of_one_login_or_one_email_make_one_user(admin_race_api: AdminRaceApi) -> None:
    api = admin_race_api
    boss = api.new_user(site_admin=True)
    login = fresh_name("same")
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    variants = [login, login.upper(), login.replace("-", "_"), login.capitalize()]
    jobs = [
        (lambda v=v, n=n: api.call("POST", "/admin/users", boss, {"login": v, "email": f"{n}-{email}"}, kind="login"))
        for n, v in enumerate(itertools.islice(itertools.cycle(variants), 16))
    ] + [
        (lambda n=n: api.call("POST", "/admin/users", boss, {"login": f"{login}-{n}", "email": email}, kind="email"))
        for n in range(16)
    ]
    answers = run_concurrently(jobs, threads=CLIENT_THREADS)
    assert_no_server_errors(answers)
    assert_statuses(answers, {201, 422})
    for kind in ("login", "email"):
        group = [a for a in answers if a.tag["kind"] == kind]
        assert Counter(a.status for a in group) == {201: 1, 422: 15}, kind
        assert all(a.body["errors"][0]["field"] == kind for a in group if a.status == 422)
    assert api.store.get_user(login) is not None
    winners = [a.body["login"] for a in answers if a.status == 201 and a.tag["kind"] == "email"]
    assert [u.login for u in api.store.list_users() if u.email and u.email == email] == winners


# --- 4. renames onto one login ----------------------------------------------------------------------


def test_concurrent_renames_onto_one_login_rename_one_user(admin_race_api: AdminRaceApi) -> None:
    api = admin_race_api
    boss = api.new_user(site_admin=True)
    users = [api.new_user() for _ in range(12)]
    ids = {u: api.store.get_user(u).id for u in users}
    target = fresh_name("wanted")
    jobs = [
        (lambda u=u: api.call("PATCH", f"/admin/users/{u}", boss, {"login": target}, user=u))
        for u in users
        for _ in (0, 1)
    ]
    answers = run_concurrently(jobs, threads=CLIENT_THREADS)
    assert_no_server_errors(answers)
    assert_statuses(answers, {202, 404, 422})
    renamed = {a.tag["user"] for a in answers if a.status == 202}
    assert len(renamed) == 1, Counter(a.status for a in answers)
    [winner] = renamed
    assert api.store.get_user(target).id == ids[winner]
    for user in users:  # nobody lost, nobody duplicated
        if user != winner:
            assert api.store.get_user(user).id == ids[user]
    assert api.store.get_user(winner) is None
    assert sorted(u.id for u in api.store.list_users() if u.id in ids.values()) == sorted(ids.values())


# --- 5. suspension and deletion against the user's own requests --------------------------------------


def _storm(api: AdminRaceApi, login: str, token: str, rounds: int) -> list[Answer]:
    return run_concurrently(
        [
            (lambda: api.call("PUT", PUT_PATH, login, SECRET_BODY, kind="basic"))
            if n % 2
            else (lambda: api.token_call("GET", "/user", token, kind="token"))
            for n in range(rounds)
        ],
        threads=16,
    )


@pytest.mark.parametrize("action", ["suspend", "delete"])
def test_nothing_that_starts_after_a_suspension_or_deletion_works(admin_race_api: AdminRaceApi, action: str) -> None:
    """The user's PUTs and token requests race the suspension (deletion): every request that started
    after its 204 was sent is refused, and so is every token the user ever got."""
    api = admin_race_api
    boss = api.new_user(site_admin=True)
    login = api.new_user()
    first = api.call("PUT", PUT_PATH, login, SECRET_BODY)
    token = first.body["token"]
    method, path = ("PUT", f"/users/{login}/suspended") if action == "suspend" else ("DELETE", f"/admin/users/{login}")
    jobs = [(lambda: api.call(method, path, boss, kind="admin"))] + [
        (lambda n=n: _storm(api, login, token, 4)) for n in range(16)
    ]
    results = run_concurrently(jobs, threads=17)
    decisive = results[0]
    assert isinstance(decisive, Answer) and decisive.status == 204, decisive
    answers = [a for batch in results[1:] for a in batch]
    assert_no_server_errors(answers)
    after = [a for a in answers if a.started > decisive.ended]
    # Suspended: 403. Deleted: 401, as an unknown login, whose failures count toward its lockout (403).
    refused = {"suspend": {SUSPENDED}, "delete": {"Bad credentials", LOCKED_OUT}}[action]
    wrong = [a.describe() for a in after if a.status not in (401, 403) or a.body["message"] not in refused]
    assert not wrong, wrong[:5]
    issued = [token] + [a.body["token"] for a in answers if a.status == 201]
    for t in issued:
        answer = api.token_call("GET", "/user", t)
        assert answer.status in (401, 403) and answer.body["message"] in refused, answer.describe()
    if action == "delete":
        again = api.call("POST", "/admin/users", boss, {"login": login, "email": f"{login}@example.com"})
        assert again.status == 201, again.describe()

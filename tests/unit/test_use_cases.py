"""Use cases over the in-memory store: creating with an app (behaviour.md §6.1), key clashes on create and
PATCH (§6.4), reading one's own authorization, lost answers on reset, expiry and the lockout counter."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pyotp
import pytest
from authorize.domain import tokens
from authorize.domain.credentials import Basic
from authorize.domain.exceptions import (
    BadCredentials,
    InvalidApplication,
    NotFound,
    OtpRequired,
    Unavailable,
    ValidationFailed,
)
from authorize.domain.inputs import CreateBody, UpdateBody
from authorize.usecases import admin
from authorize.usecases.login import Caller
from authorize.usecases.users import Me

from tests.unit.world import APP, CLIENT_ID, OTHER_ID, PASSWORD, SECRET, World, make_world


@pytest.fixture
def world() -> World:
    return make_world()


def with_app(world: World, client_id: str = CLIENT_ID) -> Caller:
    """monalisa as the login read her for a request naming this app."""
    return Caller(world.monalisa.user, world.store.apps.get(client_id))


def create(world: World, peeked: str | None = CLIENT_ID, **fields: object):
    return world.uc.authorizations.create(with_app(world, peeked or CLIENT_ID), CreateBody(**fields), peeked)


def test_create_with_an_app_makes_an_app_token(world):
    issued = create(world, note="n", client_id=CLIENT_ID, client_secret=SECRET, fingerprint="fp")
    rec = issued.authorization
    assert issued.token.startswith("gho_") and rec.client_id == CLIENT_ID and rec.app_name == "app"
    assert world.uc.app_tokens.check(CLIENT_ID, APP, issued.token).authorization == rec


@pytest.mark.parametrize(
    ("fields", "peeked"),
    [
        ({"client_id": CLIENT_ID}, CLIENT_ID),  # both or neither
        ({"client_secret": SECRET}, None),
        ({"client_id": CLIENT_ID, "client_secret": "0" * 40}, CLIENT_ID),  # wrong secret
        ({"client_id": CLIENT_ID, "client_secret": SECRET}, OTHER_ID),  # not the app that was read
        ({"client_id": "unknownunknown000000", "client_secret": SECRET}, "unknownunknown000000"),
    ],
)
def test_create_with_a_bad_app_is_an_invalid_application(world, fields, peeked):
    with pytest.raises(InvalidApplication):
        create(world, peeked, note="n", **fields)
    assert world.store.by_key == {}


def already_exists(excinfo: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str]]:
    return [(f.field, f.code) for f in excinfo.value.fields]


def test_create_never_returns_an_existing_authorization(world):
    create(world, note="one", client_id=CLIENT_ID, client_secret=SECRET, fingerprint="fp")
    world.personal(world.monalisa, "script")
    with pytest.raises(ValidationFailed) as app_clash:
        create(world, note="two", client_id=CLIENT_ID, client_secret=SECRET, fingerprint="fp")
    assert already_exists(app_clash) == [("fingerprint", "already_exists")]
    with pytest.raises(ValidationFailed) as note_clash:
        world.personal(world.monalisa, "script")
    assert already_exists(note_clash) == [("description", "already_exists")]
    assert len(world.store.by_key) == 2


def test_a_patch_onto_a_taken_key_is_refused(world):
    world.personal(world.monalisa, "taken")
    renamed = world.personal(world.monalisa, "mine").authorization
    with pytest.raises(ValidationFailed) as note_clash:
        world.uc.authorizations.update(world.monalisa, renamed, UpdateBody(note="taken"))
    assert already_exists(note_clash) == [("description", "already_exists")]
    world.issue(world.monalisa, fingerprint="laptop")
    phone = world.issue(world.monalisa, fingerprint="phone").authorization
    with pytest.raises(ValidationFailed) as fingerprint_clash:
        world.uc.authorizations.update(world.monalisa, phone, UpdateBody(fingerprint="laptop"))
    assert already_exists(fingerprint_clash) == [("fingerprint", "already_exists")]
    assert world.store.get_authorization(phone.id) == phone


def test_get_answers_the_authorization_read_with_the_caller_if_it_is_theirs(world):
    mine = world.issue(world.monalisa).authorization
    assert world.uc.authorizations.get(Caller(world.monalisa.user, authorization=mine)) == mine
    for caller in (Caller(world.octocat.user, authorization=mine), Caller(world.monalisa.user)):
        with pytest.raises(NotFound):
            world.uc.authorizations.get(caller)


class LosesResetAnswers:
    """Wraps a store's replace: it commits (or not), then the answer never arrives."""

    def __init__(self, world: World, commit: bool) -> None:
        self.replace = world.store.replace_authorization
        self.commit = commit

    def __call__(self, old, new):
        if self.commit:
            self.replace(old, new)
        raise Unavailable()


def test_a_reset_whose_answer_was_lost_after_it_committed_gives_the_new_token(world, monkeypatch):
    issued = world.issue(world.monalisa)
    monkeypatch.setattr(world.store, "replace_authorization", LosesResetAnswers(world, commit=True))
    reset = world.uc.app_tokens.reset(CLIENT_ID, APP, issued.token)
    assert world.store.find_token(tokens.hash_token(reset.token)) == reset.authorization
    assert world.store.find_token(issued.authorization.hashed_token) is None


def test_a_reset_that_did_not_commit_is_unavailable_and_the_old_token_holds(world, monkeypatch):
    issued = world.issue(world.monalisa)
    monkeypatch.setattr(world.store, "replace_authorization", LosesResetAnswers(world, commit=False))
    with pytest.raises(Unavailable):
        world.uc.app_tokens.reset(CLIENT_ID, APP, issued.token)
    assert world.store.find_token(issued.authorization.hashed_token) == issued.authorization


def test_a_token_lifetime_is_exact_whatever_the_servers_time_zone(world, monkeypatch):
    admin.create_app(
        world.store, "daily", "https://daily.example", client_id="d" * 20, client_secret=SECRET, token_lifetime=86400
    )
    # Issued the day before daylight-saving time starts in the server's (local) zone.
    world.clock.now = datetime(2030, 3, 9, 12, 0, tzinfo=UTC).timestamp()
    monkeypatch.setenv("TZ", "EST5EDT,M3.2.0,M11.1.0")
    time.tzset()
    try:
        rec = world.issue(world.monalisa, "d" * 20).authorization
    finally:
        monkeypatch.undo()
        time.tzset()
    assert rec.created_at == "2030-03-09T12:00:00Z" and rec.expires_at == "2030-03-10T12:00:00Z"


def test_me_with_a_password_and_a_code(world):
    hubot = world.store.users["hubot"]
    with pytest.raises(OtpRequired):
        world.uc.users.me(Basic("hubot", PASSWORD), None)
    code = pyotp.TOTP(world.hubot_totp).now()
    assert world.uc.users.me(Basic("hubot", PASSWORD), code) == Me(hubot, None)


def test_a_failed_login_counter_expires_after_its_window(world):
    window = world.uc.settings.lockout_window_seconds
    with pytest.raises(BadCredentials):
        world.uc.login.authenticate(Basic("monalisa", "wrong"), None)
    start = int(world.clock.now) - int(world.clock.now) % window
    assert world.store.failures == {("monalisa", start): 1}
    assert world.store.failures_expire == {("monalisa", start): start + window + 60}


def test_impossible_tokens_name_nobody_without_a_read(world):
    owner = world.uc.users.owners.of_token
    for not_ours in ("", "x" * 256, "x" * 255, "gho_" + "A" * 36):
        assert world.reads(lambda token=not_ours: owner(token)) == []
    unknown = "ghp_" + "C" * 30 + tokens.checksum("C" * 30)  # well-formed, issued to nobody
    assert world.reads(lambda: owner(unknown)) == ["find_token"]


class LosesDeleteAnswers:
    """Wraps a store's delete: it commits (or not), then the answer never arrives."""

    def __init__(self, world: World, commit: bool) -> None:
        self.delete = world.store.delete_authorizations
        self.commit = commit

    def __call__(self, records):
        if self.commit:
            self.delete(records)
        raise Unavailable()


def test_an_unanswered_delete_that_committed_is_done(world, monkeypatch):
    one = world.issue(world.monalisa, fingerprint="one").authorization
    two = world.issue(world.monalisa, fingerprint="two").authorization
    monkeypatch.setattr(world.store, "delete_authorizations", LosesDeleteAnswers(world, commit=True))
    world.uc.authorizations.delete(world.monalisa, one)
    world.uc.authorizations.delete_records([two])
    assert world.store.by_key == {}


def test_an_unanswered_delete_that_did_not_commit_is_unavailable(world, monkeypatch):
    one = world.issue(world.monalisa).authorization
    monkeypatch.setattr(world.store, "delete_authorizations", LosesDeleteAnswers(world, commit=False))
    with pytest.raises(Unavailable):
        world.uc.authorizations.delete(world.monalisa, one)
    with pytest.raises(Unavailable):
        world.uc.authorizations.delete_records([one])
    assert world.store.get_authorization(one.id) == one


def test_a_get_or_create_hit_found_by_the_write_has_no_token(world):
    first = world.issue(world.monalisa, scopes=["repo"])
    again = world.issue(world.monalisa, scopes=["gist"])  # a caller read without the keyed authorization
    assert first.created and first.token
    assert (again.created, again.token, again.authorization) == (False, "", first.authorization)

"""User Basic authentication (behaviour.md §3) over the in-memory store: a token is not a password, and
what the one batched read brings along with the caller."""

from __future__ import annotations

import pyotp
import pytest
from authorize.domain import totp
from authorize.domain.credentials import Basic
from authorize.domain.exceptions import BadCredentials, LockedOut, OtpRequired, PasswordRequired
from authorize.domain.inputs import GetOrCreateBody
from authorize.usecases import admin
from authorize.usecases.login import UserIds

from tests.support import SEALER
from tests.unit.world import CLIENT_ID, PASSWORD, SECRET, World, make_world

READS = {"load_login_context", "load_app_token", "get_authorization", "find_token", "list_authorizations"}


@pytest.fixture
def world() -> World:
    return make_world()


def test_a_token_of_the_login_as_its_password_is_refused_as_a_token(world):
    token = world.issue(world.monalisa).token
    for login in ("monalisa", "MonaLisa", "MONALISA"):  # logins are case-insensitive
        with pytest.raises(PasswordRequired):
            world.uc.login.authenticate(Basic(login, token), None)
    assert world.store.failures == {}  # not a failed login either


def test_someone_elses_token_as_a_password_is_just_a_wrong_password(world):
    token = world.issue(world.octocat).token
    with pytest.raises(BadCredentials):
        world.uc.login.authenticate(Basic("monalisa", token), None)
    assert sum(world.store.failures.values()) == 1


def test_the_login_reads_the_app_and_the_named_authorization_with_the_user(world):
    mine = world.issue(world.monalisa).authorization
    world.store.calls.clear()
    caller = world.uc.login.authenticate(
        Basic("monalisa", PASSWORD), None, client_id=CLIENT_ID, authorization_id=mine.id
    )
    assert (caller.user.login, caller.app, caller.authorization) == ("monalisa", world.store.apps[CLIENT_ID], mine)
    reads = [c for c in world.store.calls if c in READS]
    assert reads == ["load_login_context"]  # one read for all of it


def test_a_client_id_no_app_can_have_is_not_looked_up(world):
    caller = world.uc.login.authenticate(Basic("monalisa", PASSWORD), None, client_id="x" * 5000)
    assert caller.app is None


def test_an_accepted_code_is_remembered_for_its_user_only(world):
    login = world.uc.login.authenticate
    admin.create_user(world.store, "hubot2", PASSWORD, with_totp=True, sealer=SEALER)
    code = pyotp.TOTP(world.hubot_totp).now()
    login(Basic("hubot", PASSWORD), code)
    world.store.calls.clear()
    login(Basic("hubot", PASSWORD), code)  # re-sent, as clients do: no new guess, so nothing reserved
    assert "reserve_attempt" not in world.store.calls
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    if not totp.verify(world.hubot_totp, wrong):  # (a neighbouring step's code would be right)
        with pytest.raises(OtpRequired):
            login(Basic("hubot", PASSWORD), wrong)
    theirs = world.store.users["hubot2"]
    if not totp.verify(SEALER.unseal(theirs.totp_secret, theirs.id), code):  # 1 in 10**6 it is theirs too
        with pytest.raises(OtpRequired):
            login(Basic("hubot2", PASSWORD), code)  # hubot's code is not hubot2's


def test_the_login_to_user_id_memory_is_bounded_and_forgets_the_oldest():
    ids = UserIds(max_entries=3)
    for number, login in enumerate(["a", "b", "c", "d"], start=1):
        ids.remember(login, number)
    assert [ids.get(login) for login in ("a", "b", "c", "d")] == [None, 2, 3, 4]
    ids.remember("B", 2)  # case-insensitive, and now the newest
    ids.remember("e", 5)
    assert [ids.get(login) for login in ("b", "c", "d", "e")] == [2, None, 4, 5]


def warm_get_or_create(world: World, fingerprint: str | None = None, login: str = "monalisa"):
    caller = world.uc.login.authenticate(
        Basic(login, PASSWORD), None, client_id=CLIENT_ID, get_or_create=True, fingerprint=fingerprint
    )
    return caller, world.uc.authorizations.get_or_create(
        caller, GetOrCreateBody(client_secret=SECRET, fingerprint=fingerprint)
    )


@pytest.mark.parametrize("fingerprint", [None, "laptop"])
def test_a_warm_repeat_get_or_create_is_one_read_and_no_write(world, fingerprint):
    _, first = warm_get_or_create(world, fingerprint)  # this container learns monalisa's id
    world.store.calls.clear()
    caller, again = warm_get_or_create(world, fingerprint)
    assert caller.keyed == first.authorization and not again.created and again.token == ""
    assert again.authorization == first.authorization
    assert [c for c in world.store.calls if c not in {"reserve_attempt", "release_attempt"}] == ["load_login_context"]


def test_only_get_or_create_reads_the_keyed_authorization(world):
    warm_get_or_create(world)
    for names in ({}, {"client_id": CLIENT_ID}, {"get_or_create": True}):
        assert world.uc.login.authenticate(Basic("monalisa", PASSWORD), None, **names).keyed is None


def test_a_recreated_login_does_not_inherit_the_old_users_authorization(world):
    _, old = warm_get_or_create(world)
    recreated = world.store.users["monalisa"].model_copy(update={"id": 99})
    world.store.users["monalisa"] = recreated  # the login now names another user
    caller, new = warm_get_or_create(world)
    assert caller.keyed is None and caller.user.id == 99
    assert new.created and new.authorization.user_id == 99 and new.authorization.id != old.authorization.id


def test_the_lockout_holds_for_a_password_this_container_verified_before(world):
    login = world.uc.login.authenticate
    login(Basic("monalisa", PASSWORD), None)  # verified: cached
    for _ in range(world.uc.settings.lockout_max_failures):
        with pytest.raises(BadCredentials):
            login(Basic("monalisa", "wrong"), None)
    with pytest.raises(LockedOut):
        login(Basic("monalisa", PASSWORD), None)

"""User Basic authentication (behaviour.md §3) over the in-memory store: a token is not a password, and
what the one batched read brings along with the caller."""

from __future__ import annotations

import pytest
from authorize.domain.credentials import Basic
from authorize.domain.exceptions import BadCredentials, PasswordRequired

from tests.unit.world import CLIENT_ID, PASSWORD, World, make_world

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

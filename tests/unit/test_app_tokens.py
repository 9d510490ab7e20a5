"""App-authenticated token endpoints (behaviour.md §7) and ``GET /user`` over the in-memory store:
what an app may see of its tokens, and that everything else is indistinguishable from nothing."""

from __future__ import annotations

import pytest
from authorize.domain import tokens
from authorize.domain.credentials import AppCredentials, Basic, Bearer, Malformed
from authorize.domain.exceptions import AuthenticationRequired, BadCredentials, NotFound
from authorize.usecases.users import Me

from tests.unit.world import (
    APP,
    CLIENT_ID,
    OTHER_ID,
    OTHER_SECRET,
    PASSWORD,
    SECRET,
    SHORT_ID,
    World,
    live_ids,
    make_world,
)


@pytest.fixture
def world() -> World:
    return make_world()


def test_check_finds_the_apps_own_token(world):
    issued = world.issue(world.monalisa, scopes=["repo"])
    checked = world.uc.app_tokens.check(CLIENT_ID, APP, issued.token)
    assert (checked.authorization, checked.user) == (issued.authorization, world.monalisa.user)
    # the app and the token in one read, then the token's user as it is now (suspended? renamed?)
    reads = world.reads(lambda: world.uc.app_tokens.check(CLIENT_ID, APP, issued.token))
    assert reads == ["load_app_token", "get_owner"]


def test_everything_but_the_apps_own_live_token_is_not_found(world):
    mine = world.issue(world.monalisa)
    theirs = world.issue(world.monalisa, OTHER_ID, OTHER_SECRET)
    personal = world.personal(world.monalisa, "script")
    short = world.issue(world.monalisa, SHORT_ID)
    check = world.uc.app_tokens.check
    cases = [
        (CLIENT_ID, APP, "gho_" + "A" * 36),  # the right shape, issued to nobody
        (CLIENT_ID, APP, mine.authorization.hashed_token),  # the hash is not the token
        (CLIENT_ID, APP, theirs.token),  # another app's token
        (CLIENT_ID, APP, personal.token),
        (CLIENT_ID, AppCredentials(CLIENT_ID, OTHER_SECRET), mine.token),  # wrong secret
        (CLIENT_ID, AppCredentials(CLIENT_ID, SECRET + "x"), mine.token),
        (OTHER_ID, AppCredentials(OTHER_ID, OTHER_SECRET), mine.token),  # asked by the other app
        (CLIENT_ID, AppCredentials(OTHER_ID, OTHER_SECRET), mine.token),  # other app's credentials, our path
        (OTHER_ID, APP, mine.token),  # our credentials, the other app's path
        ("unknownunknown000000", AppCredentials("unknownunknown000000", SECRET), mine.token),
        (CLIENT_ID, APP, mine.token + "\ud800"),
        (CLIENT_ID, AppCredentials(CLIENT_ID, SECRET + "\ud800"), mine.token),
    ]
    for client_id, credentials, token in cases:
        with pytest.raises(NotFound):
            check(client_id, credentials, token)
    assert check(SHORT_ID, AppCredentials(SHORT_ID, SECRET), short.token).authorization == short.authorization
    world.clock.now += 3600  # its lifetime is over
    with pytest.raises(NotFound):
        check(SHORT_ID, AppCredentials(SHORT_ID, SECRET), short.token)


def test_impossible_client_ids_and_tokens_cost_no_read(world):
    issued = world.issue(world.monalisa)
    check = world.uc.app_tokens.check
    bad_id = "not an id!"
    assert world.reads(lambda: check(bad_id, AppCredentials(bad_id, SECRET), issued.token)) == []
    for not_ours in ("x" * 256, "x" * 255, "gho_" + "A" * 36, issued.token[:-1] + "0"):  # no valid checksum
        assert world.reads(lambda token=not_ours: check(CLIENT_ID, APP, token)) == []
    unknown = "gho_" + "B" * 30 + tokens.checksum("B" * 30)  # well-formed, issued to nobody
    assert world.reads(lambda: check(CLIENT_ID, APP, unknown)) == ["load_app_token"]


def test_reset_replaces_the_token_and_nothing_else(world):
    issued = world.issue(world.monalisa, scopes=["gist"], note="n")
    world.clock.now += 60
    reset = world.uc.app_tokens.reset(CLIENT_ID, APP, issued.token)
    old, new = issued.authorization, reset.authorization
    assert reset.token.startswith("gho_") and tokens.has_valid_checksum(reset.token)
    assert reset.token != issued.token and new.hashed_token == tokens.hash_token(reset.token)
    assert new.token_last_eight == reset.token[-8:]
    assert (new.id, new.scopes, new.note, new.created_at) == (old.id, old.scopes, old.note, old.created_at)
    assert new.updated_at > old.updated_at and new.revision == old.revision + 1
    assert world.uc.app_tokens.check(CLIENT_ID, APP, reset.token).authorization == new
    with pytest.raises(NotFound):  # the old token stops working in the same write
        world.uc.app_tokens.check(CLIENT_ID, APP, issued.token)


def test_reset_gives_an_expiring_token_a_full_lifetime(world):
    short_app = AppCredentials(SHORT_ID, SECRET)
    issued = world.issue(world.monalisa, SHORT_ID)
    world.clock.now += 1800
    reset = world.uc.app_tokens.reset(SHORT_ID, short_app, issued.token)
    assert reset.authorization.expires_epoch() == int(world.clock.now) + 3600
    world.clock.now += 3599
    assert world.uc.app_tokens.check(SHORT_ID, short_app, reset.token).authorization.id == issued.authorization.id


def test_revoke_deletes_that_authorization_only(world):
    first = world.issue(world.monalisa, fingerprint="laptop")
    second = world.issue(world.monalisa, fingerprint="phone")
    world.uc.app_tokens.revoke(CLIENT_ID, APP, first.token)
    assert live_ids(world, world.monalisa) == {second.authorization.id}
    with pytest.raises(NotFound):
        world.uc.app_tokens.revoke(CLIENT_ID, APP, first.token)


def test_revoke_grant_deletes_every_token_of_this_app_for_the_tokens_owner(world):
    laptop = world.issue(world.monalisa, fingerprint="laptop")
    world.issue(world.monalisa, fingerprint="phone")
    other_app = world.issue(world.monalisa, OTHER_ID, OTHER_SECRET)
    personal = world.personal(world.monalisa, "script")
    octocats = world.issue(world.octocat)
    world.uc.app_tokens.revoke_grant(CLIENT_ID, APP, laptop.token)
    assert live_ids(world, world.monalisa) == {other_app.authorization.id, personal.authorization.id}
    assert live_ids(world, world.octocat) == {octocats.authorization.id}


def test_a_token_names_its_owner(world):
    issued = world.issue(world.monalisa, scopes=["user", "gist"])
    owned = world.uc.users.owners.of_token(issued.token)
    assert (owned.authorization, owned.user) == (issued.authorization, world.monalisa.user)
    assert world.uc.users.me(Bearer(issued.token), None) == Me(world.monalisa.user, ["user", "gist"])
    personal = world.personal(world.octocat, "script")
    assert world.uc.users.me(Bearer(personal.token), None) == Me(world.octocat.user, [])


@pytest.mark.parametrize("token", ["", "gho_" + "A" * 36, "x" * 256, "gho_\ud800"])
def test_a_token_that_names_nobody_is_bad_credentials(world, token):
    with pytest.raises(BadCredentials):
        world.uc.users.me(Bearer(token), None)


def test_an_expired_token_is_bad_credentials(world):
    issued = world.issue(world.monalisa, SHORT_ID)
    world.clock.now += 3600
    with pytest.raises(BadCredentials):
        world.uc.users.owners.of_token(issued.token)


def test_me_with_a_password(world):
    assert world.uc.users.me(Basic("octocat", PASSWORD), None) == Me(world.octocat.user, None)
    with pytest.raises(AuthenticationRequired):
        world.uc.users.me(None, None)
    for broken in (Malformed(), Basic("octocat", "wrong")):
        with pytest.raises(BadCredentials):
            world.uc.users.me(broken, None)

"""GitHub's credential revocation API over the in-memory store: anyone may have a leaked token revoked,
and learns nothing about whether it was live."""

from __future__ import annotations

import pytest
from authorize.domain import tokens
from authorize.domain.exceptions import RequestRefused
from authorize.github import bodies

from tests.unit.world import OTHER_ID, OTHER_SECRET, SHORT_ID, World, live_ids, make_world


@pytest.fixture
def world() -> World:
    return make_world()


def test_the_listed_live_tokens_are_revoked_whoever_owns_them(world):
    mine = world.issue(world.monalisa)
    theirs = world.issue(world.octocat, OTHER_ID, OTHER_SECRET)
    personal = world.personal(world.octocat, "script")
    kept = world.issue(world.monalisa, fingerprint="kept")
    unknown = "gho_" + "D" * 30 + tokens.checksum("D" * 30)
    listed = [mine.token, theirs.token, mine.token, personal.token, unknown, "not a token"]
    revoked = world.uc.revocation.revoke(listed, "198.51.100.7")
    assert sorted(r.id for r in revoked) == sorted(x.authorization.id for x in (mine, theirs, personal))
    assert live_ids(world, world.monalisa) == {kept.authorization.id} and live_ids(world, world.octocat) == set()


def test_only_tokens_that_could_be_ours_are_looked_up(world):
    world.store.calls.clear()
    assert world.uc.revocation.revoke(["nope", "gho_" + "A" * 36], "198.51.100.7") == []
    assert "find_tokens" not in world.store.calls


def test_an_expired_token_is_not_revoked_again(world):
    short = world.issue(world.monalisa, SHORT_ID)
    world.clock.now += 3600
    assert world.uc.revocation.revoke([short.token], "198.51.100.7") == []


def test_each_address_has_its_hourly_limit(world):
    limit = world.uc.settings.revocation_requests_per_hour
    for _ in range(limit):
        world.uc.revocation.revoke(["nope"], "198.51.100.7")
    with pytest.raises(RequestRefused) as refused:
        world.uc.revocation.revoke(["nope"], "198.51.100.7")
    assert str(limit) in refused.value.reason
    world.uc.revocation.revoke(["nope"], "203.0.113.9")  # another address is not held back
    world.clock.now += 3600
    world.uc.revocation.revoke(["nope"], "198.51.100.7")  # nor the next hour


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "{}",
        '{"credentials": "gho_x"}',
        '{"credentials": []}',
        '{"credentials": ["a", 5]}',
        '{"credentials": null}',
    ],
)
def test_a_body_that_is_not_a_list_of_strings_is_refused(raw):
    with pytest.raises(RequestRefused) as refused:
        bodies.revocation_body(raw, 3)
    assert refused.value.reason == "credentials must be a list of 1 to 3 strings"


def test_a_body_of_1_to_the_maximum_strings():
    assert bodies.revocation_body('{"credentials": ["a"]}', 3) == ["a"]
    assert bodies.revocation_body('{"credentials": ["a", "b", "c"]}', 3) == ["a", "b", "c"]
    with pytest.raises(RequestRefused):
        bodies.revocation_body('{"credentials": ["a", "b", "c", "d"]}', 3)


def test_the_rate_counter_expires_after_its_hour(world):
    world.uc.revocation.revoke(["nope"], "198.51.100.7")
    start = int(world.clock.now) - int(world.clock.now) % 3600
    assert world.store.failures_expire == {("rate:198.51.100.7", start): start + 3600 + 60}

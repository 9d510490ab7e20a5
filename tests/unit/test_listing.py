"""A user's lists over the in-memory store: authorizations (behaviour.md §6.2, §6.3) and grants (§6.6).
Each user sees only their own live records; someone else's are indistinguishable from none."""

from __future__ import annotations

import pytest
from authorize.domain.exceptions import NotFound
from authorize.domain.paging import Page

from tests.unit.world import CLIENT_ID, OTHER_ID, OTHER_SECRET, SHORT_ID, World, live_ids, make_world


@pytest.fixture
def world() -> World:
    return make_world()


def test_the_list_is_the_callers_live_authorizations_newest_first(world):
    first = world.issue(world.monalisa)
    personal = world.personal(world.monalisa, "script")
    short = world.issue(world.monalisa, SHORT_ID)
    other = world.issue(world.monalisa, OTHER_ID, OTHER_SECRET)
    world.issue(world.octocat)
    ids = [r.id for r in world.uc.authorizations.list_authorizations(world.monalisa, Page()).items]
    issued = {first.authorization.id, personal.authorization.id, short.authorization.id, other.authorization.id}
    assert ids == sorted(issued, reverse=True)  # ids grow with creation time (to the millisecond)
    world.clock.now += 3600  # the short-lived token expires
    ids = [r.id for r in world.uc.authorizations.list_authorizations(world.monalisa, Page()).items]
    assert short.authorization.id not in ids and len(ids) == 3


def test_the_list_filtered_by_app_and_paged(world):
    mine = [world.issue(world.monalisa, fingerprint=f"fp-{i}").authorization.id for i in range(5)]
    world.issue(world.monalisa, OTHER_ID, OTHER_SECRET)
    listed = world.uc.authorizations.list_authorizations
    paged = listed(world.monalisa, Page(2, 2), CLIENT_ID)
    assert [r.id for r in paged.items] == sorted(mine, reverse=True)[2:4] and paged.total == 5
    assert listed(world.monalisa, Page(1, 30), None).total == 6
    assert listed(world.monalisa, Page(1, 30), "").total == 6  # an empty client_id filters nothing


def test_get_is_only_for_the_owner(world):
    mine = world.issue(world.monalisa).authorization
    get = world.uc.authorizations.owned
    assert get(world.monalisa, mine) == mine
    for caller, record in ((world.octocat, mine), (world.monalisa, None)):
        with pytest.raises(NotFound):
            get(caller, record)


def test_grants_list_get_and_delete(world):
    laptop = world.issue(world.monalisa, fingerprint="laptop", scopes=["repo"])
    phone = world.issue(world.monalisa, fingerprint="phone", scopes=["gist"])
    other = world.issue(world.monalisa, OTHER_ID, OTHER_SECRET)
    personal = world.personal(world.monalisa, "script")
    octocats = world.issue(world.octocat)
    grants = world.uc.grants
    listed = grants.list_grants(world.monalisa, Page())
    assert {g.first.client_id for g in listed.items} == {CLIENT_ID, OTHER_ID} and listed.total == 2
    firsts = [g.first.id for g in listed.items]
    assert firsts == sorted(firsts)  # in the order the user first authorized each app
    assert grants.list_grants(world.monalisa, Page(2, 1)).items == [listed.items[1]]
    mine = next(g for g in listed.items if g.first.client_id == CLIENT_ID)
    assert grants.get(world.monalisa, mine.id) == mine
    assert {r.id for r in mine.authorizations} == {laptop.authorization.id, phone.authorization.id}
    for caller, grant_id in ((world.octocat, mine.id), (world.monalisa, None), (world.monalisa, mine.id + 1)):
        with pytest.raises(NotFound):
            grants.get(caller, grant_id)
    with pytest.raises(NotFound):
        grants.delete(world.octocat, mine.id)
    grants.delete(world.monalisa, mine.id)
    assert live_ids(world, world.monalisa) == {other.authorization.id, personal.authorization.id}
    assert live_ids(world, world.octocat) == {octocats.authorization.id}
    with pytest.raises(NotFound):
        grants.get(world.monalisa, mine.id)


def test_an_app_whose_tokens_all_expired_is_no_grant(world):
    world.issue(world.monalisa, SHORT_ID)
    assert world.uc.grants.list_grants(world.monalisa, Page()).total == 1
    world.clock.now += 3600
    assert world.uc.grants.list_grants(world.monalisa, Page()).items == []

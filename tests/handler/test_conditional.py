"""Conditional requests: every 200 carries a strong ETag of its body; the GETs clients cache on answer
304 Not Modified, with no body, to a matching If-None-Match, for no more DynamoDB than the 200."""

from __future__ import annotations

import hashlib

import pytest

from bench.round_trips import CallCounter
from tests.handler.conftest import PASSWORD, header_of, load_event
from tests.handler.test_app_tokens import put, user_with
from tests.handler.test_authorizations_family import basic


def _get(world, path: str, auth: str, **headers):
    event = load_event("get-authorizations.json")
    return world.invoke(
        event,
        path=path,
        resource=path,
        pathParameters=None,
        headers={"Authorization": auth, **headers},
    )


@pytest.fixture
def paths(world):
    created = put(world)
    return created, {
        "/authorizations": basic("monalisa", PASSWORD),
        f"/authorizations/{created['id']}": basic("monalisa", PASSWORD),
        "/applications/grants": basic("monalisa", PASSWORD),
        "/user": f"token {created['token']}",
    }


def test_every_200_has_a_strong_etag_of_its_body(world, paths):
    _, routes = paths
    for path, auth in routes.items():
        response = _get(world, path, auth)
        assert response["statusCode"] == 200, (path, response)
        tag = header_of(response, "ETag")
        assert tag == '"' + hashlib.sha256(response["body"].encode()).hexdigest() + '"', path
    assert header_of(world.invoke("put-existing.json"), "ETag")  # a PUT's 200 too


def test_a_matching_if_none_match_is_304_with_no_body_and_no_extra_reads(world, paths):
    _, routes = paths
    counter = CallCounter().attach(world.client)
    for path, auth in routes.items():
        counter.reset()
        first = _get(world, path, auth)
        reads_for_200 = list(counter.operations)
        tag = header_of(first, "ETag")
        counter.reset()
        again = _get(world, path, auth, **{"If-None-Match": tag})
        assert again["statusCode"] == 304, (path, again)
        assert not again.get("body")
        assert header_of(again, "ETag") == tag
        assert counter.operations == reads_for_200, path  # a 304 costs what the 200 cost, no more
        for variant in (f"W/{tag}", f'"other", {tag}', "*"):
            assert _get(world, path, auth, **{"If-None-Match": variant})["statusCode"] == 304, (path, variant)


def test_a_stale_or_absent_etag_gets_the_full_answer(world, paths):
    created, routes = paths
    path = f"/authorizations/{created['id']}"
    tag = header_of(_get(world, path, routes[path]), "ETag")
    assert _get(world, path, routes[path], **{"If-None-Match": '"stale"'})["statusCode"] == 200
    world.invoke(
        "patch-authorization.json",
        path=path,
        pathParameters={"authorization_id": str(created["id"])},
        body='{"note": "changed"}',
    )
    changed = _get(world, path, routes[path], **{"If-None-Match": tag})
    assert changed["statusCode"] == 200 and header_of(changed, "ETag") != tag


def test_errors_carry_no_etag_and_are_never_304(world):
    response = user_with(world, "gho_" + "A" * 36)
    assert response["statusCode"] == 401 and header_of(response, "ETag") is None
    again = world.invoke("get-user.json", headers={"Authorization": "token nope", "If-None-Match": "*"})
    assert again["statusCode"] == 401

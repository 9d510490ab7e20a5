"""A token that cannot be one of ours (wrong prefix, length or CRC32 checksum) is refused before any
DynamoDB call: garbage costs no read (GitHub's token format, behaviour.md §11)."""

from __future__ import annotations

import pytest

from bench.round_trips import CallCounter
from tests.handler.test_app_tokens import app_call, legacy_call, put, user_with

BAD_CHECKSUM = "gho_" + "A" * 36  # the right shape; its last six characters are not the CRC32 of the rest
NOT_A_TOKEN = [BAD_CHECKSUM, "ghp_" + "b" * 36, "gho_short", "x" * 40, "ghx_" + "A" * 36]


def _flipped(token: str) -> str:
    """A real token with one checksum character changed."""
    last = token[-1]
    return token[:-1] + ("0" if last != "0" else "1")


@pytest.fixture
def counted(world):
    counter = CallCounter().attach(world.client)
    return world, counter


@pytest.mark.parametrize("token", NOT_A_TOKEN)
def test_get_user_with_garbage_costs_nothing(counted, token):
    world, counter = counted
    response = user_with(world, token)
    assert response["statusCode"] == 401
    assert counter.operations == []


@pytest.mark.parametrize("action", ["check", "reset", "revoke", "revoke_grant"])
def test_app_token_endpoints_with_garbage_cost_nothing(counted, action):
    world, counter = counted
    real = put(world)["token"]
    counter.reset()
    for token in [*NOT_A_TOKEN, _flipped(real)]:
        assert app_call(world, action, token)["statusCode"] == 404
        assert legacy_call(world, action, token)["statusCode"] == 404
    assert counter.operations == []
    # The real token still works (nothing above touched it).
    assert app_call(world, "check", real)["statusCode"] == 200


def test_a_real_token_with_a_flipped_checksum_is_refused_on_get_user(counted):
    world, counter = counted
    real = put(world)["token"]
    counter.reset()
    assert user_with(world, _flipped(real))["statusCode"] == 401
    assert counter.operations == []
    assert user_with(world, real)["statusCode"] == 200

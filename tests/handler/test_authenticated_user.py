"""``GET /user`` answers GitHub's authenticated-user object: ``private-user`` to a password or a token
with ``user`` / ``read:user``, ``public-user`` to any other token (GitHub's rule), through the real handler."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyotp
import pytest
from authorize.composition import UseCases
from authorize.domain.admin_inputs import Profile
from authorize.settings import Settings
from jsonschema import Draft202012Validator

from tests.handler.conftest import PASSWORD, header_of
from tests.handler.test_app_tokens import user_with
from tests.handler.test_authorizations_family import BASE, MONALISA, basic, create_pat, put, user_id
from tests.support import PROFILE

# GitHub's keys, in the order api.github.com sent them (components/schemas/private-user of GitHub's
# OpenAPI description; business_plus and ldap_dn are optional and not ours).
SIMPLE_USER = [
    "login",
    "id",
    "node_id",
    "avatar_url",
    "gravatar_id",
    "url",
    "html_url",
    "followers_url",
    "following_url",
    "gists_url",
    "starred_url",
    "subscriptions_url",
    "organizations_url",
    "repos_url",
    "events_url",
    "received_events_url",
    "type",
    "site_admin",
]
PUBLIC_USER = [
    *SIMPLE_USER,
    "name",
    "company",
    "blog",
    "location",
    "email",
    "hireable",
    "bio",
    "twitter_username",
    "public_repos",
    "public_gists",
    "followers",
    "following",
    "created_at",
    "updated_at",
]
PRIVATE_ONLY = [
    "private_gists",
    "total_private_repos",
    "owned_private_repos",
    "disk_usage",
    "collaborators",
    "two_factor_authentication",
    "plan",
]
PRIVATE_USER = [*PUBLIC_USER, *PRIVATE_ONLY]
STAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


def me(world, auth: str, **headers: str) -> dict[str, Any]:
    response = world.invoke("get-user.json", headers={"Authorization": auth, **headers})
    assert response["statusCode"] == 200, response
    body: dict[str, Any] = world.json(response)
    return body


def test_a_password_sees_the_private_user_with_githubs_defaults(world):
    user = me(world, MONALISA)
    assert list(user) == PRIVATE_USER
    assert user["login"] == "monalisa" and user["id"] == user_id(world, "monalisa")
    # Nothing set: GitHub's null for the profile, "" for blog, 0 for what we do not keep.
    assert [user[k] for k in ("name", "company", "location", "email", "hireable", "bio", "twitter_username")] == [
        None
    ] * 7
    assert user["blog"] == ""
    assert [user[k] for k in ("public_repos", "public_gists", "followers", "following")] == [0, 0, 0, 0]
    assert [user[k] for k in PRIVATE_ONLY[:5]] == [0, 0, 0, 0, 0]
    assert user["two_factor_authentication"] is False
    assert user["plan"] == {"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000}
    assert re.match(STAMP, user["created_at"]) and user["updated_at"] >= user["created_at"]


def test_two_factor_authentication_shows_totp(world):
    code = pyotp.TOTP(world.totp_secret).now()
    assert me(world, basic("hubot", PASSWORD), **{"X-GitHub-OTP": code})["two_factor_authentication"] is True
    token = put(world, auth=basic("hubot", PASSWORD), headers={"X-GitHub-OTP": code}, scopes=["user"])["token"]
    assert me(world, f"token {token}")["two_factor_authentication"] is True


def test_profile_fields_come_from_the_users_profile(world):
    before = me(world, MONALISA)
    profile = Profile(**PROFILE)
    UseCases.build(world.store, Settings.from_env()).admin.users.update_profile("monalisa", profile)
    user = me(world, MONALISA)
    assert {k: user[k] for k in profile.sent()} == profile.sent()
    assert user["created_at"] == before["created_at"] and user["updated_at"] >= before["updated_at"]
    assert user["url"] == f"{BASE}/users/monalisa"


@pytest.mark.parametrize("scopes", [["user"], ["read:user"], ["repo", "user"], ["gist", "read:user", "user:email"]])
def test_a_token_with_user_or_read_user_sees_the_private_user(world, scopes):
    token = put(world, scopes=scopes)["token"]
    assert list(me(world, f"token {token}")) == PRIVATE_USER


@pytest.mark.parametrize("scopes", [[], ["repo"], ["user:email", "user:follow"], ["gist", "admin:org"]])
def test_any_other_token_sees_the_public_user(world, scopes):
    token = put(world, scopes=scopes)["token"]
    response = user_with(world, token)
    assert response["statusCode"] == 200
    user = world.json(response)
    assert list(user) == PUBLIC_USER
    assert header_of(response, "X-OAuth-Scopes") == ", ".join(scopes)


def test_a_personal_token_follows_the_same_rule(world):
    assert list(me(world, f"token {create_pat(world, 'no scopes')['token']}")) == PUBLIC_USER
    assert list(me(world, f"token {create_pat(world, 'reads me', scopes=['read:user'])['token']}")) == PRIVATE_USER


# --- against GitHub's own schemas -----------------------------------------------------------------

GITHUB_SCHEMAS = json.loads((Path(__file__).with_name("github_user_schemas.json")).read_text())


def github_errors(kind: str, body: dict[str, Any]) -> list[str]:
    """What GitHub's ``kind`` schema says is wrong with ``body`` (public-user forbids other keys)."""
    validator = Draft202012Validator(GITHUB_SCHEMAS[kind], format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(body)]


def test_the_answers_satisfy_githubs_schemas(world):
    UseCases.build(world.store, Settings.from_env()).admin.users.update_profile("monalisa", Profile(**PROFILE))
    for auth in (MONALISA, f"token {put(world, scopes=['read:user'])['token']}"):
        private = me(world, auth)
        assert github_errors("private-user", private) == []
        assert github_errors("public-user", private) != []  # GitHub's oneOf: exactly one of the two fits
    public = me(world, f"token {create_pat(world, 'public', scopes=['repo'])['token']}")
    assert github_errors("public-user", public) == []
    assert github_errors("private-user", public) != []
    bare = me(world, basic("hubot", PASSWORD), **{"X-GitHub-OTP": pyotp.TOTP(world.totp_secret).now()})
    assert github_errors("private-user", bare) == []  # no profile set: nulls where GitHub allows them


def test_the_simple_user_fails_githubs_authenticated_user_schemas(world):
    # What GET /user answered before: GitHub's schemas for it refuse the simple user.
    simple = {k: v for k, v in me(world, MONALISA).items() if k in SIMPLE_USER}
    assert github_errors("simple-user", simple) == []
    assert github_errors("private-user", simple) != [] and github_errors("public-user", simple) != []

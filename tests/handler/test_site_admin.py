"""The site-administrator API (GHES "Enterprise administration → Users") through the real handler, from
the events/ samples: who may call it, each route's answer, and what it does to the user's credentials."""

from __future__ import annotations

import io
import json
from typing import Any

import pyotp
import pytest
from authorize.domain import tokens
from authorize.usecases import admin

from tests.handler.conftest import CLIENT_ID, EVENTS, PASSWORD, header_of
from tests.handler.test_authorizations_family import (
    APP_BASIC,
    BASE,
    MONALISA,
    assert_error,
    assert_validation,
    basic,
    call,
    put,
)
from tests.support import SEALER

OCTOCAT = basic("octocat", PASSWORD)  # the site administrator of the events
USERS_DOCS = "https://developer.github.com/v3/users/administration/"
SUSPENDED = "Sorry. Your account was suspended."
NOT_ADMIN = "Must be a site administrator."


@pytest.fixture
def world(world):
    admin.create_user(world.store, "octocat", PASSWORD, site_admin=True)
    return world


def user_error(field: str, code: str) -> dict[str, str]:
    return {"resource": "User", "field": field, "code": code}


def send(world, event: str, *, username: str | None = None, auth: str | None = OCTOCAT, body: Any = "unset") -> dict:
    """An events/ sample, for another user, other credentials or another body (None: no body)."""
    changes: dict[str, Any] = {"headers": {"Authorization": auth}}
    if username is not None:
        sample = json.loads((EVENTS / event).read_text())
        old = sample["pathParameters"]["username"]
        changes["path"] = sample["path"].replace(f"/{old}", f"/{username}", 1)
        changes["pathParameters"] = {"username": username}
    if body != "unset":
        changes["body"] = json.dumps(body) if isinstance(body, dict | list) else body
    return world.invoke(event, **changes)


def me(world, auth: str) -> dict:
    return call(world, "GET", "/user", auth=auth)


def impersonate(world, username: str = "monalisa", scopes: list[str] | None = None) -> dict[str, Any]:
    response = send(world, "post-admin-impersonation-token.json", username=username, body={"scopes": scopes or []})
    assert response["statusCode"] in (200, 201), response
    return world.json(response)


def app_check(world, token: str) -> dict:
    return call(world, "POST", f"/applications/{CLIENT_ID}/token", auth=APP_BASIC, body={"access_token": token})


# --- who may call it ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        "post-admin-users.json",
        "patch-admin-user.json",
        "delete-admin-user.json",
        "post-admin-impersonation-token.json",
        "delete-admin-impersonation-token.json",
        "put-site-admin.json",
        "delete-site-admin.json",
        "put-suspended.json",
        "delete-suspended.json",
    ],
)
def test_only_site_admins_may_call_any_route(world, event):
    before = world.dump()
    body = assert_error(world, send(world, event, auth=MONALISA), 403, NOT_ADMIN)
    assert body["documentation_url"].startswith(USERS_DOCS)
    assert_error(world, send(world, event, auth=None), 401, "Requires authentication")
    assert_error(world, send(world, event, auth=basic("octocat", "wrong password")), 401, "Bad credentials")
    plain_token = put(world, auth=OCTOCAT)["token"]  # a site admin's token without the site_admin scope
    assert_error(world, send(world, event, auth=f"token {plain_token}"), 403, NOT_ADMIN)
    assert_error(world, send(world, event, auth="token gho_unknown"), 401, "Bad credentials")
    assert [i for i in world.dump() if not i["pk"]["S"].startswith(("AUTH", "TOKEN#", "LOCK#"))] == [
        i for i in before if not i["pk"]["S"].startswith(("AUTH", "TOKEN#", "LOCK#"))
    ]


def test_the_forbidden_sample_event(world):
    assert_error(world, world.invoke("put-site-admin-forbidden.json"), 403, NOT_ADMIN)


def test_a_site_admin_token_with_the_site_admin_scope_works(world):
    token = impersonate(world, "octocat", ["site_admin"])["token"]
    assert send(world, "put-site-admin.json", auth=f"token {token}")["statusCode"] == 204
    assert world.json(me(world, MONALISA))["site_admin"] is True


def test_site_admin_basic_needs_the_otp_of_a_2fa_site_admin(world):
    admin.create_user(world.store, "guard", PASSWORD, with_totp=True, sealer=SEALER, site_admin=True)
    secret = SEALER.unseal(world.store.get_user("guard").totp_secret, world.store.get_user("guard").id)
    guard = basic("guard", PASSWORD)
    challenge = send(world, "put-site-admin.json", auth=guard)
    assert_error(world, challenge, 401, "Must specify two-factor authentication OTP code.")
    assert header_of(challenge, "X-GitHub-OTP") == "required; app"
    ok = world.invoke("put-site-admin.json", headers={"Authorization": guard, "X-GitHub-OTP": pyotp.TOTP(secret).now()})
    assert ok["statusCode"] == 204


# --- POST /admin/users --------------------------------------------------------------------------------


def test_create_user(world):
    response = world.invoke("post-admin-users.json")
    assert response["statusCode"] == 201
    body = world.json(response)
    assert body["login"] == "octo-dog" and body["site_admin"] is False and body["type"] == "User"
    assert header_of(response, "Location") == body["url"] == f"{BASE}/users/octo-dog"
    stored = world.store.get_user("octo-dog")
    assert stored.email == "octodog@example.com" and stored.password_hash is None and stored.suspended_at is None
    again = world.invoke("post-admin-users.json")
    assert_validation(world, again, [user_error("login", "already_exists")])
    assert world.json(again)["documentation_url"] == USERS_DOCS + "#create-a-new-user"
    # No password yet, but an impersonation token works for the user at once.
    assert_error(world, me(world, basic("octo-dog", "")), 401, "Bad credentials")
    token = impersonate(world, "octo-dog")["token"]
    assert world.json(me(world, f"token {token}"))["login"] == "octo-dog"


def test_create_user_refuses_bad_bodies_and_taken_emails(world):
    event = "post-admin-users.json"
    assert_validation(world, send(world, event, body={"login": "x"}), [user_error("email", "missing_field")])
    assert_validation(world, send(world, event, body={"email": "a@b.example"}), [user_error("login", "missing_field")])
    assert_validation(
        world, send(world, event, body={"login": "__", "email": "a@b.example"}), [user_error("login", "invalid")]
    )
    assert_validation(world, send(world, event, body={"login": "x", "email": "nope"}), [user_error("email", "invalid")])
    assert_validation(
        world,
        send(world, event, body={"login": "x", "email": "a@b.example", "suspended": "yes"}),
        [user_error("suspended", "invalid")],
    )
    assert_error(world, send(world, event, body="{not json"), 400, "Problems parsing JSON")
    assert_error(world, send(world, event, body="[]"), 400, "Body should be a JSON object")
    assert world.invoke(event)["statusCode"] == 201
    taken = send(world, event, body={"login": "someone-else", "email": "OctoDog@Example.com"})
    assert_validation(world, taken, [user_error("email", "already_exists")])
    assert world.store.get_user("someone-else") is None


def test_create_user_suspended(world):
    response = send(
        world, "post-admin-users.json", body={"login": "sleeper", "email": "s@example.com", "suspended": True}
    )
    assert response["statusCode"] == 201
    assert world.store.get_user("sleeper").suspended_at is not None


# --- PATCH /admin/users/{username} --------------------------------------------------------------------


def test_rename(world):
    created = put(world)
    world.invoke("post-admin-users.json")
    response = world.invoke("patch-admin-user.json")
    assert response["statusCode"] == 202
    user_id = world.store.get_user("octopus").id
    assert world.json(response) == {
        "message": "Job queued to rename user. It may take a few minutes to complete.",
        "url": f"{BASE}/user/{user_id}",
    }
    assert header_of(response, "Location") == f"{BASE}/user/{user_id}"
    assert world.store.get_user("octo-dog") is None
    assert_error(world, world.invoke("patch-admin-user.json"), 404, "Not Found")  # octo-dog is gone
    # A renamed user keeps the authorizations; what the check shows is the current login.
    send(world, "patch-admin-user.json", username="monalisa", body={"login": "mona"})
    check = app_check(world, created["token"])
    assert check["statusCode"] == 200 and world.json(check)["user"]["login"] == "mona"
    assert put(world, auth=basic("mona", PASSWORD))["id"] == created["id"]


def test_rename_refusals(world):
    taken = send(world, "patch-admin-user.json", username="monalisa", body={"login": "HUBOT"})
    assert_validation(world, taken, [user_error("login", "already_exists")])
    invalid = send(world, "patch-admin-user.json", username="monalisa", body={"login": 7})
    assert_validation(world, invalid, [user_error("login", "invalid")])
    assert_error(world, send(world, "patch-admin-user.json", username="nobody", body={"login": "x"}), 404, "Not Found")
    assert world.store.get_user("monalisa") is not None


# --- DELETE /admin/users/{username} -------------------------------------------------------------------


def test_delete_user_stops_every_token_and_frees_the_login(world):
    app_token = put(world)["token"]
    impersonation = impersonate(world)["token"]
    response = send(world, "delete-admin-user.json", username="monalisa")
    assert response["statusCode"] == 204 and response["body"] in (None, "")
    assert_error(world, me(world, f"token {app_token}"), 401, "Bad credentials")
    assert_error(world, me(world, f"token {impersonation}"), 401, "Bad credentials")
    assert_error(world, app_check(world, app_token), 404, "Not Found")
    assert_error(world, me(world, MONALISA), 401, "Bad credentials")
    assert not [i for i in world.dump() if i["pk"]["S"].startswith(("AUTHS#", "TOKEN#"))]
    assert_error(world, send(world, "delete-admin-user.json", username="monalisa"), 404, "Not Found")
    again = send(world, "post-admin-users.json", body={"login": "monalisa", "email": "m@example.com"})
    assert again["statusCode"] == 201


def test_no_one_deletes_demotes_or_suspends_themselves(world):
    for event in ("delete-admin-user.json", "delete-site-admin.json", "put-suspended.json"):
        body = assert_error(
            world,
            send(world, event, username="octocat"),
            403,
            "You can demote, suspend or delete any user account except your own.",
        )
        assert body["documentation_url"].startswith(USERS_DOCS)
    user = world.store.get_user("octocat")
    assert user.site_admin and user.suspended_at is None and user.deleted_at is None


# --- impersonation tokens -----------------------------------------------------------------------------


def test_impersonation_token_get_or_create_and_delete(world):
    first = world.invoke("post-admin-impersonation-token.json")
    assert first["statusCode"] == 201
    created = world.json(first)
    assert created["app"] == {
        "name": "GitHub Site Administrator",
        "url": "https://developer.github.com/v3/enterprise/users/",
        "client_id": "0000000000000000000a",
    }
    assert created["scopes"] == ["public_repo"] and tokens.has_valid_checksum(created["token"])
    assert header_of(first, "Location") == created["url"]
    second = send(world, "post-admin-impersonation-token.json", body={"scopes": ["repo"]})
    assert second["statusCode"] == 200
    assert world.json(second) == {**created, "token": ""}
    token = created["token"]
    assert world.json(me(world, f"token {token}"))["login"] == "monalisa"
    listed = world.json(call(world, "GET", "/authorizations"))
    assert [a["id"] for a in listed] == [created["id"]]  # the user sees it among their authorizations
    assert world.invoke("delete-admin-impersonation-token.json")["statusCode"] == 204
    assert_error(world, me(world, f"token {token}"), 401, "Bad credentials")
    assert world.invoke("delete-admin-impersonation-token.json")["statusCode"] == 204  # none left: still 204


def test_impersonation_token_refusals(world):
    scoped = send(world, "post-admin-impersonation-token.json", body={"scopes": ["site_admin"]})
    assert_validation(world, scoped, [user_error("scopes", "invalid")])  # monalisa is no site admin
    unknown = send(world, "post-admin-impersonation-token.json", body={"scopes": ["nope"]})
    assert_validation(world, unknown, [user_error("scopes", "invalid")])
    assert_error(world, send(world, "post-admin-impersonation-token.json", username="nobody"), 404, "Not Found")
    assert send(world, "post-admin-impersonation-token.json", body=None)["statusCode"] == 201  # no body: no scope


# --- promote and demote -------------------------------------------------------------------------------


def test_promote_demote_and_a_truthful_site_admin(world):
    token = put(world)["token"]
    assert world.invoke("put-site-admin.json")["statusCode"] == 204
    assert world.json(me(world, MONALISA))["site_admin"] is True
    assert world.json(app_check(world, token))["user"]["site_admin"] is True
    assert world.invoke("put-site-admin.json")["statusCode"] == 204  # already one: 204
    assert world.invoke("delete-site-admin.json")["statusCode"] == 204
    assert world.json(me(world, f"token {token}"))["site_admin"] is False
    assert_error(world, send(world, "put-site-admin.json", username="nobody"), 404, "Not Found")


# --- suspend and unsuspend ----------------------------------------------------------------------------


def test_suspension_refuses_password_and_tokens_until_unsuspended(world):
    token = put(world)["token"]
    assert world.invoke("put-suspended.json")["statusCode"] == 204
    assert_error(world, me(world, MONALISA), 403, SUSPENDED)
    assert_error(world, call(world, "GET", "/authorizations"), 403, SUSPENDED)
    assert_error(world, me(world, f"token {token}"), 403, SUSPENDED)
    assert_error(world, app_check(world, token), 404, "Not Found")
    assert_error(world, me(world, basic("monalisa", "wrong password")), 401, "Bad credentials")
    assert world.invoke("delete-suspended.json")["statusCode"] == 204
    assert me(world, f"token {token}")["statusCode"] == 200
    assert put(world)["id"] is not None


def test_suspension_bodies(world):
    assert send(world, "put-suspended.json", body=None)["statusCode"] == 204  # no body (Content-Length: 0)
    assert_validation(world, send(world, "put-suspended.json", body={"reason": 5}), [user_error("reason", "invalid")])
    assert_error(world, send(world, "delete-suspended.json", body="{"), 400, "Problems parsing JSON")
    assert send(world, "delete-suspended.json")["statusCode"] == 204


def test_a_suspended_site_admin_is_refused(world):
    token = impersonate(world, "octocat", ["site_admin"])["token"]
    admin.create_user(world.store, "second", PASSWORD, site_admin=True)
    assert send(world, "put-suspended.json", username="octocat", auth=basic("second", PASSWORD))["statusCode"] == 204
    assert_error(world, world.invoke("put-site-admin.json"), 403, SUSPENDED)
    assert_error(world, send(world, "put-site-admin.json", auth=f"token {token}"), 403, SUSPENDED)


def test_each_change_is_logged_with_its_actor(world):
    handler = world.app_module.logger.registered_handler
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        world.invoke("put-suspended.json")
    finally:
        handler.setStream(previous)
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    [audit] = [line for line in lines if line.get("message") == "site admin action"]
    assert (audit["action"], audit["actor"], audit["user"]) == ("user.suspend", "octocat", "monalisa")
    assert audit["reason"] == "Suspended during leave of absence."
    assert PASSWORD not in json.dumps(lines) and OCTOCAT not in json.dumps(lines)

"""App-authenticated token endpoints (behaviour.md §7), their legacy forms, and token-authenticated
``GET /user``, through the real handler."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

import pyotp

from tests.handler.conftest import CLIENT_ID, CLIENT_SECRET, PASSWORD, header_of
from tests.handler.test_authorizations_family import (
    APP_BASIC,
    BASE,
    FIELDS,
    MONALISA,
    OCTOCAT,
    OTHER_LOGIN,
    assert_error,
    assert_validation,
    basic,
    call,
    create_pat,
    field_error,
    ids,
    other_app,
    other_user,
    post,
    put,
    snapshot,
    user_id,
)

SAMPLE_TOKEN = "gho_EXAMPLE0token0for0sample0event000000"  # the events' placeholder
UNKNOWN_TOKEN = "gho_" + "A" * 36  # the right shape, issued to nobody
EVENTS = {
    "check": "post-app-token-check.json",
    "reset": "patch-app-token-reset.json",
    "revoke": "delete-app-token.json",
    "revoke_grant": "delete-app-grant.json",
}
LEGACY = {  # GET, POST, DELETE …/tokens/{token} and DELETE …/grants/{token}
    "check": ("get-app-token-legacy.json", "tokens"),
    "reset": ("post-app-token-legacy.json", "tokens"),
    "revoke": ("delete-app-token-legacy.json", "tokens"),
    "revoke_grant": ("delete-app-grant-legacy.json", "grants"),
}


def app_call(
    world,
    action: str,
    token: Any,
    *,
    auth: str | None = APP_BASIC,
    client_id: str = CLIENT_ID,
    query: dict[str, str] | None = None,
    body: str | None = None,
) -> dict[str, Any]:
    """One of the four §7.1 endpoints, from its sample event, with the token in the body."""
    path = f"/applications/{client_id}/" + ("grant" if action == "revoke_grant" else "token")
    return world.invoke(
        EVENTS[action],
        path=path,
        body=json.dumps({"access_token": token}) if body is None else body,
        queryStringParameters=query,
        multiValueQueryStringParameters={k: [v] for k, v in query.items()} if query else None,
        headers={"Authorization": auth},
    )


def legacy_call(world, action: str, token: str, *, auth: str | None = APP_BASIC) -> dict[str, Any]:
    event, kind = LEGACY[action]
    return world.invoke(event, path=f"/applications/{CLIENT_ID}/{kind}/{token}", headers={"Authorization": auth})


def user_with(world, token: str, scheme: str = "token") -> dict[str, Any]:
    return world.invoke("get-user.json", headers={"Authorization": f"{scheme} {token}"})


def assert_user(world, user: dict[str, Any], login: str) -> None:
    assert user["login"] == login and user["id"] == user_id(world, login)
    assert user["type"] == "User" and user["site_admin"] is False
    assert user["url"] == f"{BASE}/users/{login}"


# --- check: POST /applications/{client_id}/token (§7.1) -----------------------------------------


def test_check_echoes_the_token_with_the_user(world):
    created = put(world)
    response = app_call(world, "check", created["token"])
    assert response["statusCode"] == 200
    body = world.json(response)
    assert list(body) == [*FIELDS, "user"]
    assert body == {**created, "user": body["user"]}  # token echoed, nothing else changed
    assert_user(world, body["user"], "monalisa")
    # Checking changes nothing, and can be repeated.
    assert world.json(app_call(world, "check", created["token"]))["updated_at"] == created["updated_at"]


def test_check_404s(world):
    created = put(world)
    other = other_app(world)
    other_basic = basic(other["client_id"], other["client_secret"])
    theirs = post(world, {"note": "o", "client_id": other["client_id"], "client_secret": other["client_secret"]})
    pat = create_pat(world, "pat")
    cases = [
        ("sample token", SAMPLE_TOKEN, APP_BASIC, CLIENT_ID),
        ("unknown token", UNKNOWN_TOKEN, APP_BASIC, CLIENT_ID),
        ("not a token", "nope", APP_BASIC, CLIENT_ID),
        ("too long", created["token"] + "x" * 300, APP_BASIC, CLIENT_ID),
        ("hash instead of token", created["hashed_token"], APP_BASIC, CLIENT_ID),
        ("other app's token", world.json(theirs)["token"], APP_BASIC, CLIENT_ID),
        ("asked by the other app", created["token"], other_basic, other["client_id"]),
        ("other app's credentials, our path", created["token"], other_basic, CLIENT_ID),
        ("personal token", pat["token"], APP_BASIC, CLIENT_ID),
        ("wrong secret", created["token"], basic(CLIENT_ID, "wrong" * 8), CLIENT_ID),
        ("unknown app", created["token"], basic("ffffffffffffffffffff", CLIENT_SECRET), "ffffffffffffffffffff"),
        ("user Basic", created["token"], MONALISA, CLIENT_ID),
        ("personal pseudo-app", pat["token"], basic("0" * 20, CLIENT_SECRET), "0" * 20),
        ("odd client id", created["token"], basic("✓", CLIENT_SECRET), "✓"),
    ]
    for name, token, auth, client_id in cases:
        response = app_call(world, "check", token, auth=auth, client_id=client_id)
        body = assert_error(world, response, 404, "Not Found")
        if name != "odd client id":  # that path matches no route at all
            assert body["documentation_url"].endswith("#check-an-authorization"), name


def test_check_credentials(world):
    created = put(world)
    # No credentials at all: 401, also with no body to read.
    for auth in (None, f"token {created['token']}", f"Bearer {created['token']}", "Basic !!!"):
        response = app_call(world, "check", created["token"], auth=auth)
        assert_error(world, response, 401, "Requires authentication")
    assert_error(world, app_call(world, "check", None, auth=None, body=""), 401, "Requires authentication")
    # GitHub's query-parameter form of the app credentials.
    query = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    ok = app_call(world, "check", created["token"], auth=None, query=query)
    assert ok["statusCode"] == 200 and world.json(ok)["token"] == created["token"]
    bad = {"client_id": CLIENT_ID, "client_secret": "wrong" * 8}
    assert_error(world, app_call(world, "check", created["token"], auth=None, query=bad), 404, "Not Found")
    half = {"client_id": CLIENT_ID}
    assert_error(
        world, app_call(world, "check", created["token"], auth=None, query=half), 401, "Requires authentication"
    )


def test_check_body_validation(world):
    put(world)
    missing = [field_error("access_token", "missing_field")]
    for body in ("", "{}", '{"access_token": null}', '{"access_token": 5}', '{"access_token": ""}', '{"token": "x"}'):
        assert_validation(world, app_call(world, "check", None, body=body), missing)
    assert_error(world, app_call(world, "check", None, body="nope"), 400, "Problems parsing JSON")
    assert_error(world, app_call(world, "check", None, body='"x"'), 400, "Body should be a JSON object")
    assert_error(
        world, app_call(world, "check", None, body='{"access_token": "\\ud800"}'), 400, "Problems parsing JSON"
    )


def test_sample_events_answer_404_and_401(world):
    put(world)
    for event in (*EVENTS.values(), *(e for e, _ in LEGACY.values())):
        assert_error(world, world.invoke(event), 404, "Not Found")
    assert_error(world, world.invoke("get-user.json"), 401, "Bad credentials")


# --- reset: PATCH /applications/{client_id}/token -------------------------------------------------


def test_reset_issues_a_new_token_for_the_same_authorization(world, monkeypatch):
    created = put(world)
    old = created["token"]
    later = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    monkeypatch.setattr(world.app_module.use_cases().deps, "clock", later.timestamp)
    response = app_call(world, "reset", old)
    assert response["statusCode"] == 200
    body = world.json(response)
    assert list(body) == [*FIELDS, "user"]
    new = body["token"]
    assert re.fullmatch(r"gho_[A-Za-z0-9]{36}", new) and new != old
    assert body["id"] == created["id"] and body["url"] == created["url"]
    assert body["hashed_token"] == hashlib.sha256(new.encode()).hexdigest() != created["hashed_token"]
    assert body["token_last_eight"] == new[-8:]
    assert body["created_at"] == created["created_at"] and body["updated_at"] == "2031-05-06T07:08:09Z"
    assert body["scopes"] == created["scopes"] and body["note"] == created["note"]
    assert_user(world, body["user"], "monalisa")

    assert_error(world, app_call(world, "check", old), 404, "Not Found")
    assert_error(world, app_call(world, "reset", old), 404, "Not Found")
    assert_error(world, user_with(world, old), 401, "Bad credentials")
    assert world.json(app_call(world, "check", new))["id"] == created["id"]
    assert user_with(world, new)["statusCode"] == 200
    # The record the user sees has the new hash, and get-or-create still finds the same id.
    shown = world.json(call(world, "GET", f"/authorizations/{created['id']}"))
    assert shown["hashed_token"] == body["hashed_token"] and shown["token"] == ""
    again = world.json(
        call(world, "PUT", f"/authorizations/clients/{CLIENT_ID}", body={"client_secret": CLIENT_SECRET})
    )
    assert again["id"] == created["id"] and again["token"] == ""
    # One token lookup item, for the new hash only.
    tokens_in_table = [i["pk"]["S"] for i in world.dump() if i["pk"]["S"].startswith("TOKEN#")]
    assert tokens_in_table == [f"TOKEN#{body['hashed_token']}"]


def test_reset_errors(world):
    created = put(world)
    before = snapshot(world)
    assert_error(world, app_call(world, "reset", UNKNOWN_TOKEN), 404, "Not Found")
    assert_error(world, app_call(world, "reset", created["token"], auth=basic(CLIENT_ID, "x" * 40)), 404, "Not Found")
    assert_error(world, app_call(world, "reset", created["token"], auth=None), 401, "Requires authentication")
    assert_validation(world, app_call(world, "reset", None, body="{}"), [field_error("access_token", "missing_field")])
    assert snapshot(world) == before


# --- revoke: DELETE /applications/{client_id}/token, DELETE …/grant ---------------------------------


def test_revoke_token(world):
    created = put(world)
    laptop = put(world, "laptop")
    before_wrong = snapshot(world)
    assert_error(world, app_call(world, "revoke", created["token"], auth=basic(CLIENT_ID, "x" * 40)), 404, "Not Found")
    assert snapshot(world) == before_wrong
    response = app_call(world, "revoke", created["token"])
    assert response["statusCode"] == 204 and not response.get("body")
    assert_error(world, app_call(world, "check", created["token"]), 404, "Not Found")
    assert_error(world, app_call(world, "revoke", created["token"]), 404, "Not Found")
    assert_error(world, call(world, "GET", f"/authorizations/{created['id']}"), 404, "Not Found")
    assert app_call(world, "check", laptop["token"])["statusCode"] == 200
    # The key is free again.
    again = call(world, "PUT", f"/authorizations/clients/{CLIENT_ID}", body={"client_secret": CLIENT_SECRET})
    assert again["statusCode"] == 201 and world.json(again)["id"] != created["id"]


def test_revoke_grant_removes_every_token_of_the_app_for_that_user(world):
    other = other_app(world)
    other_user(world)
    plain = put(world)
    laptop = put(world, "laptop")
    posted = world.json(
        post(world, {"note": "ci", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "fingerprint": "ci"})
    )
    foreign = world.json(
        post(world, {"note": "o", "client_id": other["client_id"], "client_secret": other["client_secret"]})
    )
    pat = create_pat(world, "pat")
    theirs = put(world, auth=OCTOCAT)

    response = app_call(world, "revoke_grant", laptop["token"])
    assert response["statusCode"] == 204 and not response.get("body")
    for gone in (plain, laptop, posted):
        assert_error(world, app_call(world, "check", gone["token"]), 404, "Not Found")
        assert_error(world, user_with(world, gone["token"]), 401, "Bad credentials")
    assert ids(world.invoke("get-authorizations.json", queryStringParameters=None)) == sorted(
        [foreign["id"], pat["id"]], reverse=True
    )
    assert world.json(app_call(world, "check", theirs["token"]))["user"]["login"] == OTHER_LOGIN
    assert_error(world, app_call(world, "revoke_grant", laptop["token"]), 404, "Not Found")


def test_revoke_grant_errors(world):
    created = put(world)
    other = other_app(world)
    other_basic = basic(other["client_id"], other["client_secret"])
    before = snapshot(world)
    assert_error(world, app_call(world, "revoke_grant", UNKNOWN_TOKEN), 404, "Not Found")
    assert_error(world, app_call(world, "revoke_grant", created["token"], auth=None), 401, "Requires authentication")
    response = app_call(world, "revoke_grant", created["token"], auth=other_basic, client_id=other["client_id"])
    assert_error(world, response, 404, "Not Found")
    assert_validation(
        world, app_call(world, "revoke_grant", None, body="{}"), [field_error("access_token", "missing_field")]
    )
    assert snapshot(world) == before
    assert app_call(world, "check", created["token"])["statusCode"] == 200


# --- legacy: the token in the path (§7.2) -----------------------------------------------------------


def test_legacy_check_reset_revoke(world):
    created = put(world)
    checked = legacy_call(world, "check", created["token"])
    assert checked["statusCode"] == 200
    assert world.json(checked) == world.json(app_call(world, "check", created["token"]))

    reset = legacy_call(world, "reset", created["token"])
    assert reset["statusCode"] == 200
    new = world.json(reset)["token"]
    assert new != created["token"] and world.json(reset)["id"] == created["id"]
    assert_error(world, legacy_call(world, "check", created["token"]), 404, "Not Found")
    assert legacy_call(world, "check", new)["statusCode"] == 200

    assert_error(world, legacy_call(world, "check", new, auth=None), 401, "Requires authentication")
    assert_error(world, legacy_call(world, "revoke", new, auth=basic(CLIENT_ID, "x" * 40)), 404, "Not Found")
    revoked = legacy_call(world, "revoke", new)
    assert revoked["statusCode"] == 204 and not revoked.get("body")
    assert_error(world, app_call(world, "check", new), 404, "Not Found")
    assert_error(world, legacy_call(world, "revoke", new), 404, "Not Found")


def test_legacy_revoke_grant(world):
    plain = put(world)
    laptop = put(world, "laptop")
    pat = create_pat(world, "pat")
    assert_error(world, legacy_call(world, "revoke_grant", UNKNOWN_TOKEN), 404, "Not Found")
    response = legacy_call(world, "revoke_grant", plain["token"])
    assert response["statusCode"] == 204
    for gone in (plain, laptop):
        assert_error(world, legacy_call(world, "check", gone["token"]), 404, "Not Found")
    assert ids(world.invoke("get-authorizations.json", queryStringParameters=None)) == [pat["id"]]


def test_legacy_odd_tokens_are_404(world):
    put(world)
    for token in ("x", "%E2%9C%93", "✓", "a" * 400, "gho_%00", UNKNOWN_TOKEN):
        for action in LEGACY:
            assert_error(world, legacy_call(world, action, token), 404, "Not Found")


# --- GET /user with a token ---------------------------------------------------------------------


def test_user_with_token_and_bearer(world):
    created = put(world, scopes=["repo", "gist", "user:email"])
    for scheme in ("token", "Bearer", "bearer", "TOKEN"):
        response = user_with(world, created["token"], scheme)
        assert response["statusCode"] == 200, scheme
        assert_user(world, world.json(response), "monalisa")
        assert header_of(response, "X-OAuth-Scopes") == "repo, gist, user:email"
        assert header_of(response, "X-Accepted-OAuth-Scopes") == ""
    pat = create_pat(world, "no scopes")
    response = user_with(world, pat["token"])
    assert response["statusCode"] == 200 and header_of(response, "X-OAuth-Scopes") == ""


def test_user_needs_no_otp_with_a_token(world):
    code = pyotp.TOTP(world.totp_secret).now()
    created = put(world, auth=basic("hubot", PASSWORD), headers={"X-GitHub-OTP": code})
    response = user_with(world, created["token"])
    assert response["statusCode"] == 200
    assert_user(world, world.json(response), "hubot")


def test_user_errors(world):
    created = put(world)
    assert_error(world, world.invoke("get-user.json", headers={"Authorization": None}), 401, "Requires authentication")
    for bad in (UNKNOWN_TOKEN, "nope", created["hashed_token"], created["token"] + "x", "x" * 10_000, "✓", "\ud800"):
        assert_error(world, user_with(world, bad), 401, "Bad credentials")
    assert_error(world, world.invoke("get-user.json", headers={"Authorization": "token "}), 401, "Bad credentials")
    assert call(world, "DELETE", f"/authorizations/{created['id']}")["statusCode"] == 204
    assert_error(world, user_with(world, created["token"]), 401, "Bad credentials")


def test_user_with_basic(world):
    response = world.invoke("get-user.json", headers={"Authorization": MONALISA})
    assert response["statusCode"] == 200
    assert_user(world, world.json(response), "monalisa")
    assert header_of(response, "X-OAuth-Scopes") is None  # GitHub sent none for Basic
    wrong = world.invoke("get-user.json", headers={"Authorization": basic("monalisa", "wrong")})
    assert_error(world, wrong, 401, "Bad credentials")


# --- odd requests on the app endpoints never reach a 500 --------------------------------------------


def test_odd_app_requests_never_500(world):
    created = put(world)
    bodies = [
        "\x00",
        "[]",
        "null",
        '{"access_token": ["x"]}',
        '{"access_token": {"a": 1}}',
        "{" * 5000,
        json.dumps({"access_token": "✓" * 300}),
        json.dumps({"access_token": "x" * 1_000_000}),
    ]
    for action in ("check", "reset", "revoke", "revoke_grant"):
        for body in bodies:
            response = app_call(world, action, None, body=body)
            assert 400 <= response["statusCode"] < 500, (action, body[:40], response)
            assert {"message", "documentation_url"} <= set(world.json(response))
        for query in (
            {"client_id": "✓", "client_secret": "✓"},
            {"client_id": CLIENT_ID, "client_secret": "é" * 5000},
            {"client_id": CLIENT_ID, "client_secret": "\ud800"},
        ):
            response = app_call(world, action, created["token"], auth=None, query=query)
            assert_error(world, response, 404, "Not Found")
    assert app_call(world, "check", created["token"])["statusCode"] == 200

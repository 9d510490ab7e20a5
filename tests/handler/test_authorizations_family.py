"""The user-Basic family (behaviour.md §6, §10) through the real handler: list, get, update, delete,
create, grants, and the credential rules of §3 on these endpoints."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyotp
from authorize.adapters.dynamodb.items import authorization_items
from authorize.domain import tokens
from authorize.domain.records import PERSONAL_APP_URL, PERSONAL_CLIENT_ID, AuthorizationRecord, iso, utc_now
from authorize.usecases import admin

from tests.handler.conftest import CLIENT_ID, CLIENT_SECRET, PASSWORD, TABLE, header_of

JSON_TYPE = "application/json; charset=utf-8"
BASE = "https://abc123.execute-api.us-east-1.amazonaws.com/dev"
DOCS = "https://developer.github.com/v3"
OTHER_LOGIN = "octocat"
FIELDS = [
    "id", "url", "app", "token", "hashed_token", "token_last_eight",
    "note", "note_url", "created_at", "updated_at", "scopes", "fingerprint",
]  # fmt: skip
# Path ids that name nothing: zero, negatives, exponents, floats, hex, beyond 2**53, non-ASCII digits.
ODD_IDS = [
    "0", "-1", "1e3", "1.0", "0x10", "+1", "abc", "9" * 30, str(2**53), "%E2%9C%93", "\u0661\u0662", "✓", "1%00",
]  # fmt: skip


# --- helpers shared with test_app_tokens.py -------------------------------------------------------


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


MONALISA = basic("monalisa", PASSWORD)
OCTOCAT = basic(OTHER_LOGIN, PASSWORD)
APP_BASIC = basic(CLIENT_ID, CLIENT_SECRET)


def assert_error(world, response, status: int, message: str) -> dict[str, Any]:
    """A GitHub error: the status, JSON, the exact message and a documentation_url."""
    assert response["statusCode"] == status, response
    assert header_of(response, "Content-Type") == JSON_TYPE
    body = world.json(response)
    assert body["message"] == message
    assert body["documentation_url"].startswith(DOCS)
    return body


def assert_validation(world, response, errors: list[dict[str, Any]]) -> dict[str, Any]:
    body = assert_error(world, response, 422, "Validation Failed")
    assert body["errors"] == errors
    return body


def field_error(field: str, code: str, **extra: str) -> dict[str, str]:
    return {"resource": "OauthAccess", "field": field, "code": code, **extra}


def call(
    world,
    method: str,
    path: str,
    *,
    auth: str | None = MONALISA,
    body: Any = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    """Any request, built from the closest sample event: a dict body is sent as JSON."""
    event = {
        "GET": "get-authorization.json",
        "PATCH": "patch-authorization.json",
        "DELETE": "delete-authorization.json",
        "POST": "post-authorizations.json",
        "PUT": "put-create.json",
    }[method]
    raw = json.dumps(body) if isinstance(body, dict | list) else body
    return world.invoke(
        event,
        path=path,
        httpMethod=method,
        body=raw,
        queryStringParameters=query,
        multiValueQueryStringParameters={k: [v] for k, v in query.items()} if query else None,
        headers={"Authorization": auth, **(headers or {})},
    )


def put(world, fingerprint: str | None = None, *, auth: str = MONALISA, scopes: list[str] | None = None, **kw):
    """Get-or-create for the seeded app; returns the response body."""
    path = f"/authorizations/clients/{CLIENT_ID}" + (f"/{fingerprint}" if fingerprint else "")
    body = {"client_secret": CLIENT_SECRET, "scopes": scopes if scopes is not None else ["public_repo"]}
    response = call(world, "PUT", path, auth=auth, body=body, **kw)
    assert response["statusCode"] in (200, 201), response
    return world.json(response)


def post(world, body: Any, *, auth: str | None = MONALISA) -> dict[str, Any]:
    return call(world, "POST", "/authorizations", auth=auth, body=body)


def create_pat(world, note: str, *, auth: str = MONALISA, **fields: Any) -> dict[str, Any]:
    response = post(world, {"note": note, **fields}, auth=auth)
    assert response["statusCode"] == 201, response
    return world.json(response)


def other_user(world, login: str = OTHER_LOGIN) -> dict[str, Any]:
    return admin.create_user(world.store, login, PASSWORD)


def other_app(world) -> dict[str, Any]:
    return admin.create_app(world.store, "other app", "https://other.example.com")


def user_id(world, login: str) -> int:
    context = world.store.load_login_context(login, None, 0)
    assert context.user is not None
    return context.user.id


def items(world, prefix: str) -> list[dict[str, Any]]:
    return [i for i in world.dump() if i["pk"]["S"].startswith(prefix)]


def snapshot(world) -> list[str]:
    """The whole table but the failed-login counters, comparable before and after a refused write."""
    return sorted(json.dumps(i, sort_keys=True) for i in world.dump() if not i["pk"]["S"].startswith("LOCK#"))


def links(response) -> list[tuple[str, dict[str, list[str]], str]]:
    """The Link header as (rel, query, url) in header order."""
    value = header_of(response, "Link")
    assert value is not None
    out = []
    for part in value.split(", "):
        match = re.fullmatch(r'<([^>]+)>; rel="(prev|next|last|first)"', part)
        assert match, value
        url, rel = match.groups()
        out.append((rel, parse_qs(urlsplit(url).query), url))
    return out


def ids(response) -> list[int]:
    return [item["id"] for item in json.loads(response["body"])]


def seed_personal(world, login: str, count: int) -> None:
    """Many authorizations at once, written straight to the table in batches (the items the store
    itself writes), so the test pays neither password hashing nor one transaction per item."""
    uid = user_id(world, login)
    now = iso(utc_now())
    base_id = tokens.new_authorization_id()
    requests = []
    for i in range(count):
        token = tokens.new_token(tokens.PERSONAL_TOKEN_PREFIX)
        record = AuthorizationRecord(
            id=base_id + i,
            user_id=uid,
            user_login=login,
            client_id=PERSONAL_CLIENT_ID,
            app_name=f"seed {i}",
            app_url=PERSONAL_APP_URL,
            note=f"seed {i}",
            hashed_token=tokens.hash_token(token),
            token_last_eight=token[-8:],
            created_at=now,
            updated_at=now,
        )
        requests += [{"PutRequest": {"Item": item}} for item in authorization_items(record)]
    for start in range(0, len(requests), 25):
        world.client.batch_write_item(RequestItems={TABLE: requests[start : start + 25]})


# --- GET /authorizations (§6.2, §10) --------------------------------------------------------------


def test_list_is_newest_first_with_empty_tokens(world):
    created = [create_pat(world, f"script {i}") for i in range(3)]
    app_token = put(world)
    response = world.invoke("get-authorizations.json", queryStringParameters=None)
    assert response["statusCode"] == 200
    assert header_of(response, "Content-Type") == JSON_TYPE
    assert header_of(response, "Link") is None
    body = world.json(response)
    expected = [app_token["id"]] + [c["id"] for c in reversed(created)]
    assert [item["id"] for item in body] == expected == sorted(expected, reverse=True)
    for item in body:
        assert list(item) == FIELDS
        assert item["token"] == ""
        assert item["url"] == f"{BASE}/authorizations/{item['id']}"
    first = body[-1]
    assert first == {**created[0], "token": ""}


def test_list_empty(world):
    response = world.invoke("get-authorizations.json")
    assert response["statusCode"] == 200
    assert world.json(response) == []
    assert header_of(response, "Link") is None


def test_list_exactly_one_page_has_no_link(world):
    create_pat(world, "one")
    create_pat(world, "two")
    response = world.invoke("get-authorizations.json")  # per_page=2
    assert len(world.json(response)) == 2
    assert header_of(response, "Link") is None


def test_list_links_first_middle_last_and_past_the_end(world):
    created = [create_pat(world, f"note {i}") for i in range(5)]
    newest_first = [c["id"] for c in reversed(created)]

    def page(n: int | None) -> dict[str, Any]:
        query = {"per_page": "2", **({"page": str(n)} if n else {})}
        return world.invoke("get-authorizations.json", queryStringParameters=query)

    first = page(None)
    assert ids(first) == newest_first[:2]
    rels = links(first)
    assert [(rel, q["page"], q["per_page"]) for rel, q, _ in rels] == [("next", ["2"], ["2"]), ("last", ["3"], ["2"])]
    assert all(url.startswith(f"{BASE}/authorizations?") for _, _, url in rels)

    middle = page(2)
    assert ids(middle) == newest_first[2:4]
    assert [(rel, q["page"]) for rel, q, _ in links(middle)] == [
        ("prev", ["1"]),
        ("next", ["3"]),
        ("last", ["3"]),
        ("first", ["1"]),
    ]

    last = page(3)
    assert ids(last) == newest_first[4:]
    assert [(rel, q["page"]) for rel, q, _ in links(last)] == [("prev", ["2"]), ("first", ["1"])]

    # Following the links walks the whole list exactly once.
    seen, response = [], page(None)
    while True:
        seen += ids(response)
        nxt = [q for rel, q, _ in links(response) if rel == "next"]
        if not nxt:
            break
        response = page(int(nxt[0]["page"][0]))
    assert seen == newest_first

    beyond = page(9)
    assert beyond["statusCode"] == 200 and world.json(beyond) == []
    assert "next" not in [rel for rel, _, _ in links(beyond)]


def test_list_links_keep_other_query_parameters(world):
    for i in range(3):
        put(world, f"device-{i}")
    create_pat(world, "not this app")
    query = {"per_page": "1", "client_id": CLIENT_ID, "page": "2"}
    response = world.invoke("get-authorizations.json", queryStringParameters=query)
    assert len(world.json(response)) == 1
    rels = links(response)
    assert [rel for rel, _, _ in rels] == ["prev", "next", "last", "first"]
    for _, q, _ in rels:
        assert q["client_id"] == [CLIENT_ID] and q["per_page"] == ["1"]
    assert dict((rel, q["page"][0]) for rel, q, _ in rels) == {"prev": "1", "next": "3", "last": "3", "first": "1"}


def test_per_page_default_clamp_and_fallbacks(world):
    seed_personal(world, "monalisa", 101)
    response = world.invoke("get-authorizations.json", queryStringParameters=None)
    assert len(world.json(response)) == 30
    assert dict((rel, q["page"]) for rel, q, _ in links(response)) == {"next": ["2"], "last": ["4"]}
    every = ids(world.invoke("get-authorizations.json", queryStringParameters={"per_page": "100"}))
    assert every == sorted(every, reverse=True) and len(set(every)) == 100

    clamped = world.invoke("get-authorizations.json", queryStringParameters={"per_page": "1000"})
    assert len(world.json(clamped)) == 100
    assert dict((rel, q["page"]) for rel, q, _ in links(clamped))["last"] == ["2"]
    rest = world.invoke("get-authorizations.json", queryStringParameters={"per_page": "1000", "page": "2"})
    assert len(world.json(rest)) == 1

    for bad in ["0", "-5", "abc", "", "2.5", "1e2", "²", "\u0665", "9" * 40]:
        response = world.invoke("get-authorizations.json", queryStringParameters={"per_page": bad})
        assert response["statusCode"] == 200, bad
        expected = 100 if bad == "9" * 40 else 30  # a huge integer is clamped, not refused
        assert len(world.json(response)) == expected, bad
    for bad_page in ["0", "abc", "²"]:
        response = world.invoke("get-authorizations.json", queryStringParameters={"page": bad_page})
        assert response["statusCode"] == 200, bad_page
        assert ids(response) == every[:30], bad_page
    huge = world.invoke("get-authorizations.json", queryStringParameters={"page": "9" * 40})
    assert huge["statusCode"] == 200 and world.json(huge) == []


def test_list_client_id_filter(world):
    pat = create_pat(world, "personal")
    app_token = put(world)
    fp_token = put(world, "laptop")

    def listed(client_id: str) -> list[int]:
        return ids(world.invoke("get-authorizations.json", queryStringParameters={"client_id": client_id}))

    assert listed(CLIENT_ID) == [fp_token["id"], app_token["id"]]
    assert listed(PERSONAL_CLIENT_ID) == [pat["id"]]
    assert listed("ffffffffffffffffffff") == []


def test_list_shows_only_the_callers_authorizations(world):
    other_user(world)
    theirs = create_pat(world, "theirs", auth=OCTOCAT)
    mine = create_pat(world, "mine")
    assert ids(world.invoke("get-authorizations.json")) == [mine["id"]]
    assert ids(call(world, "GET", "/authorizations", auth=OCTOCAT)) == [theirs["id"]]


# --- GET /authorizations/{id} (§6.3) ----------------------------------------------------------------


def test_get_one(world):
    created = put(world)
    response = call(world, "GET", f"/authorizations/{created['id']}")
    assert response["statusCode"] == 200
    assert header_of(response, "Content-Type") == JSON_TYPE
    body = world.json(response)
    assert list(body) == FIELDS
    assert body == {**created, "token": ""}


def test_get_unknown_non_numeric_and_foreign_are_404(world):
    other_user(world)
    theirs = create_pat(world, "theirs", auth=OCTOCAT)
    mine = create_pat(world, "mine")
    for path_id in [str(mine["id"] + 1), "abc", str(theirs["id"])]:
        assert_error(world, call(world, "GET", f"/authorizations/{path_id}"), 404, "Not Found")
    # The owner still sees it: the 404 hid it, nothing else.
    assert call(world, "GET", f"/authorizations/{theirs['id']}", auth=OCTOCAT)["statusCode"] == 200


def test_odd_ids_are_404_never_500(world):
    create_pat(world, "something to find")
    for raw in ODD_IDS:
        for method, body in (("GET", None), ("PATCH", {"note": "x"}), ("DELETE", None)):
            response = call(world, method, f"/authorizations/{raw}", body=body)
            assert_error(world, response, 404, "Not Found")
        response = call(world, "GET", f"/applications/grants/{raw}")
        assert_error(world, response, 404, "Not Found")
        response = call(world, "DELETE", f"/applications/grants/{raw}")
        assert_error(world, response, 404, "Not Found")
    assert len(ids(world.invoke("get-authorizations.json"))) == 1


# --- PATCH /authorizations/{id} (§6.4) ----------------------------------------------------------------


def patch(world, authorization_id: int, body: Any, *, auth: str = MONALISA) -> dict[str, Any]:
    return call(world, "PATCH", f"/authorizations/{authorization_id}", auth=auth, body=body)


def patched(world, authorization_id: int, body: Any, *, auth: str = MONALISA) -> dict[str, Any]:
    response = patch(world, authorization_id, body, auth=auth)
    assert response["statusCode"] == 200, response
    out = world.json(response)
    assert out["token"] == ""
    assert list(out) == FIELDS
    return out


def test_patch_scope_keys_are_normalised(world):
    created = put(world)  # ["public_repo"]
    auth_id = created["id"]
    assert patched(world, auth_id, {"scopes": ["user", "user:email", "gist", "gist"]})["scopes"] == ["user", "gist"]
    assert patched(world, auth_id, {"add_scopes": ["read:user", "repo", "repo:status"]})["scopes"] == [
        "user",
        "gist",
        "repo",
    ]
    assert patched(world, auth_id, {"remove_scopes": ["gist", "delete_repo"]})["scopes"] == ["user", "repo"]
    assert patched(world, auth_id, {"scopes": []})["scopes"] == []
    assert patched(world, auth_id, {"add_scopes": ["gist"], "scopes": None})["scopes"] == ["gist"]
    stored = world.json(call(world, "GET", f"/authorizations/{auth_id}"))
    assert stored["scopes"] == ["gist"]
    assert stored["hashed_token"] == created["hashed_token"]
    assert stored["updated_at"] >= stored["created_at"] == created["created_at"]  # the real clock


def test_patch_sample_event(world):
    created = put(world)
    response = world.invoke("patch-authorization.json", path=f"/authorizations/{created['id']}")
    assert response["statusCode"] == 200
    body = world.json(response)
    assert body["scopes"] == ["public_repo", "gist"] and body["note"] == "admin script (gists)"


def test_patch_more_than_one_scope_key_is_422(world):
    created = put(world)
    before = snapshot(world)
    message = "You can only send one of these scope keys at a time."
    for keys in (
        ("scopes", "add_scopes"),
        ("scopes", "remove_scopes"),
        ("add_scopes", "remove_scopes"),
        ("scopes", "add_scopes", "remove_scopes"),
    ):
        response = patch(world, created["id"], {key: ["gist"] for key in keys} | {"note": "not applied"})
        assert_validation(world, response, [field_error("scopes", "custom", message=message)])
    # Empty lists count as sent.
    response = patch(world, created["id"], {"scopes": [], "remove_scopes": []})
    assert_validation(world, response, [field_error("scopes", "custom", message=message)])
    assert snapshot(world) == before


def test_patch_sets_and_clears_note_note_url_fingerprint(world, monkeypatch):
    created = put(world)
    later = datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)
    monkeypatch.setattr(world.app_module.use_cases().deps, "clock", later.timestamp)
    body = patched(
        world, created["id"], {"note": "deploy", "note_url": "https://example.com/deploy", "fingerprint": "laptop"}
    )
    assert (body["note"], body["note_url"], body["fingerprint"]) == ("deploy", "https://example.com/deploy", "laptop")
    assert body["updated_at"] == "2031-01-02T03:04:05Z" and body["created_at"] == created["created_at"]
    assert body["scopes"] == created["scopes"] and body["id"] == created["id"]
    # Keys not sent are left alone.
    assert patched(world, created["id"], {"note": "deploy v2"})["note_url"] == "https://example.com/deploy"
    cleared = patched(world, created["id"], {"note": None, "note_url": None, "fingerprint": None})
    assert (cleared["note"], cleared["note_url"], cleared["fingerprint"]) == (None, None, None)
    # With its fingerprint cleared it is again the one get-or-create finds.
    again = call(world, "PUT", f"/authorizations/clients/{CLIENT_ID}", body={"client_secret": CLIENT_SECRET})
    assert again["statusCode"] == 200 and world.json(again)["id"] == created["id"]


def test_patch_fingerprint_collision_is_422_and_changes_nothing(world):
    plain = put(world)
    laptop = put(world, "laptop")
    put(world, "phone")
    before = snapshot(world)
    for target, fingerprint in ((laptop, None), (laptop, "phone"), (plain, "laptop"), (laptop, "")):
        response = patch(world, target["id"], {"fingerprint": fingerprint, "note": "not applied"})
        assert_validation(world, response, [field_error("fingerprint", "already_exists")])
    assert snapshot(world) == before
    # Same fingerprint as it already has: no clash with itself.
    assert patched(world, laptop["id"], {"fingerprint": "laptop"})["fingerprint"] == "laptop"
    # Another user may use the same key.
    other_user(world)
    theirs = put(world, "tablet", auth=OCTOCAT)
    assert patched(world, theirs["id"], {"fingerprint": "laptop"}, auth=OCTOCAT)["fingerprint"] == "laptop"


def test_patch_personal_note_clash_and_rename(world):
    first = create_pat(world, "first")
    second = create_pat(world, "second")
    before = snapshot(world)
    assert_validation(
        world, patch(world, second["id"], {"note": "first"}), [field_error("description", "already_exists")]
    )
    assert_validation(world, patch(world, second["id"], {"note": None}), [field_error("description", "missing_field")])
    assert snapshot(world) == before
    renamed = patched(world, second["id"], {"note": "renamed"})
    assert renamed["app"] == {"name": "renamed", "url": PERSONAL_APP_URL, "client_id": PERSONAL_CLIENT_ID}
    # The old note is free again.
    assert post(world, {"note": "second"})["statusCode"] == 201
    assert patched(world, first["id"], {"scopes": ["gist"]})["note"] == "first"


def test_patch_ownership_and_unknown_are_404(world):
    other_user(world)
    theirs = put(world, auth=OCTOCAT)
    before = snapshot(world)
    assert_error(world, patch(world, theirs["id"], {"note": "mine now"}), 404, "Not Found")
    assert_error(world, patch(world, theirs["id"], "not json"), 404, "Not Found")  # 404 before the body
    assert_error(world, patch(world, theirs["id"] + 1, {"note": "x"}), 404, "Not Found")
    assert snapshot(world) == before


def test_patch_bad_bodies(world):
    created = put(world)
    auth_id = created["id"]
    before = snapshot(world)
    assert_validation(world, patch(world, auth_id, {"scopes": ["nope"]}), [field_error("scopes", "invalid")])
    assert_validation(
        world, patch(world, auth_id, {"add_scopes": ["site_admin"]}), [field_error("add_scopes", "invalid")]
    )
    assert_validation(
        world, patch(world, auth_id, {"remove_scopes": "gist"}), [field_error("remove_scopes", "invalid")]
    )
    assert_validation(world, patch(world, auth_id, {"note": 5}), [field_error("note", "invalid")])
    assert_validation(world, patch(world, auth_id, {"fingerprint": "f" * 256}), [field_error("fingerprint", "invalid")])
    assert_validation(world, patch(world, auth_id, {"note": "x" * 1_000_000}), [field_error("note", "invalid")])
    assert_error(world, patch(world, auth_id, "x" * 1_000_000), 400, "Problems parsing JSON")
    assert_error(world, patch(world, auth_id, "{" * 100_000), 400, "Problems parsing JSON")
    assert_error(world, patch(world, auth_id, '["note"]'), 400, "Body should be a JSON object")
    assert snapshot(world) == before
    # An empty body changes nothing but is accepted.
    assert patched(world, auth_id, "")["scopes"] == created["scopes"]


def test_patch_unicode_note_round_trips(world):
    created = create_pat(world, "ascii")
    note = "déploiement ✓ 日本語 \U0001f680"
    assert patched(world, created["id"], {"note": note})["note"] == note
    assert world.json(call(world, "GET", f"/authorizations/{created['id']}"))["app"]["name"] == note


# --- DELETE /authorizations/{id} (§6.5) ---------------------------------------------------------------


def test_delete_frees_the_key_and_kills_the_token(world):
    created = put(world)
    auth_id, token = created["id"], created["token"]
    response = world.invoke("delete-authorization.json", path=f"/authorizations/{auth_id}")
    assert response["statusCode"] == 204
    assert not response.get("body")

    assert_error(world, call(world, "GET", f"/authorizations/{auth_id}"), 404, "Not Found")
    assert_error(world, call(world, "DELETE", f"/authorizations/{auth_id}"), 404, "Not Found")
    assert_error(world, call(world, "PATCH", f"/authorizations/{auth_id}", body={"note": "x"}), 404, "Not Found")
    assert_error(
        world, world.invoke("get-user.json", headers={"Authorization": f"token {token}"}), 401, "Bad credentials"
    )
    check = world.invoke("post-app-token-check.json", body=json.dumps({"access_token": token}))
    assert_error(world, check, 404, "Not Found")

    # The table: no token lookup, no keyed record, and the id guard stays behind as a tombstone.
    assert items(world, f"TOKEN#{created['hashed_token']}") == []
    assert [i for i in items(world, "AUTHS#") if i["id"]["N"] == str(auth_id)] == []
    [guard] = items(world, f"AUTHID#{auth_id}")
    assert "hashed_token" not in guard and guard["deleted"] == {"BOOL": True}

    again = call(world, "PUT", f"/authorizations/clients/{CLIENT_ID}", body={"client_secret": CLIENT_SECRET})
    assert again["statusCode"] == 201
    fresh = world.json(again)
    assert fresh["id"] != auth_id and fresh["token"] not in ("", token)
    assert world.invoke("get-user.json", headers={"Authorization": f"token {fresh['token']}"})["statusCode"] == 200


def test_deleted_id_is_never_reused(world, monkeypatch):
    created = put(world)
    assert call(world, "DELETE", f"/authorizations/{created['id']}")["statusCode"] == 204
    drawn = iter([created["id"], created["id"] + 7])
    monkeypatch.setattr("authorize.domain.authorizations.tokens.new_authorization_id", lambda: next(drawn))
    again = world.json(
        call(world, "PUT", f"/authorizations/clients/{CLIENT_ID}", body={"client_secret": CLIENT_SECRET})
    )
    assert again["id"] == created["id"] + 7  # the tombstoned id was refused and a new one drawn
    assert_error(world, call(world, "GET", f"/authorizations/{created['id']}"), 404, "Not Found")


def test_delete_someone_elses_is_404_and_keeps_it(world):
    other_user(world)
    theirs = put(world, auth=OCTOCAT)
    assert_error(world, call(world, "DELETE", f"/authorizations/{theirs['id']}"), 404, "Not Found")
    assert call(world, "GET", f"/authorizations/{theirs['id']}", auth=OCTOCAT)["statusCode"] == 200
    user = world.invoke("get-user.json", headers={"Authorization": f"token {theirs['token']}"})
    assert world.json(user)["login"] == OTHER_LOGIN


def test_delete_one_leaves_the_others(world):
    plain = put(world)
    laptop = put(world, "laptop")
    pat = create_pat(world, "pat")
    assert call(world, "DELETE", f"/authorizations/{laptop['id']}")["statusCode"] == 204
    assert ids(world.invoke("get-authorizations.json", queryStringParameters=None)) == [pat["id"], plain["id"]]


# --- POST /authorizations (§6.1) ----------------------------------------------------------------------


def test_post_personal_token(world):
    response = world.invoke("post-authorizations.json")
    assert response["statusCode"] == 201
    body = world.json(response)
    assert list(body) == FIELDS
    assert header_of(response, "Location") == body["url"] == f"{BASE}/authorizations/{body['id']}"
    assert re.fullmatch(r"ghp_[A-Za-z0-9]{36}", body["token"])
    assert tokens.has_valid_checksum(body["token"])
    assert body["hashed_token"] == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token_last_eight"] == body["token"][-8:]
    assert body["app"] == {"name": "release script", "url": PERSONAL_APP_URL, "client_id": PERSONAL_CLIENT_ID}
    assert body["scopes"] == ["repo"] and body["note"] == "release script"
    assert body["note_url"] is None and body["fingerprint"] is None
    assert body["created_at"] == body["updated_at"]
    user = world.invoke("get-user.json", headers={"Authorization": f"token {body['token']}"})
    assert user["statusCode"] == 200 and header_of(user, "X-OAuth-Scopes") == "repo"


def test_post_duplicate_personal_note_is_422(world):
    assert world.invoke("post-authorizations.json")["statusCode"] == 201
    before = snapshot(world)
    body = assert_validation(
        world, world.invoke("post-authorizations.json"), [field_error("description", "already_exists")]
    )
    assert body["documentation_url"].endswith("#create-a-new-authorization")
    assert snapshot(world) == before
    # Another user may use the same note.
    other_user(world)
    assert world.invoke("post-authorizations.json", headers={"Authorization": OCTOCAT})["statusCode"] == 201


def test_post_note_is_required(world):
    for body in ({}, {"note": ""}, {"note": None}, {"scopes": ["repo"]}, ""):
        assert_validation(world, post(world, body), [field_error("description", "missing_field")])
    assert items(world, "AUTHS#") == []


def test_post_note_too_long_or_ill_typed_is_invalid(world):
    assert_validation(world, post(world, {"note": "x" * 1025}), [field_error("description", "invalid")])
    assert_validation(world, post(world, {"note": ["x"]}), [field_error("description", "invalid")])
    assert_validation(world, post(world, {"note": "n", "scopes": ["nope"]}), [field_error("scopes", "invalid")])
    assert create_pat(world, "x" * 1024)["note"] == "x" * 1024


def test_post_with_app_credentials_is_an_app_token(world):
    response = post(
        world, {"note": "ci", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "fingerprint": "ci-1"}
    )
    assert response["statusCode"] == 201
    body = world.json(response)
    assert re.fullmatch(r"gho_[A-Za-z0-9]{36}", body["token"])
    assert body["app"] == {"name": "my github app", "url": "http://my-github-app.com", "client_id": CLIENT_ID}
    assert body["fingerprint"] == "ci-1" and body["note"] == "ci"
    assert header_of(response, "Location") == body["url"]
    # The same key as get-or-create: PUT with that fingerprint finds it.
    found = call(world, "PUT", f"/authorizations/clients/{CLIENT_ID}/ci-1", body={"client_secret": CLIENT_SECRET})
    assert found["statusCode"] == 200 and world.json(found)["id"] == body["id"]


def test_post_bad_app_credentials_are_422(world):
    for credentials in (
        {"client_id": CLIENT_ID},
        {"client_secret": CLIENT_SECRET},
        {"client_id": CLIENT_ID, "client_secret": "wrong" * 8},
        {"client_id": "ffffffffffffffffffff", "client_secret": CLIENT_SECRET},
        {"client_id": "not a client id!", "client_secret": CLIENT_SECRET},
    ):
        response = post(world, {"note": "ci", **credentials})
        body = assert_error(world, response, 422, "Invalid Application client_id or secret.")
        assert body["documentation_url"].endswith("#create-a-new-authorization")
    assert items(world, "AUTHS#") == []


def test_post_app_token_same_fingerprint_twice_is_422(world):
    fields = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "fingerprint": "device"}
    first = post(world, {"note": "a", **fields})
    assert first["statusCode"] == 201
    before = snapshot(world)
    assert_validation(world, post(world, {"note": "b", **fields}), [field_error("fingerprint", "already_exists")])
    assert snapshot(world) == before
    # POST never returns an existing authorization, also for the no-fingerprint key PUT took.
    put(world)
    no_fp = {"note": "c", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    assert_validation(world, post(world, no_fp), [field_error("fingerprint", "already_exists")])


def test_post_checks_credentials_before_the_body(world):
    assert_error(world, post(world, "not json", auth=None), 401, "Requires authentication")
    assert_error(world, post(world, "not json", auth=basic("monalisa", "wrong")), 401, "Bad credentials")
    challenge = post(world, "not json", auth=basic("hubot", PASSWORD))
    assert_error(world, challenge, 401, "Must specify two-factor authentication OTP code.")
    assert header_of(challenge, "X-GitHub-OTP") == "required; app"
    assert_error(world, post(world, "not json"), 400, "Problems parsing JSON")


def test_two_factor_user_lists_with_otp(world):
    hubot = basic("hubot", PASSWORD)
    challenge = call(world, "GET", "/authorizations", auth=hubot)
    assert_error(world, challenge, 401, "Must specify two-factor authentication OTP code.")
    code = pyotp.TOTP(world.totp_secret).now()
    otp = {"X-GitHub-OTP": code}
    created = call(world, "POST", "/authorizations", auth=hubot, body={"note": "2fa"}, headers=otp)
    assert created["statusCode"] == 201
    listed = call(world, "GET", "/authorizations", auth=hubot, headers=otp)
    assert listed["statusCode"] == 200 and ids(listed) == [world.json(created)["id"]]


# --- §3: tokens are refused on the user-Basic endpoints -------------------------------------------


BASIC_ONLY = "This API can only be accessed with username and password Basic Auth"


def test_tokens_are_refused_on_user_basic_endpoints(world):
    created = put(world)
    pat = create_pat(world, "pat")
    auth_id = created["id"]
    requests = [
        ("GET", "/authorizations", None),
        ("GET", f"/authorizations/{auth_id}", None),
        ("PATCH", f"/authorizations/{auth_id}", {"note": "x"}),
        ("DELETE", f"/authorizations/{auth_id}", None),
        ("POST", "/authorizations", {"note": "y"}),
        ("PUT", f"/authorizations/clients/{CLIENT_ID}", {"client_secret": CLIENT_SECRET}),
        ("GET", "/applications/grants", None),
    ]
    before = snapshot(world)
    for token in (created["token"], pat["token"]):
        for auth in (f"token {token}", f"Bearer {token}", basic("monalisa", token), basic("MonaLisa", token)):
            for method, path, body in requests:
                assert_error(world, call(world, method, path, auth=auth, body=body), 403, BASIC_ONLY)
    assert snapshot(world) == before


def test_token_of_another_login_as_password_is_bad_credentials(world):
    other_user(world)
    theirs = put(world, auth=OCTOCAT)
    response = world.invoke("get-authorizations.json", headers={"Authorization": basic("monalisa", theirs["token"])})
    assert_error(world, response, 401, "Bad credentials")


def test_no_auth_on_the_family_is_401(world):
    for method, path in (
        ("GET", "/authorizations"),
        ("GET", "/authorizations/1"),
        ("PATCH", "/authorizations/1"),
        ("DELETE", "/authorizations/1"),
        ("POST", "/authorizations"),
        ("GET", "/applications/grants"),
        ("GET", "/applications/grants/1"),
        ("DELETE", "/applications/grants/1"),
    ):
        assert_error(world, call(world, method, path, auth=None), 401, "Requires authentication")


# --- grants (§6.6) ----------------------------------------------------------------------------------


def grants_world(world) -> dict[str, Any]:
    """monalisa: two tokens of the seeded app, one of another app, one PAT; octocat: one of the seeded app."""
    other = other_app(world)
    other_user(world)
    plain = put(world, scopes=["public_repo"])
    laptop = put(world, "laptop", scopes=["gist", "repo"])
    foreign = post(
        world,
        {"note": "o", "client_id": other["client_id"], "client_secret": other["client_secret"], "scopes": ["user"]},
    )
    assert foreign["statusCode"] == 201
    pat = create_pat(world, "pat", scopes=["delete_repo"])
    theirs = put(world, auth=OCTOCAT)
    return {
        "other": other,
        "plain": plain,
        "laptop": laptop,
        "foreign": world.json(foreign),
        "pat": pat,
        "theirs": theirs,
    }


def test_grants_list_one_per_app_with_scope_union(world):
    w = grants_world(world)
    response = world.invoke("get-grants.json")
    assert response["statusCode"] == 200 and header_of(response, "Link") is None
    grants = world.json(response)
    by_app = {g["app"]["client_id"]: g for g in grants}
    assert set(by_app) == {CLIENT_ID, w["other"]["client_id"]}  # a PAT has no app, so no grant
    mine = by_app[CLIENT_ID]
    assert list(mine) == ["id", "url", "app", "created_at", "updated_at", "scopes"]
    assert mine["url"] == f"{BASE}/applications/grants/{mine['id']}"
    assert mine["app"] == {"name": "my github app", "url": "http://my-github-app.com", "client_id": CLIENT_ID}
    assert mine["scopes"] == ["gist", "repo"]  # public_repo is included in repo
    assert mine["created_at"] == min(w["plain"]["created_at"], w["laptop"]["created_at"])
    assert by_app[w["other"]["client_id"]]["scopes"] == ["user"]
    one = world.invoke("get-grant.json", path=f"/applications/grants/{mine['id']}")
    assert one["statusCode"] == 200 and world.json(one) == mine
    # Pagination as for /authorizations.
    paged = world.invoke("get-grants.json", queryStringParameters={"per_page": "1"})
    assert len(world.json(paged)) == 1
    assert [(rel, q["page"]) for rel, q, _ in links(paged)] == [("next", ["2"]), ("last", ["2"])]
    assert links(paged)[0][2].startswith(f"{BASE}/applications/grants?")


def test_grant_of_someone_else_or_unknown_is_404(world):
    grants_world(world)
    [theirs] = world.json(call(world, "GET", "/applications/grants", auth=OCTOCAT))
    before = snapshot(world)
    for path in (f"/applications/grants/{theirs['id']}", f"/applications/grants/{theirs['id'] + 1}"):
        assert_error(world, call(world, "GET", path), 404, "Not Found")
        assert_error(world, call(world, "DELETE", path), 404, "Not Found")
    assert snapshot(world) == before


def test_delete_grant_removes_that_apps_authorizations_only(world):
    w = grants_world(world)
    mine = next(g for g in world.json(world.invoke("get-grants.json")) if g["app"]["client_id"] == CLIENT_ID)
    response = world.invoke("delete-grant.json", path=f"/applications/grants/{mine['id']}")
    assert response["statusCode"] == 204 and not response.get("body")
    assert ids(world.invoke("get-authorizations.json", queryStringParameters=None)) == sorted(
        [w["foreign"]["id"], w["pat"]["id"]], reverse=True
    )
    for gone in (w["plain"], w["laptop"]):
        assert_error(world, call(world, "GET", f"/authorizations/{gone['id']}"), 404, "Not Found")
        user = world.invoke("get-user.json", headers={"Authorization": f"token {gone['token']}"})
        assert_error(world, user, 401, "Bad credentials")
    assert call(world, "GET", f"/authorizations/{w['theirs']['id']}", auth=OCTOCAT)["statusCode"] == 200
    assert [g["app"]["client_id"] for g in world.json(world.invoke("get-grants.json"))] == [w["other"]["client_id"]]
    assert_error(world, world.invoke("get-grant.json", path=f"/applications/grants/{mine['id']}"), 404, "Not Found")
    # The app can be authorized again from scratch.
    assert (
        call(world, "PUT", f"/authorizations/clients/{CLIENT_ID}", body={"client_secret": CLIENT_SECRET})["statusCode"]
        == 201
    )


# --- odd requests never reach a 500 ----------------------------------------------------------------


def test_odd_requests_never_500(world):
    created = put(world)
    auth_id = created["id"]
    odd_bodies = ["\x00", "\ud800", "null", "1e999", '{"note": "\\ud800"}', '{"a":' * 3000, "[]" * 10, " " * 100]
    for body in odd_bodies:
        for method, path in (("PATCH", f"/authorizations/{auth_id}"), ("POST", "/authorizations")):
            response = call(world, method, path, body=body)
            assert 200 <= response["statusCode"] < 500, (method, body, response)
            if response["statusCode"] >= 400:
                assert {"message", "documentation_url"} <= set(world.json(response)), body
    create_pat(world, "a second one, for a Link header")
    odd_queries = [
        {"per_page": "\x00"},
        {"page": "\u0661"},
        {"client_id": "✓" * 500},
        {"page": "1" * 5000},
        {"per_page": "1", "x": "\ud800"},
        {"per_page": "1", "\ud800": "✓ &="},
    ]
    for query in odd_queries:
        response = call(world, "GET", "/authorizations", query=query)
        assert response["statusCode"] == 200, query
        if query.get("per_page") == "1":
            assert all(url.isascii() and "%ED%A0%80" in url for _, _, url in links(response))
    for auth in (
        "Basic",
        "Basic ✓",
        "Basic " + "A" * 10_000,
        "Digest abc",
        "token",
        "Bearer " + "x" * 10_000,
        basic("✓", PASSWORD),
        basic("monalisa:", PASSWORD),
        basic("", PASSWORD),
    ):
        response = call(world, "GET", "/authorizations", auth=auth)
        assert response["statusCode"] in (401, 403), (auth[:40], response)
        assert {"message", "documentation_url"} <= set(world.json(response))
    assert call(world, "GET", "/authorizations/")["statusCode"] == 200  # a trailing slash is the same resource
    for path in (
        "/authorizations//1",
        "/authorizations/1/2",
        "/applications",
        "/",
        "/authorizations/clients",
        f"/authorizations/{auth_id}/extra",
    ):
        response = call(world, "GET", path)
        assert_error(world, response, 404, "Not Found")

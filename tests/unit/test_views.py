"""What the API shows (behaviour.md §2, §6.6, §7): the authorization with its user, and grants."""

from __future__ import annotations

import base64

from authorize.domain.grants import Grant, grant_id, group_grants
from authorize.domain.records import PERSONAL_CLIENT_ID, UserRecord
from authorize.github.views import (
    FREE_PLAN,
    authorization_view,
    authorization_with_user_view,
    grant_view,
    node_id,
    private_user_view,
    public_user_view,
    simple_user,
)

from tests.support import PROFILE
from tests.unit.test_records import record

BASE = "https://api.example.com"


def test_node_ids_are_githubs_legacy_global_ids():
    # octocat's, as api.github.com serves it: base64("04:User583231"), padding included.
    assert node_id("User", 583231) == "MDQ6VXNlcjU4MzIzMQ=="
    assert base64.b64decode(node_id("User", 1), validate=True) == b"04:User1"


def test_simple_user_has_githubs_shape_under_the_base_url():
    user = simple_user(583231, "octocat", BASE)
    assert user == {
        "login": "octocat",
        "id": 583231,
        "node_id": "MDQ6VXNlcjU4MzIzMQ==",
        "avatar_url": f"{BASE}/avatars/octocat",
        "gravatar_id": "",
        "url": f"{BASE}/users/octocat",
        "html_url": f"{BASE}/octocat",
        "followers_url": f"{BASE}/users/octocat/followers",
        "following_url": f"{BASE}/users/octocat/following{{/other_user}}",
        "gists_url": f"{BASE}/users/octocat/gists{{/gist_id}}",
        "starred_url": f"{BASE}/users/octocat/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{BASE}/users/octocat/subscriptions",
        "organizations_url": f"{BASE}/users/octocat/orgs",
        "repos_url": f"{BASE}/users/octocat/repos",
        "events_url": f"{BASE}/users/octocat/events{{/privacy}}",
        "received_events_url": f"{BASE}/users/octocat/received_events",
        "type": "User",
        "site_admin": False,
    }


def test_check_and_reset_answer_the_authorization_with_its_user_last():
    rec = record(id=42, user_id=7, user_login="monalisa", note="n", expires_at="2031-01-01T00:00:00Z")
    # the user as stored now: renamed since the authorization was issued, and a site administrator
    user = UserRecord(id=7, login="mona", created_at="2020-01-01T00:00:00Z", site_admin=True)
    view = authorization_with_user_view(rec, user, BASE, "gho_plaintext")
    assert {k: v for k, v in view.items() if k != "user"} == authorization_view(rec, BASE, "gho_plaintext")
    assert list(view)[-1] == "user" and view["token"] == "gho_plaintext"
    assert view["user"] == simple_user(7, "mona", BASE, site_admin=True)
    assert view["user"]["site_admin"] is True
    assert view["expires_at"] == "2031-01-01T00:00:00Z"


def test_a_listed_authorization_never_shows_a_token():
    assert authorization_view(record(), BASE)["token"] == ""


def apps_authorizations():
    """monalisa's authorizations: two of app A (the second changed later), one of app B, a personal one."""
    return [
        record(id=30, client_id="b" * 20, app_name="B", app_url="https://b.example", scopes=["gist"]),
        record(
            id=20,
            scopes=["repo:status", "user"],
            created_at="2020-02-01T00:00:00Z",
            updated_at="2020-05-01T00:00:00Z",
        ),
        record(id=10, scopes=["repo", "gist"], created_at="2020-01-01T00:00:00Z", updated_at="2020-03-01T00:00:00Z"),
        record(id=5, client_id=PERSONAL_CLIENT_ID, app_name="script", note="script"),
    ]


def test_grants_are_one_per_app_in_the_order_first_authorized_without_personal_tokens():
    grants = group_grants(apps_authorizations())
    assert [[r.id for r in g.ordered()] for g in grants] == [[10, 20], [30]]
    assert [g.first.id for g in grants] == [10, 30]


def test_a_grant_view_unions_its_authorizations():
    grant = group_grants(apps_authorizations())[0]
    view = grant_view(grant, BASE)
    assert view == {
        "id": grant.id,
        "url": f"{BASE}/applications/grants/{grant.id}",
        "app": {"name": "app", "url": "https://app.example", "client_id": "abcde12345fghij67890"},
        "created_at": "2020-01-01T00:00:00Z",
        "updated_at": "2020-05-01T00:00:00Z",
        "scopes": ["repo", "gist", "user"],  # normalized: repo includes repo:status
    }


def test_grant_ids_are_stable_per_user_and_app_and_json_safe():
    # Nothing is stored for a grant: its id is derived, and must not change from one release to the next
    # (clients keep it for GET/DELETE /applications/grants/{id}).
    a = grant_id(5, "abcde12345fghij67890")
    assert a == 1831033688258126
    assert len({a, grant_id(6, "abcde12345fghij67890"), grant_id(5, "b" * 20)}) == 3
    grant = Grant((record(id=2), record(id=1)))
    assert grant.id == a and grant.first.id == 1
    ids = [grant_id(user, "c" * 20) for user in range(200)]
    assert all(0 < i <= 2**53 - 1 for i in ids) and max(ids) >= 2**52  # 53 bits, every one of them used


def _user(**fields: object) -> UserRecord:
    return UserRecord(id=7, login="mona", created_at="2026-01-05T10:00:00Z", **fields)  # type: ignore[arg-type]


def test_public_user_is_the_simple_user_the_profile_and_zero_counts():
    user = _user(**PROFILE, updated_at="2026-02-01T00:00:00Z", site_admin=True)
    view = public_user_view(user, BASE)
    assert view == {
        **simple_user(7, "mona", BASE, True),
        "name": "monalisa octocat",
        "company": "GitHub",
        "blog": "https://github.com/blog",
        "location": "San Francisco",
        "email": "octocat@github.com",
        "hireable": False,
        "bio": "There once was...",
        "twitter_username": "monatheoctocat",
        "public_repos": 0,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": "2026-01-05T10:00:00Z",
        "updated_at": "2026-02-01T00:00:00Z",
    }


def test_unset_profile_is_null_blog_empty_and_updated_at_falls_back_to_created_at():
    view = public_user_view(_user(), BASE)
    assert view["blog"] == "" and view["name"] is None and view["hireable"] is None
    assert view["updated_at"] == view["created_at"] == "2026-01-05T10:00:00Z"


def test_private_user_adds_what_only_the_owner_sees():
    plain = private_user_view(_user(), BASE)
    assert plain == {
        **public_user_view(_user(), BASE),
        "private_gists": 0,
        "total_private_repos": 0,
        "owned_private_repos": 0,
        "disk_usage": 0,
        "collaborators": 0,
        "two_factor_authentication": False,
        "plan": {"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000},
    }
    assert private_user_view(_user(totp_secret="sealed"), BASE)["two_factor_authentication"] is True
    plain["plan"]["name"] = "changed"  # each answer has its own copy
    assert FREE_PLAN["name"] == "free"

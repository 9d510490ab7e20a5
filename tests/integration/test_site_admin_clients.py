"""The site-administrator API with a client that speaks GitHub Enterprise Server's: github3.py's
``GitHubEnterprise`` (``create_user``, and ``promote``/``demote``/``suspend``/``unsuspend``/``impersonate``/
``revoke_impersonation``/``rename``/``delete`` on its users), over HTTP on moto and DynamoDB Local.

GHES serves its API under ``/api/v3``; this service serves it at the root of its base URL, so the
client's base URL is set to that root.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
from authorize.adapters.dynamodb.store import DynamoDBStore
from authorize.usecases import admin
from authorize_local.serve import DEMO_PASSWORD, DEMO_USER
from github3 import GitHubEnterprise

pytestmark = pytest.mark.integration

PASSWORD = "github3 site admin password"


def enterprise(base_url: str, login: str, password: str = PASSWORD) -> GitHubEnterprise:
    gh = GitHubEnterprise(base_url, username=login, password=password)
    gh.session.base_url = base_url  # the API's root (GHES: <host>/api/v3)
    return gh


def whoami(api: Any, token: str) -> requests.Response:
    return requests.get(f"{api.base_url}/user", headers={"Authorization": f"token {token}"}, timeout=30)


def test_github3_enterprise_client_runs_the_whole_lifecycle(api: Any) -> None:
    store = DynamoDBStore(api.db.client, api.db.table)
    boss = f"gh3-admin-{uuid.uuid4().hex[:6]}"
    admin.create_user(store, boss, PASSWORD, site_admin=True)
    gh = enterprise(api.base_url, boss)
    login = f"gh3_user_{uuid.uuid4().hex[:6]}"

    user = gh.create_user(login, f"{login}@example.com")
    assert user is not None and user.login == login.replace("_", "-") and user.site_admin is False
    authorization = user.impersonate(["repo", "gist"])
    assert authorization.token and authorization.scopes == ["repo", "gist"]
    assert authorization.app["name"] == "GitHub Site Administrator"
    assert whoami(api, authorization.token).json()["login"] == user.login

    assert user.promote() is True
    assert whoami(api, authorization.token).json()["site_admin"] is True
    assert user.demote() is True
    assert user.suspend() is True
    suspended = whoami(api, authorization.token)
    assert (suspended.status_code, suspended.json()["message"]) == (403, "Sorry. Your account was suspended.")
    assert user.unsuspend() is True
    assert whoami(api, authorization.token).status_code == 200

    # Not a site administrator: the client's False (GitHub's 403) for each.
    outsider = type(user)(user.as_dict(), enterprise(api.base_url, DEMO_USER, DEMO_PASSWORD))
    for method in ("promote", "demote", "suspend", "unsuspend", "revoke_impersonation", "delete"):
        assert getattr(outsider, method)() is False, method

    # github3.py 4.0.1's ``rename`` form-encodes its body (``login=...``), which GitHub's JSON-only API
    # refuses as well (400 Problems parsing JSON): the same PATCH, on the client's session, as JSON.
    new_login = f"gh3-renamed-{uuid.uuid4().hex[:6]}"
    renamed = gh.session.patch(f"{api.base_url}/admin/users/{user.login}", json={"login": new_login})
    assert renamed.status_code == 202 and renamed.json()["url"] == f"{api.base_url}/user/{user.id}"
    assert whoami(api, authorization.token).json()["login"] == new_login

    other = gh.create_user(f"{login}-2", f"{login}-2@example.com")
    assert other is not None
    token = other.impersonate().token
    assert other.revoke_impersonation() is True
    assert whoami(api, token).status_code == 401
    assert other.delete() is True
    assert gh.create_user(other.login, f"{login}-2@example.com") is not None  # login and email free again

"""The whole life of an authorization over HTTP, as a GitHub client drives it against `make serve`."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
from authorize_local.serve import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USER

pytestmark = pytest.mark.integration

Api = Any
USER = (DEMO_USER, DEMO_PASSWORD)
APP = (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)


def test_lifecycle(api: Api) -> None:
    base = api.base_url
    s = requests.Session()
    fp = f"device-{uuid.uuid4().hex[:8]}"

    created = s.put(f"{base}/authorizations/clients/{DEMO_CLIENT_ID}/{fp}", auth=USER,
                    json={"client_secret": DEMO_CLIENT_SECRET, "scopes": ["repo"]}, timeout=30)  # fmt: skip
    assert created.status_code == 201
    auth = created.json()
    token = auth["token"]
    assert created.headers["Location"] == auth["url"] == f"{base}/authorizations/{auth['id']}"

    # A personal token, then the list: newest first, paginated with a Link header.
    note = f"script {uuid.uuid4().hex[:6]}"
    pat = s.post(f"{base}/authorizations", auth=USER, json={"note": note, "scopes": ["gist"]}, timeout=30)
    assert pat.status_code == 201 and pat.json()["token"].startswith("ghp_")
    assert s.post(f"{base}/authorizations", auth=USER, json={"note": note}, timeout=30).status_code == 422
    listed = s.get(f"{base}/authorizations", params={"per_page": 1}, auth=USER, timeout=30)
    assert listed.status_code == 200 and listed.json()[0]["id"] == pat.json()["id"]
    assert 'rel="next"' in listed.headers["Link"] and listed.json()[0]["token"] == ""

    one = s.get(auth["url"], auth=USER, timeout=30)
    assert one.status_code == 200 and one.json()["token"] == "" and one.json()["fingerprint"] == fp
    patched = s.patch(auth["url"], auth=USER, json={"add_scopes": ["gist"], "note": "laptop"}, timeout=30)
    assert patched.status_code == 200 and patched.json()["scopes"] == ["repo", "gist"]

    # The token works; the app checks it, resets it, and the old one is dead at once.
    user = s.get(f"{base}/user", headers={"Authorization": f"token {token}"}, timeout=30)
    assert user.status_code == 200 and user.json()["login"] == DEMO_USER
    assert user.headers["X-OAuth-Scopes"] == "repo, gist"
    check = s.post(f"{base}/applications/{DEMO_CLIENT_ID}/token", auth=APP, json={"access_token": token}, timeout=30)
    assert check.status_code == 200 and check.json()["token"] == token and check.json()["user"]["login"] == DEMO_USER
    reset = s.patch(f"{base}/applications/{DEMO_CLIENT_ID}/token", auth=APP, json={"access_token": token}, timeout=30)
    assert reset.status_code == 200 and reset.json()["id"] == auth["id"]
    new_token = reset.json()["token"]
    assert s.get(f"{base}/user", headers={"Authorization": f"token {token}"}, timeout=30).status_code == 401
    legacy = s.get(f"{base}/applications/{DEMO_CLIENT_ID}/tokens/{new_token}", auth=APP, timeout=30)
    assert legacy.status_code == 200

    grants = s.get(f"{base}/applications/grants", auth=USER, timeout=30)
    assert grants.status_code == 200 and DEMO_CLIENT_ID in [g["app"]["client_id"] for g in grants.json()]

    revoke = s.delete(f"{base}/applications/{DEMO_CLIENT_ID}/token", auth=APP, json={"access_token": new_token},
                      timeout=30)  # fmt: skip
    assert revoke.status_code == 204 and revoke.content == b""
    assert s.get(auth["url"], auth=USER, timeout=30).status_code == 404
    again = s.put(f"{base}/authorizations/clients/{DEMO_CLIENT_ID}/{fp}", auth=USER,
                  json={"client_secret": DEMO_CLIENT_SECRET}, timeout=30)  # fmt: skip
    assert again.status_code == 201 and again.json()["id"] != auth["id"]
    assert s.delete(f"{base}/authorizations/{again.json()['id']}", auth=USER, timeout=30).status_code == 204
    assert s.delete(f"{base}/authorizations/{pat.json()['id']}", auth=USER, timeout=30).status_code == 204

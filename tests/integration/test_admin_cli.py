"""``authorize-admin``, verb by verb, as an operator uses it: against the embedded DynamoDB (moto and
DynamoDB Local), each effect checked through the HTTP API of the local server on the same table.

The CLI runs in this process (``admin_cli.main``: the same code as the ``authorize-admin`` script,
which tests/integration/test_local_server.py also runs as a subprocess), so the whole day takes seconds.
"""

from __future__ import annotations

import io
import json
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
import requests
from authorize_local import admin_cli
from authorize_local.serve import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

pytestmark = pytest.mark.integration

PASSWORD = "operator day password"
TIMEOUT = 30


@dataclass
class Run:
    code: int
    out: Any
    err: str

    @property
    def error(self) -> str:
        return json.loads(self.err)["error"]


@pytest.fixture
def cli(api: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", api.db.endpoint_url)
    monkeypatch.setenv("TABLE_NAME", api.db.table)

    def run(*args: str, stdin: str | None = None) -> Run:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((stdin or "").encode())))
        capsys.readouterr()
        try:
            code = admin_cli.main(list(args))
        except SystemExit as exit_:  # argparse: usage errors and --help
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return Run(code, json.loads(out) if out.strip().startswith(("{", "[")) else out, err)

    return run


def fresh(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def put(api: Any, login: str, password: str = PASSWORD, **kwargs: Any) -> requests.Response:
    url = f"{api.base_url}/authorizations/clients/{DEMO_CLIENT_ID}"
    body = {"client_secret": kwargs.pop("secret", DEMO_CLIENT_SECRET)}
    return requests.put(url, json=body, auth=(login, password), timeout=TIMEOUT, **kwargs)


def me(api: Any, token: str) -> requests.Response:
    return requests.get(f"{api.base_url}/user", headers={"Authorization": f"token {token}"}, timeout=TIMEOUT)


def created_user(cli: Callable[..., Run], *flags: str, login: str | None = None) -> dict[str, Any]:
    made = cli("user", "create", login or fresh("op"), "--password-stdin", *flags, stdin=PASSWORD + "\n")
    assert made.code == 0, made.err
    return made.out


# --- help ----------------------------------------------------------------------------------------------

VERBS = {
    "user": ["create", "list", "show", "update", "delete", "rename", "set-password", "2fa", "unlock", "suspend",
             "unsuspend", "promote", "demote"],
    "app": ["create", "list", "show", "update", "delete", "rotate-secret"],
    "token": ["list", "revoke"],
    "table": ["create"],
}  # fmt: skip


def test_help_documents_every_verb(cli):
    for group, verbs in VERBS.items():
        shown = cli(group, "--help")
        assert shown.code == 0
        for verb in verbs:
            assert verb in shown.out, (group, verb)
            assert cli(group, verb, "--help").code == 0
    assert "otpauth_uri" in cli("user", "2fa", "enable", "--help").out


# --- users ---------------------------------------------------------------------------------------------


def test_create_list_show_update(cli):
    user = created_user(cli, "--email", f"{fresh('e')}@example.com", "--name", "Ops Person", "--hireable")
    assert user["name"] == "Ops Person" and user["hireable"] is True and user["password_set"] is True
    assert user["site_admin"] is False and user["two_factor"] is False and PASSWORD not in json.dumps(user)
    assert any(u["login"] == user["login"] for u in cli("user", "list").out)
    assert cli("user", "show", user["login"].upper()).out == user
    updated = cli("user", "update", user["login"], "--company", "GitHub", "--email", "", "--no-hireable").out
    assert (updated["company"], updated["email"], updated["hireable"]) == ("GitHub", None, False)
    missing = cli("user", "show", fresh("nobody"))
    assert (missing.code, missing.error) == (1, "no such user")


def test_create_refuses_bad_input_with_clear_errors(cli):
    short = cli("user", "create", fresh("op"), "--password-stdin", stdin="1234567")
    assert (short.code, short.error) == (1, "password must be 8-1024 characters")
    bad = cli("user", "create", "__", "--password-stdin", stdin=PASSWORD)
    assert bad.code == 1 and bad.error.startswith("login must be 1-39 letters")
    email = f"{fresh('dup')}@example.com"
    created_user(cli, "--email", email)
    taken = cli("user", "create", fresh("op"), "--password-stdin", "--email", email.upper(), stdin=PASSWORD)
    assert (taken.code, taken.error) == (1, "email already exists")
    assert cli("user", "create", fresh("op")).code == 2  # --password-stdin is required


def test_rename_moves_the_login_and_keeps_the_tokens(cli, api):
    user = created_user(cli)
    token = put(api, user["login"]).json()["token"]
    new_login = fresh("renamed")
    renamed = cli("user", "rename", user["login"], new_login).out
    assert (renamed["id"], renamed["login"]) == (user["id"], new_login)
    assert put(api, user["login"]).status_code == 401  # the old login is gone
    again = put(api, new_login)
    assert again.status_code == 200 and again.json()["token"] == ""  # the same authorization
    assert me(api, token).json()["login"] == new_login
    assert cli("user", "show", user["login"]).error == "no such user"


def test_set_password(cli, api):
    user = created_user(cli)
    assert cli("user", "set-password", user["login"], "--password-stdin", stdin="a whole new password\n").code == 0
    assert put(api, user["login"]).status_code == 401
    assert put(api, user["login"], "a whole new password").status_code == 201
    assert cli("user", "set-password", user["login"], "--password-stdin", stdin="short").code == 1


def test_two_factor_enable_and_disable(cli, api):
    user = created_user(cli)
    enrolled = cli("user", "2fa", "enable", user["login"], "--qr")
    assert enrolled.code == 0 and set(enrolled.out) == {"totp_secret", "otpauth_uri"}
    secret = enrolled.out["totp_secret"]
    assert enrolled.out["otpauth_uri"] == pyotp.TOTP(secret).provisioning_uri(
        name=user["login"], issuer_name="authorize"
    )
    assert "\u2588" in enrolled.err  # the QR code, on stderr
    challenge = put(api, user["login"])
    assert challenge.status_code == 401 and challenge.headers["X-GitHub-OTP"] == "required; app"
    assert put(api, user["login"], headers={"X-GitHub-OTP": pyotp.TOTP(secret).now()}).status_code == 201
    assert cli("user", "2fa", "disable", user["login"]).out["two_factor"] is False
    assert put(api, user["login"]).status_code == 200


def test_unlock_ends_a_lockout(cli, api):
    user = created_user(cli)
    while put(api, user["login"], "wrong password").status_code != 403:
        pass
    assert put(api, user["login"]).status_code == 403  # locked out, even with the right password
    unlocked = cli("user", "unlock", user["login"]).out
    assert unlocked["login"] == user["login"] and unlocked["failed_login_windows_cleared"] >= 1
    assert put(api, user["login"]).status_code == 201


def test_suspend_and_unsuspend(cli, api):
    user = created_user(cli)
    token = put(api, user["login"]).json()["token"]
    assert cli("user", "suspend", user["login"]).out["suspended_at"]
    for answer in (put(api, user["login"]), me(api, token)):
        assert (answer.status_code, answer.json()["message"]) == (403, "Sorry. Your account was suspended.")
    assert cli("user", "unsuspend", user["login"]).out["suspended_at"] is None
    assert me(api, token).status_code == 200  # the existing token works again


def test_promote_and_demote(cli, api):
    user = created_user(cli)
    token = put(api, user["login"]).json()["token"]
    assert cli("user", "promote", user["login"]).out["site_admin"] is True
    assert me(api, token).json()["site_admin"] is True
    assert cli("user", "demote", user["login"]).out["site_admin"] is False
    assert me(api, token).json()["site_admin"] is False


def test_token_list_and_revoke(cli, api):
    user = created_user(cli)
    token = put(api, user["login"]).json()["token"]
    [listed] = cli("token", "list", user["login"]).out
    assert listed["app"]["client_id"] == DEMO_CLIENT_ID and listed["token_last_eight"] == token[-8:]
    assert "token" not in listed and token not in json.dumps(listed)
    assert cli("token", "revoke", str(listed["id"])).out == {"id": listed["id"], "revoked": True}
    assert me(api, token).status_code == 401
    assert cli("token", "revoke", str(listed["id"])).error == "no such authorization"


def test_delete_user(cli, api):
    user = created_user(cli, "--email", f"{fresh('gone')}@example.com")
    token = put(api, user["login"]).json()["token"]
    deleted = cli("user", "delete", user["login"]).out
    assert deleted == {"login": user["login"], "deleted": True, "authorizations_deleted": 1}
    assert me(api, token).status_code == 401
    assert put(api, user["login"]).status_code == 401
    again = created_user(cli, "--email", user["email"], login=user["login"])  # login and email free again
    assert again["id"] != user["id"]


# --- apps ----------------------------------------------------------------------------------------------


def test_app_lifecycle(cli, api):
    user = created_user(cli)
    made = cli("app", "create", "Ops app", "--url", "https://ops.example.com").out
    client_id, secret = made["client_id"], made["client_secret"]
    url = f"{api.base_url}/authorizations/clients/{client_id}"
    token = requests.put(url, json={"client_secret": secret}, auth=(user["login"], PASSWORD), timeout=TIMEOUT)
    token = token.json()["token"]
    assert any(a["client_id"] == client_id for a in cli("app", "list").out)
    shown = cli("app", "show", client_id).out
    assert shown["name"] == "Ops app" and "client_secret" not in shown

    updated = cli("app", "update", client_id, "--name", "Renamed app", "--token-lifetime", "3600").out
    assert (updated["name"], updated["token_lifetime"], updated["authorizations_updated"]) == ("Renamed app", 3600, 1)
    check = requests.post(
        f"{api.base_url}/applications/{client_id}/token", json={"access_token": token}, auth=(client_id, secret),
        timeout=TIMEOUT,
    )  # fmt: skip
    assert check.status_code == 200 and check.json()["app"]["name"] == "Renamed app"

    rotated = cli("app", "rotate-secret", client_id).out
    assert set(rotated) == {"client_id", "client_secret"} and rotated["client_secret"] != secret
    old = requests.put(url, json={"client_secret": secret}, auth=(user["login"], PASSWORD), timeout=TIMEOUT)
    assert (old.status_code, old.json()["message"]) == (422, "Invalid Application client_id or secret.")
    new = requests.put(
        url, json={"client_secret": rotated["client_secret"]}, auth=(user["login"], PASSWORD), timeout=TIMEOUT
    )
    assert new.status_code == 200

    assert cli("app", "delete", client_id).out == {"client_id": client_id, "deleted": True, "authorizations_deleted": 1}
    assert me(api, token).status_code == 401
    assert cli("app", "show", client_id).error == "no such app"
    bad = cli("app", "update", DEMO_CLIENT_ID, "--url", "not a url")
    assert (bad.code, bad.error) == (1, "url must be an absolute http(s) URL")

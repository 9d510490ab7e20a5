"""The site-administrator API and the admin CLI's use cases leave no secret behind either: impersonation
tokens, the passwords of site administrators, new passwords, re-enrolled TOTP seeds and rotated client
secrets are in no table item and no log line (searched in every encoding, as test_secret_hygiene does)."""

from __future__ import annotations

import json
from typing import Any

from authorize.composition import UseCases
from authorize.domain.admin_inputs import NewUser, validated
from authorize.usecases import admin

from tests.faults.conftest import FaultWorld
from tests.handler.conftest import CLIENT_ID, PASSWORD, load_event
from tests.security.conftest import LogCapture
from tests.security.test_secret_hygiene import Driver, assert_no_trace, basic, find_secrets, with_body


def at_user(name: str, login: str, body: Any = None) -> dict[str, Any]:
    event = load_event(name)
    old = event["pathParameters"]["username"]
    event["path"] = event["path"].replace(f"/{old}", f"/{login}", 1)
    event["requestContext"]["path"] = "/dev" + event["path"]
    event["pathParameters"] = {"username": login}
    if body is not None:
        event["body"] = json.dumps(body)
    return event


def test_site_admin_flows_leave_no_secret_in_table_or_logs(world: FaultWorld, logs: LogCapture):
    admin.create_user(world.store, "octocat", PASSWORD, site_admin=True)  # the events' site administrator
    d = Driver(world)
    d.call("create user", "post-admin-users.json", 201)
    first = d.call("impersonation token", at_user("post-admin-impersonation-token.json", "octo-dog"), 201)
    d.call("impersonation again", at_user("post-admin-impersonation-token.json", "octo-dog"), 200)
    own = d.call(
        "own token", at_user("post-admin-impersonation-token.json", "octocat", {"scopes": ["site_admin"]}), 201
    )
    d.call("by token", "put-site-admin.json", 204, headers={"Authorization": f"token {own['token']}"})
    d.call("user by impersonation", "get-user.json", 200, headers={"Authorization": f"token {first['token']}"})
    d.call("suspend", "put-suspended.json", 204)
    d.call("suspended login", "get-user.json", 403, headers={"Authorization": basic("monalisa", PASSWORD)})
    d.call("unsuspend", "delete-suspended.json", 204)
    d.call("rename", "patch-admin-user.json", 202)
    d.call("delete impersonation", at_user("delete-admin-impersonation-token.json", "octopus"), 204)
    d.call("delete user", "delete-admin-user.json", 204)
    d.call("dead token", "get-user.json", 401, headers={"Authorization": f"token {first['token']}"})
    d.call("check", with_body("post-app-token-check.json", {"access_token": own["token"]}), 404)
    assert len(d.tokens) == 2
    log_text = assert_no_trace(d, logs)
    assert '"message":"site admin action"' in log_text  # the capture saw the audit lines


def test_operator_credentials_leave_no_secret_in_the_table(world: FaultWorld, logs: LogCapture):
    uc: UseCases = world.app_module.use_cases()  # the wiring the handler runs with
    new_password = "an operator-set password"
    created = uc.admin.users.create(validated(NewUser, {"login": "newcomer"}), password=PASSWORD, two_factor=True)
    uc.admin.credentials.set_password("newcomer", new_password)
    enrolled = uc.admin.credentials.enable_2fa("newcomer")
    rotated = uc.admin.apps.rotate_secret(CLIENT_ID)
    secrets = {
        "new password": new_password,
        "first totp seed": created.totp_secret or "",
        "re-enrolled totp seed": enrolled.totp_secret,
        "rotated client secret": rotated.client_secret,
    }
    assert find_secrets(json.dumps(world.dump(), sort_keys=True), secrets) == []
    assert find_secrets(logs.text(), secrets) == []

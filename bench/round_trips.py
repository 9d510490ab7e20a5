"""DynamoDB round trips per request: which API calls the real handler makes on each path.

The handler runs in this process over moto's in-process DynamoDB (``mock_aws``); a botocore event
hook on the function's client records every API call (``before-call``) and every HTTP request sent
(``request-created``, which would also count botocore's retries). The counts do not depend on timing,
so tests/integration/test_round_trips.py asserts them exactly.

    .venv/bin/python -m bench.round_trips [--json]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import common

# (name, what it is) in the order the scenario runs them; each path leaves the state the next needs.
PATHS: list[tuple[str, str]] = [
    ("login_cold", "GET /user with Basic credentials this container has not verified yet (200)"),
    ("put_create", "PUT /authorizations/clients/{id}: new authorization (201)"),
    ("put_existing", "PUT /authorizations/clients/{id}: existing authorization, warm container (200)"),
    ("put_fingerprint", "PUT /authorizations/clients/{id}/{fingerprint}: new (201)"),
    ("put_bad_credentials", "PUT with a wrong password (401)"),
    ("put_2fa_challenge", "PUT by a 2FA user without X-GitHub-OTP (401, OTP required)"),
    ("put_2fa_wrong_otp", "PUT by a 2FA user with a wrong code (401)"),
    ("put_2fa_success", "PUT by a 2FA user with the current code (201)"),
    ("put_2fa_repeat", "PUT by a 2FA user re-sending the code just accepted (200)"),
    ("put_existing_new_container", "PUT of an existing authorization, by a container new to the login (200)"),
    ("get_list", "GET /authorizations (200)"),
    ("get_one", "GET /authorizations/{id} (200)"),
    ("patch", "PATCH /authorizations/{id} (200)"),
    ("post", "POST /authorizations: personal token (201)"),
    ("delete", "DELETE /authorizations/{id} (204)"),
    ("app_check", "POST /applications/{client_id}/token (200)"),
    ("app_reset", "PATCH /applications/{client_id}/token (200)"),
    ("app_revoke", "DELETE /applications/{client_id}/token (204)"),
    ("user_token", "GET /user with a token (200)"),
    ("user_basic", "GET /user with Basic credentials (200)"),
    ("grants_list", "GET /applications/grants (200)"),
    ("grant_revoke", "DELETE /applications/{client_id}/grant (204)"),
    ("admin_create_user", "POST /admin/users by a site admin (201)"),
    ("admin_impersonate", "POST /admin/users/{username}/authorizations: new token (201)"),
    ("admin_impersonate_existing", "POST /admin/users/{username}/authorizations: existing token (200)"),
    ("admin_suspend", "PUT /users/{username}/suspended (204)"),
    ("admin_promote_by_token", "PUT /users/{username}/site_admin with a site_admin token (204)"),
    ("admin_rename", "PATCH /admin/users/{username} (202)"),
    ("admin_delete", "DELETE /admin/users/{username} with one authorization (204)"),
]
ADMIN = "boss"  # a site administrator, created for the admin paths


@dataclass
class CallCounter:
    """Counts a botocore client's DynamoDB API calls and HTTP requests."""

    operations: list[str] = field(default_factory=list)
    http_requests: int = 0

    def attach(self, client: Any) -> CallCounter:
        client.meta.events.register("before-call.dynamodb", self._on_call)
        client.meta.events.register("request-created.dynamodb", self._on_request)
        return self

    def _on_call(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)

    def _on_request(self, **_: Any) -> None:
        self.http_requests += 1

    def reset(self) -> None:
        self.operations = []
        self.http_requests = 0


def _wrong_code(secret: str) -> str:
    """A six-digit code that the current TOTP window does not accept."""
    import pyotp

    totp = pyotp.TOTP(secret)
    for candidate in range(1_000_000):
        code = f"{candidate:06d}"
        if not totp.verify(code, valid_window=1):
            return code
    raise AssertionError("unreachable")


def measure() -> dict[str, dict[str, Any]]:
    """Run every path once against a fresh moto table; per path: status, API calls, HTTP requests.

    Expects the environment to be set up (``common.setup_env()`` or the test suite's conftest).
    """
    import boto3
    from moto import mock_aws

    with mock_aws():
        return run_scenario(boto3.client("dynamodb", region_name=common.REGION))


Observer = Callable[[str, dict[str, Any]], None]


def run_scenario(client: Any, table: str | None = None, observe: Observer | None = None) -> dict[str, dict[str, Any]]:
    """Every path of ``PATHS`` once, in order, through the real handler on ``client`` (a fresh table
    is created: ``table``, else the settings' name). ``observe(path, result)`` may add to each path's
    result (the capacity meter does) right after its request."""
    import dataclasses

    import app as app_module
    import pyotp
    from authorize.adapters.dynamodb.store import DynamoDBStore
    from authorize.composition import UseCases
    from authorize.settings import Settings
    from authorize.usecases import admin
    from authorize_local.table_schema import ensure_table

    results: dict[str, dict[str, Any]] = {}
    settings = Settings.from_env()
    if table is not None:
        settings = dataclasses.replace(settings, table_name=table)
    ensure_table(client, settings.table_name)
    store = DynamoDBStore(client, settings.table_name)
    totp_secret = common.seed(store)["totp_secret"]
    admin.create_user(store, ADMIN, common.PASSWORD, site_admin=True)
    counter = CallCounter().attach(client)
    warm = UseCases.build(store, settings)
    app_module.set_use_cases(warm)
    context = common.Context()
    if observe is not None:
        observe("", {})  # the seeding is not any path's

    def run_quietly(ev: dict[str, Any]) -> dict[str, Any]:
        response = app_module.lambda_handler(ev, context)
        return json.loads(response["body"]) if response.get("body") else {}

    def run(name: str, ev: dict[str, Any]) -> dict[str, Any]:
        counter.reset()
        response = app_module.lambda_handler(ev, context)
        results[name] = {
            "status": response["statusCode"],
            "operations": list(counter.operations),
            "calls": len(counter.operations),
            "http_requests": counter.http_requests,
        }
        if observe is not None:
            observe(name, results[name])
        return json.loads(response["body"]) if response.get("body") else {}

    me = common.basic(common.USER, common.PASSWORD)
    app_auth = common.basic(common.CLIENT_ID, common.CLIENT_SECRET)
    try:
        run("login_cold", common.event("GET", "/user", auth=me))
        created = run("put_create", common.put_event())
        run("put_existing", common.put_event())
        laptop = run("put_fingerprint", common.put_event("laptop"))
        run("put_bad_credentials", common.put_event(password="wrong-password"))
        run("put_2fa_challenge", common.put_event(login=common.TWO_FACTOR_USER))
        run("put_2fa_wrong_otp", common.put_event(login=common.TWO_FACTOR_USER, otp=_wrong_code(totp_secret)))
        code = pyotp.TOTP(totp_secret).now()
        run("put_2fa_success", common.put_event(login=common.TWO_FACTOR_USER, otp=code))
        run("put_2fa_repeat", common.put_event(login=common.TWO_FACTOR_USER, otp=code))
        app_module.set_use_cases(UseCases.build(store, settings))  # a fresh container, for one request
        run("put_existing_new_container", common.put_event())
        app_module.set_use_cases(warm)
        run("get_list", common.event("GET", "/authorizations", auth=me))
        run("get_one", common.event("GET", f"/authorizations/{created['id']}", auth=me))
        run("patch", common.event("PATCH", f"/authorizations/{created['id']}", auth=me, body={"note": "renamed"}))
        pat = run("post", common.event("POST", "/authorizations", auth=me, body={"note": "bench script"}))
        run("delete", common.event("DELETE", f"/authorizations/{pat['id']}", auth=me))
        token = {"access_token": created["token"]}
        run("app_check", common.event("POST", f"/applications/{common.CLIENT_ID}/token", auth=app_auth, body=token))
        reset = run(
            "app_reset", common.event("PATCH", f"/applications/{common.CLIENT_ID}/token", auth=app_auth, body=token)
        )
        new_token = {"access_token": reset["token"]}
        run(
            "app_revoke",
            common.event("DELETE", f"/applications/{common.CLIENT_ID}/token", auth=app_auth, body=new_token),
        )
        run("user_token", common.event("GET", "/user", auth=f"token {laptop['token']}"))
        run("user_basic", common.event("GET", "/user", auth=me))
        run("grants_list", common.event("GET", "/applications/grants", auth=me))
        run(
            "grant_revoke",
            common.event(
                "DELETE",
                f"/applications/{common.CLIENT_ID}/grant",
                auth=app_auth,
                body={"access_token": laptop["token"]},
            ),
        )
        boss = common.basic(ADMIN, common.PASSWORD)
        run_quietly(common.event("GET", "/user", auth=boss))  # a warm container, as for the paths above
        new_user = {"login": "octocat", "email": "octocat@example.com"}
        run("admin_create_user", common.event("POST", "/admin/users", auth=boss, body=new_user))
        impersonate = common.event("POST", "/admin/users/octocat/authorizations", auth=boss, body={"scopes": []})
        run("admin_impersonate", impersonate)
        run("admin_impersonate_existing", impersonate)
        run("admin_suspend", common.event("PUT", "/users/octocat/suspended", auth=boss))
        own = common.event("POST", f"/admin/users/{ADMIN}/authorizations", auth=boss, body={"scopes": ["site_admin"]})
        admin_token = f"token {run_quietly(own)['token']}"
        run("admin_promote_by_token", common.event("PUT", "/users/octocat/site_admin", auth=admin_token))
        run("admin_rename", common.event("PATCH", "/admin/users/octocat", auth=boss, body={"login": "octo"}))
        run_quietly(common.put_event())  # something for the deletion to revoke
        run("admin_delete", common.event("DELETE", f"/admin/users/{common.USER}", auth=boss))
    finally:
        app_module.set_use_cases(None)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="FILE", nargs="?", const="-", help="write JSON (to FILE, or stdout)")
    args = parser.parse_args(argv)
    common.setup_env()
    with common.stdout_to_devnull():
        results = measure()
    if args.json:
        common.write_json(None if args.json == "-" else args.json, results)
        return 0
    for name, description in PATHS:
        r = results[name]
        print(f"{name:22} {r['status']:>4} {r['calls']:>2}  {' + '.join(r['operations']):40} {description}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

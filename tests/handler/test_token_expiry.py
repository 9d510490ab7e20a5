"""Optional per-app token lifetime: expires_at, rejection once expired, TTL purge, key reuse."""

from __future__ import annotations

import base64
import json
import time

from authorize.composition import UseCases
from authorize.settings import Settings
from authorize.usecases import admin

from tests.handler.conftest import PASSWORD, TABLE
from tests.support import SEALER

CLIENT = "s" * 20
SECRET = "e" * 40


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


def test_expiring_tokens(world):
    clock = Clock()
    world.app_module.set_use_cases(UseCases.build(world.store, Settings(table_name=TABLE), clock=clock, sealer=SEALER))
    admin.create_app(
        world.store, "short", "https://short.example", client_id=CLIENT, client_secret=SECRET, token_lifetime=600
    )
    put = {"path": f"/authorizations/clients/{CLIENT}", "body": json.dumps({"client_secret": SECRET})}
    created = world.json(world.invoke("put-create.json", **put))
    assert created["expires_at"].endswith("Z")
    token = created["token"]

    items = {i["pk"]["S"].split("#")[0]: i for i in world.dump() if i.get("id", {}).get("N") == str(created["id"])}
    assert int(items["AUTHS"]["ttl"]["N"]) == int(items["TOKEN"]["ttl"]["N"]) > clock.now
    assert "ttl" not in items["AUTHID"]  # the id guard stays: ids are never reused

    user = world.invoke("get-user.json", headers={"Authorization": f"token {token}"})
    assert user["statusCode"] == 200
    check_body = json.dumps({"access_token": token})
    app_auth = {"Authorization": basic(CLIENT, SECRET)}
    check = {"path": f"/applications/{CLIENT}/token", "body": check_body, "headers": app_auth}
    assert world.invoke("post-app-token-check.json", **check)["statusCode"] == 200

    clock.now += 601
    assert world.invoke("get-user.json", headers={"Authorization": f"token {token}"})["statusCode"] == 401
    assert world.invoke("post-app-token-check.json", **check)["statusCode"] == 404
    get_one = world.invoke("get-authorization.json", path=f"/authorizations/{created['id']}")
    assert get_one["statusCode"] == 404
    listed = world.json(world.invoke("get-authorizations.json", queryStringParameters=None))
    assert created["id"] not in [a["id"] for a in listed]

    renewed = world.invoke("put-create.json", **put)
    assert renewed["statusCode"] == 201
    assert world.json(renewed)["id"] != created["id"]
    assert PASSWORD not in json.dumps(world.dump())

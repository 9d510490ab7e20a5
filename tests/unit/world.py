"""A small world over the in-memory store for use-case tests: three users (hubot with two-factor
authentication), three apps (one whose tokens expire after an hour), a clock the test moves."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from authorize.composition import UseCases
from authorize.domain.authorizations import Issued
from authorize.domain.credentials import AppCredentials
from authorize.domain.exceptions import DomainError
from authorize.domain.inputs import CreateBody, GetOrCreateBody
from authorize.settings import Settings
from authorize.usecases import admin
from authorize.usecases.login import Caller

from tests.fakes import InMemoryStore
from tests.support import SEALER

CLIENT_ID = "abcde12345fghij67890"
SECRET = "abcd" * 10
OTHER_ID = "0123456789abcdefABCD"
OTHER_SECRET = "efgh" * 10
SHORT_ID = "shortlived0000000000"  # an app whose tokens expire after an hour
PASSWORD = "correct-horse-battery-staple"
APP = AppCredentials(CLIENT_ID, SECRET)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    store: InMemoryStore
    uc: UseCases
    clock: Clock
    monalisa: Caller
    octocat: Caller
    hubot_totp: str  # hubot has two-factor authentication with this secret

    def issue(self, caller: Caller, client_id: str = CLIENT_ID, secret: str = SECRET, **fields: object) -> Issued:
        with_app = Caller(caller.user, self.store.apps[client_id])  # as the login read it, with the app
        return self.uc.authorizations.get_or_create(with_app, GetOrCreateBody(client_secret=secret, **fields))

    def personal(self, caller: Caller, note: str) -> Issued:
        return self.uc.authorizations.create(caller, CreateBody(note=note), None)

    def reads(self, action: Callable[[], object]) -> list[str]:
        self.store.calls.clear()
        with contextlib.suppress(DomainError):
            action()
        return list(self.store.calls)


def make_world() -> World:
    store = InMemoryStore()
    admin.create_user(store, "monalisa", PASSWORD)
    admin.create_user(store, "octocat", PASSWORD)
    hubot = admin.create_user(store, "hubot", PASSWORD, with_totp=True, sealer=SEALER)
    admin.create_app(store, "app", "https://app.example", client_id=CLIENT_ID, client_secret=SECRET)
    admin.create_app(store, "other", "https://other.example", client_id=OTHER_ID, client_secret=OTHER_SECRET)
    admin.create_app(
        store, "short", "https://short.example", client_id=SHORT_ID, client_secret=SECRET, token_lifetime=3600
    )
    clock = Clock()
    uc = UseCases.build(store, Settings(totp_key_b64=base64.b64encode(b"k" * 32).decode()), clock=clock, sealer=SEALER)
    users = store.users
    return World(store, uc, clock, Caller(users["monalisa"]), Caller(users["octocat"]), hubot["totp_secret"])


def live_ids(world: World, caller: Caller) -> set[int]:
    return {r.id for r in world.store.list_authorizations(caller.user.id)}

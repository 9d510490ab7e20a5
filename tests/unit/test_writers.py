"""The writers on the retry protocol, against the in-memory store: lost answers, concurrent changes,
collisions. Each case is one the protocol's branches decide."""

from __future__ import annotations

import base64
import json

import pytest
from authorize.composition import UseCases
from authorize.domain import tokens
from authorize.domain.credentials import AppCredentials, Basic
from authorize.domain.exceptions import NotFound
from authorize.domain.inputs import CreateBody, GetOrCreateBody, UpdateBody
from authorize.ports import Conflict
from authorize.settings import Settings
from authorize.usecases import admin

from tests.fakes import InMemoryStore
from tests.support import SEALER

CLIENT_ID = "abcde12345fghij67890"
SECRET = "abcd" * 10
PASSWORD = "correct-horse-battery-staple"


class LosesFirstReplaceAnswer(InMemoryStore):
    """The first replace commits, then its answer is lost and the retry finds the revision moved."""

    lost = False

    def replace_authorization(self, old, new):
        super().replace_authorization(old, new)
        if not self.lost:
            self.lost = True
            raise Conflict()


class ChangedMeanwhile(InMemoryStore):
    """Before the first replace or delete lands, another writer changes the record (adds a scope)."""

    interfered = False

    def _interfere(self, old):
        if not self.interfered:
            self.interfered = True
            other = old.model_copy(update={"scopes": [*old.scopes, "gist"], "revision": old.revision + 1})
            super().replace_authorization(old, other)

    def replace_authorization(self, old, new):
        self._interfere(old)
        super().replace_authorization(old, new)

    def delete_authorizations(self, records):
        self._interfere(records[0])
        super().delete_authorizations(records)


def world(store: InMemoryStore) -> tuple[UseCases, object]:
    uc = UseCases.build(store, Settings(totp_key_b64=base64.b64encode(b"k" * 32).decode()), sealer=SEALER)
    admin.create_user(store, "monalisa", PASSWORD)
    admin.create_app(store, "app", "https://app.example", client_id=CLIENT_ID, client_secret=SECRET)
    caller = uc.login.authenticate(Basic("monalisa", PASSWORD), None, client_id=CLIENT_ID)
    return uc, caller


def created(uc: UseCases, caller, **fields):
    return uc.authorizations.get_or_create(caller, GetOrCreateBody(client_secret=SECRET, **fields)).authorization


def test_an_update_whose_answer_was_lost_is_not_applied_twice():
    store = LosesFirstReplaceAnswer()
    uc, caller = world(store)
    current = created(uc, caller, scopes=["repo"])
    updated = uc.authorizations.update(caller, current, UpdateBody(add_scopes=["gist"]))
    stored = store.get_authorization(current.id)
    assert updated == stored
    assert stored.revision == current.revision + 1  # one write, found committed; not redrawn on top of itself


def test_an_update_raced_by_another_is_redrawn_on_the_fresh_record():
    store = ChangedMeanwhile()
    uc, caller = world(store)
    current = created(uc, caller, scopes=["repo"])
    updated = uc.authorizations.update(caller, current, UpdateBody(add_scopes=["read:org"]))
    assert updated.scopes == ["repo", "gist", "read:org"]  # both changes hold
    assert store.get_authorization(current.id) == updated and updated.revision == current.revision + 2


def test_a_delete_raced_by_an_update_deletes_the_fresh_record():
    store = ChangedMeanwhile()
    uc, caller = world(store)
    current = created(uc, caller)
    uc.authorizations.delete(caller, current)
    assert store.get_authorization(current.id) is None and store.by_key == {}


def test_a_delete_of_something_deleted_meanwhile_is_not_found():
    class DeletedMeanwhile(InMemoryStore):
        def delete_authorizations(self, records):
            self.by_key.clear()
            raise Conflict()

    uc, caller = world(DeletedMeanwhile())
    current = created(uc, caller)
    with pytest.raises(NotFound):
        uc.authorizations.delete(caller, current)


def test_a_bulk_delete_drops_what_vanished_and_deletes_the_rest():
    class OneVanishes(InMemoryStore):
        vanished = False

        def delete_authorizations(self, records):
            if not self.vanished:
                self.vanished = True
                del self.by_key[next(iter(self.by_key))]
            super().delete_authorizations(records)

    store = OneVanishes()
    uc, caller = world(store)
    records = [created(uc, caller, fingerprint=f"fp-{i}") for i in range(3)]
    uc.authorizations.delete_records(records)
    assert store.by_key == {}


def test_create_draws_a_new_id_on_a_collision(monkeypatch):
    store = InMemoryStore()
    uc, caller = world(store)
    first = created(uc, caller)
    ids = iter([first.id, first.id + 1])
    monkeypatch.setattr(tokens, "new_authorization_id", lambda: next(ids))
    made = uc.authorizations.create(caller, CreateBody(note="script"), None)
    assert made.created and made.authorization.id == first.id + 1
    assert store.find_token(tokens.hash_token(made.token)) == made.authorization


def test_a_reset_whose_answer_was_lost_hands_out_the_committed_token():
    store = LosesFirstReplaceAnswer()
    uc, caller = world(store)
    issued = uc.authorizations.get_or_create(caller, GetOrCreateBody(client_secret=SECRET))
    reset = uc.app_tokens.reset(CLIENT_ID, AppCredentials(CLIENT_ID, SECRET), issued.token)
    assert store.find_token(tokens.hash_token(reset.token)) == reset.authorization
    assert store.find_token(issued.authorization.hashed_token) is None


def test_a_reset_raced_by_a_revoke_is_not_found():
    class RevokedMeanwhile(InMemoryStore):
        def replace_authorization(self, old, new):
            self.by_key.clear()
            raise Conflict()

    uc, caller = world(RevokedMeanwhile())
    issued = uc.authorizations.get_or_create(caller, GetOrCreateBody(client_secret=SECRET))
    with pytest.raises(NotFound):
        uc.app_tokens.reset(CLIENT_ID, AppCredentials(CLIENT_ID, SECRET), issued.token)


def test_a_reset_raced_by_an_update_resets_the_fresh_record():
    store = ChangedMeanwhile()
    uc, caller = world(store)
    issued = uc.authorizations.get_or_create(caller, GetOrCreateBody(client_secret=SECRET, scopes=["repo"]))
    reset = uc.app_tokens.reset(CLIENT_ID, AppCredentials(CLIENT_ID, SECRET), issued.token)
    assert reset.authorization.scopes == ["repo", "gist"]
    assert json.loads(reset.authorization.model_dump_json())["revision"] == issued.authorization.revision + 2

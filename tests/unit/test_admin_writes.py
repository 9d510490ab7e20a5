"""The administration writers on the retry protocol, against the in-memory store: a user or an app changed
by another writer between read and write, a write whose answer was lost, a record gone meanwhile, a
deletion cut short, an acting administrator demoted meanwhile. Whatever the interleaving, what a call
answers is what is stored, and nothing is applied twice."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from authorize.composition import UseCases
from authorize.domain import tokens
from authorize.domain.credentials import AppCredentials, Basic, Bearer
from authorize.domain.exceptions import BadCredentials, NotFound, SiteAdminRequired, Unavailable
from authorize.domain.inputs import GetOrCreateBody, UpdateBody
from authorize.domain.records import iso
from authorize.ports import Conflict
from authorize.settings import Settings
from authorize.usecases import admin

from tests.fakes import InMemoryStore

CLIENT_ID = "abcde12345fghij67890"
SECRET = "abcd" * 10
PASSWORD = "correct-horse-battery-staple"


class Racy(InMemoryStore):
    """``before[name]``: another writer's action, run once just before the first ``name`` write lands;
    ``lost``: writes whose first call commits and then answers a conflict (its answer was lost, and the
    retry finds the record moved on)."""

    def __init__(self) -> None:
        super().__init__()
        self.before: dict[str, Callable[[], None]] = {}
        self.lost: set[str] = set()

    def _race(self, name: str, write: Callable[[], None]) -> None:
        action = self.before.pop(name, None)
        if action is not None:
            action()
        write()
        if name in self.lost:
            self.lost.discard(name)
            raise Conflict()

    def replace_user(self, old, new, *, actor=None):
        self._race("replace_user", lambda: super(Racy, self).replace_user(old, new, actor=actor))

    def delete_user(self, user):
        self._race("delete_user", lambda: super(Racy, self).delete_user(user))

    def replace_app(self, old, new):
        self._race("replace_app", lambda: super(Racy, self).replace_app(old, new))

    def delete_app(self, app):
        self._race("delete_app", lambda: super(Racy, self).delete_app(app))

    def replace_authorization(self, old, new):
        self._race("replace_authorization", lambda: super(Racy, self).replace_authorization(old, new))

    # Another writer's changes, straight to the stored records.

    def meanwhile_user(self, login: str, **changes) -> None:
        old = self.users[login]
        InMemoryStore.replace_user(self, old, old.model_copy(update={**changes, "revision": old.revision + 1}))

    def meanwhile_app(self, client_id: str, **changes) -> None:
        old = self.apps[client_id]
        InMemoryStore.replace_app(self, old, old.model_copy(update={**changes, "revision": old.revision + 1}))


@pytest.fixture
def store() -> Racy:
    return Racy()


@pytest.fixture
def uc(store: Racy) -> UseCases:
    use_cases = UseCases.build(store, Settings(totp_key_b64=base64.b64encode(b"k" * 32).decode()))
    admin.create_user(store, "boss", PASSWORD, site_admin=True)
    admin.create_user(store, "chief", PASSWORD, site_admin=True)
    admin.create_user(store, "monalisa", PASSWORD)
    admin.create_app(store, "app", "https://app.example", client_id=CLIENT_ID, client_secret=SECRET)
    return use_cases


def app_token(uc: UseCases, user: str = "monalisa") -> str:
    caller = uc.login.authenticate(Basic(user, PASSWORD), None, client_id=CLIENT_ID)
    return uc.authorizations.get_or_create(caller, GetOrCreateBody(client_secret=SECRET)).token


def boss(uc: UseCases):
    return uc.admin.users.find("boss")


# --- users ------------------------------------------------------------------------------------------


def test_a_user_changed_meanwhile_is_changed_again_on_top(uc, store):
    before = store.users["monalisa"]
    store.before["replace_user"] = lambda: store.meanwhile_user("monalisa", company="GitHub")
    renamed = uc.admin.users.rename(boss(uc), "monalisa", "mona")
    assert renamed == store.users["mona"]
    assert (renamed.login, renamed.company, renamed.revision) == ("mona", "GitHub", before.revision + 2)


def test_a_user_write_whose_answer_was_lost_is_not_applied_twice(uc, store):
    before = store.users["monalisa"]
    store.lost.add("replace_user")
    suspended = uc.admin.users.set_suspended(boss(uc), "monalisa", True)
    assert suspended == store.users["monalisa"] and suspended.revision == before.revision + 1


def test_a_user_stored_before_users_were_kept_by_id_is_found_by_login(uc, store):
    token = app_token(uc)
    legacy = store.users["monalisa"].id
    store.legacy_ids.add(legacy)
    assert uc.users.me(Bearer(token), None).user.login == "monalisa"

    def written_by_code_of_that_time() -> None:  # the user still has no id item afterwards
        store.meanwhile_user("monalisa", location="Paris")
        store.legacy_ids.add(legacy)

    store.before["replace_user"] = written_by_code_of_that_time
    changed = uc.admin.users.set_site_admin(boss(uc), "monalisa", True)
    assert (changed.site_admin, changed.location) == (True, "Paris") and changed == store.users["monalisa"]


@pytest.mark.parametrize("gone", ["marked", "deleted"])
def test_a_user_deleted_meanwhile_is_not_found(uc, store, gone):
    def delete() -> None:
        if gone == "marked":
            store.meanwhile_user("monalisa", deleted_at="2027-01-01T00:00:00Z")
        else:
            InMemoryStore.delete_user(store, store.users["monalisa"])

    store.before["replace_user"] = delete
    with pytest.raises(NotFound):
        uc.admin.users.rename(boss(uc), "monalisa", "mona")
    assert "mona" not in store.users


@pytest.mark.parametrize(
    "act",
    [
        lambda uc, actor: uc.admin.users.rename(actor, "monalisa", "mona"),
        lambda uc, actor: uc.admin.users.set_suspended(actor, "monalisa", True),
        lambda uc, actor: uc.admin.users.delete(actor, "monalisa"),
    ],
    ids=["rename", "suspend", "delete"],
)
def test_an_administrator_demoted_meanwhile_changes_nothing(uc, store, act):
    stale = boss(uc)
    uc.admin.users.set_site_admin(uc.admin.users.find("chief"), "boss", False)
    before = store.users["monalisa"]
    with pytest.raises(SiteAdminRequired):
        act(uc, stale)
    assert store.users["monalisa"] == before


def test_a_user_deletion_whose_answer_was_lost_still_deletes(uc, store):
    app_token(uc)
    store.lost.add("delete_user")
    assert uc.admin.users.delete(boss(uc), "monalisa") == 1
    assert "monalisa" not in store.users


def test_a_marked_user_changed_meanwhile_is_deleted_all_the_same(uc, store):
    store.before["delete_user"] = lambda: store.meanwhile_user("monalisa", bio="still here")
    assert uc.admin.users.delete(boss(uc), "monalisa") == 0
    assert "monalisa" not in store.users


# --- apps -------------------------------------------------------------------------------------------


def test_an_app_changed_meanwhile_is_changed_again_on_top(uc, store):
    before = store.apps[CLIENT_ID]
    uc.deps.clock = lambda: 1_900_000_000.0
    store.before["replace_app"] = lambda: store.meanwhile_app(CLIENT_ID, name="Renamed meanwhile")
    rotated = uc.admin.apps.rotate_secret(CLIENT_ID)
    app = store.apps[CLIENT_ID]
    assert rotated.app == app and app.name == "Renamed meanwhile"
    assert app.client_secret_hash == tokens.hash_secret(rotated.client_secret)
    assert app.revision == before.revision + 2 and app.updated_at == iso(uc.deps.now())


def test_an_app_write_whose_answer_was_lost_is_not_applied_twice(uc, store):
    before = store.apps[CLIENT_ID]
    store.lost.add("replace_app")
    app, _ = uc.admin.apps.update(CLIENT_ID, **admin.check_app_fields(name="Renamed"))
    assert app == store.apps[CLIENT_ID] and (app.name, app.revision) == ("Renamed", before.revision + 1)
    assert app.updated_at is not None and app.updated_at >= before.updated_at


@pytest.mark.parametrize("gone", ["marked", "deleted"])
def test_an_app_deleted_meanwhile_is_not_found(uc, store, gone):
    def delete() -> None:
        if gone == "marked":
            store.meanwhile_app(CLIENT_ID, deleted_at="2027-01-01T00:00:00Z")
        else:
            InMemoryStore.delete_app(store, store.apps[CLIENT_ID])

    store.before["replace_app"] = delete
    with pytest.raises(NotFound):
        uc.admin.apps.rotate_secret(CLIENT_ID)


def test_an_update_with_nothing_to_change_writes_nothing(uc, store):
    before = store.apps[CLIENT_ID]
    assert uc.admin.apps.update(CLIENT_ID) == (before, 0)
    assert store.apps[CLIENT_ID] == before


def test_refreshed_copies_keep_what_their_owners_changed_meanwhile(uc, store):
    token = app_token(uc)
    record = store.find_token(tokens.hash_token(token))
    caller = uc.login.authenticate(Basic("monalisa", PASSWORD), None)
    meanwhile: list = []
    store.before["replace_authorization"] = lambda: meanwhile.append(
        uc.authorizations.update(caller, record, UpdateBody(add_scopes=["gist"]))
    )
    _, refreshed = uc.admin.apps.update(CLIENT_ID, **admin.check_app_fields(name="Renamed"))
    [theirs] = meanwhile
    assert refreshed == 1 and theirs.scopes == ["gist"]
    assert store.get_authorization(record.id) == theirs.model_copy(
        update={"app_name": "Renamed", "revision": theirs.revision + 1}
    )


def test_a_refreshed_copy_changes_nothing_but_the_app_it_shows(uc, store):
    token = app_token(uc)
    record = store.find_token(tokens.hash_token(token))
    uc.admin.apps.update(CLIENT_ID, **admin.check_app_fields(name="Renamed", url="https://renamed.example"))
    copy = store.find_token(tokens.hash_token(token))
    expected = record.model_copy(
        update={"app_name": "Renamed", "app_url": "https://renamed.example", "revision": record.revision + 1}
    )
    assert copy == expected


def test_a_copy_deleted_meanwhile_is_left_alone(uc, store):
    token = app_token(uc)
    record = store.find_token(tokens.hash_token(token))
    store.before["replace_authorization"] = lambda: uc.authorizations.delete_records([record])
    assert uc.admin.apps.update(CLIENT_ID, **admin.check_app_fields(name="Renamed"))[1] == 1
    assert store.get_authorization(record.id) is None


def test_an_app_deletion_cut_short_stops_its_tokens_and_deleting_again_finishes(uc, store, monkeypatch):
    token = app_token(uc)

    def fail(_):
        raise Unavailable("cut")

    with monkeypatch.context() as patch:
        patch.setattr(uc.admin.apps.authorizations, "delete_records", fail)
        with pytest.raises(Unavailable):
            uc.admin.apps.delete(CLIENT_ID)
    marked = store.apps[CLIENT_ID]
    assert marked.deleted_at is not None
    assert store.find_token(tokens.hash_token(token)) is not None  # still stored, and dead
    with pytest.raises(BadCredentials):
        uc.users.me(Bearer(token), None)
    with pytest.raises(NotFound):
        uc.app_tokens.check(CLIENT_ID, AppCredentials(CLIENT_ID, SECRET), token)
    with pytest.raises(NotFound):
        uc.admin.apps.rotate_secret(CLIENT_ID)
    assert uc.admin.apps.delete(CLIENT_ID) == 1
    assert CLIENT_ID not in store.apps and store.find_token(tokens.hash_token(token)) is None


def test_an_app_deletion_whose_answer_was_lost_still_deletes(uc, store):
    app_token(uc)
    store.lost.add("delete_app")
    assert uc.admin.apps.delete(CLIENT_ID) == 1
    assert CLIENT_ID not in store.apps


def test_a_marked_app_changed_meanwhile_is_deleted_all_the_same(uc, store):
    store.before["delete_app"] = lambda: store.meanwhile_app(CLIENT_ID, url="https://elsewhere.example")
    assert uc.admin.apps.delete(CLIENT_ID) == 0
    assert CLIENT_ID not in store.apps


# --- what cannot be a key is not read ---------------------------------------------------------------


def test_a_name_that_cannot_be_a_key_is_not_found_without_a_read(uc, store):
    huge = "a" * 3000  # longer than DynamoDB's partition keys: the table would refuse the read
    with pytest.raises(NotFound):
        uc.admin.users.find(huge)
    with pytest.raises(NotFound):
        uc.admin.apps.find(huge)
    with pytest.raises(NotFound):
        uc.admin.users.rename(boss(uc), huge, "mona")

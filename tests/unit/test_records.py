"""Records and the pure rules that change them: issue, update (PATCH), reset."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from authorize.domain import authorizations as rules
from authorize.domain import tokens
from authorize.domain.exceptions import ValidationFailed
from authorize.domain.inputs import GetOrCreateBody, UpdateBody
from authorize.domain.records import PERSONAL_CLIENT_ID, AppRecord, AuthorizationRecord, UserRecord, expiry, iso

NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
USER = UserRecord(id=5, login="monalisa", password_hash="x", created_at="2020-01-01T00:00:00Z")
APP = AppRecord(
    client_id="abcde12345fghij67890", name="app", url="https://app.example", client_secret_hash="h", created_at="x"
)


def record(**changes: Any) -> AuthorizationRecord:
    values: dict[str, Any] = {
        "id": 1,
        "user_id": 5,
        "user_login": "monalisa",
        "client_id": "abcde12345fghij67890",
        "app_name": "app",
        "app_url": "https://app.example",
        "scopes": ["repo"],
        "hashed_token": "0" * 64,
        "token_last_eight": "abcdefgh",
        "created_at": "2020-01-01T00:00:00Z",
        "updated_at": "2020-01-01T00:00:00Z",
    }
    return AuthorizationRecord(**{**values, **changes})


def test_issue_an_app_token():
    issued = rules.issue(USER, APP, GetOrCreateBody(client_secret="s", scopes=["gist"], note="n"), NOW)
    rec = issued.authorization
    assert issued.created and issued.token.startswith("gho_") and tokens.has_valid_checksum(issued.token)
    assert rec.hashed_token == tokens.hash_token(issued.token) and rec.token_last_eight == issued.token[-8:]
    assert (rec.user_id, rec.user_login, rec.client_id, rec.app_name, rec.app_url) == (
        5,
        "monalisa",
        APP.client_id,
        "app",
        "https://app.example",
    )
    assert rec.created_at == rec.updated_at == "2030-01-02T03:04:05Z" and rec.expires_at is None
    assert rec.scopes == ["gist"] and rec.note == "n" and rec.revision == 0


def test_issue_a_personal_token_is_named_by_its_note():
    issued = rules.issue(USER, None, UpdateBody(note="my script"), NOW)
    assert issued.token.startswith("ghp_")
    assert issued.authorization.client_id == PERSONAL_CLIENT_ID and issued.authorization.app_name == "my script"


def test_an_app_with_a_token_lifetime_issues_expiring_tokens():
    issued = rules.issue(USER, APP.model_copy(update={"token_lifetime": 60}), GetOrCreateBody(client_secret="s"), NOW)
    assert issued.authorization.expires_at == "2030-01-02T03:05:05Z"


def test_update_bumps_the_revision_and_stamps_it():
    current = record(revision=3)
    updated = rules.apply_update(current, UpdateBody(note="n"), NOW)
    assert updated.revision == 4 and updated.updated_at == "2030-01-02T03:04:05Z" and updated.note == "n"
    assert updated.created_at == current.created_at and updated.hashed_token == current.hashed_token


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"scopes": ["gist"]}, ["gist"]),
        ({"add_scopes": ["gist", "repo:status"]}, ["repo", "gist"]),
        ({"remove_scopes": ["repo"]}, []),
        ({"note": "only the note"}, ["repo"]),
    ],
)
def test_update_scopes(change, expected):
    assert rules.apply_update(record(), UpdateBody(**change), NOW).scopes == expected


def test_update_sets_only_what_was_sent():
    current = record(note="old", note_url="https://x", fingerprint="fp")
    assert rules.apply_update(current, UpdateBody(note=None), NOW).note_url == "https://x"
    cleared = rules.apply_update(current, UpdateBody(note=None, fingerprint=None), NOW)
    assert (cleared.note, cleared.note_url, cleared.fingerprint) == (None, "https://x", None)


def test_a_personal_token_keeps_its_note_and_its_app_follows_it():
    personal = record(client_id=PERSONAL_CLIENT_ID, note="old", app_name="old")
    renamed = rules.apply_update(personal, UpdateBody(note="new"), NOW)
    assert renamed.app_name == "new" and renamed.note == "new"
    with pytest.raises(ValidationFailed) as exc:
        rules.apply_update(personal, UpdateBody(note=""), NOW)
    assert [(f.field, f.code) for f in exc.value.fields] == [("description", "missing_field")]


def test_reset_issues_a_new_token_with_a_full_lifetime():
    current = record(revision=2, expires_at="2030-01-01T00:00:00Z")
    issued = rules.reset(current, APP.model_copy(update={"token_lifetime": 3600}), NOW)
    new = issued.authorization
    assert issued.token.startswith("gho_") and new.hashed_token == tokens.hash_token(issued.token)
    assert new.hashed_token != current.hashed_token and new.token_last_eight == issued.token[-8:]
    assert new.id == current.id and new.revision == 3 and new.expires_at == "2030-01-02T04:04:05Z"


def test_expiry():
    rec = record(expires_at="2030-01-02T03:04:05Z")
    assert rec.expires_epoch() == int(NOW.timestamp())
    assert not rec.expired(NOW.timestamp() - 1) and rec.expired(NOW.timestamp())
    assert not record().expired(NOW.timestamp())


def test_update_sets_and_clears_the_note_url():
    current = record(note_url="https://old.example")
    assert (
        rules.apply_update(current, UpdateBody(note_url="https://new.example"), NOW).note_url == "https://new.example"
    )
    assert rules.apply_update(current, UpdateBody(note_url=None), NOW).note_url is None


def test_a_personal_token_patched_without_a_note_keeps_it():
    personal = record(client_id=PERSONAL_CLIENT_ID, note="my script", app_name="my script")
    patched = rules.apply_update(personal, UpdateBody(scopes=["gist"]), NOW)
    assert (patched.note, patched.app_name, patched.scopes) == ("my script", "my script", ["gist"])


def test_issue_keeps_every_field_of_the_request():
    fields = GetOrCreateBody(client_secret="s", note="n", note_url="https://n.example", fingerprint="fp")
    rec = rules.issue(USER, APP, fields, NOW).authorization
    assert (rec.note, rec.note_url, rec.fingerprint) == ("n", "https://n.example", "fp")


@pytest.fixture
def time_zone(monkeypatch):
    """Sets the process's local time zone; the one it had comes back afterwards."""

    def set_zone(zone: str) -> None:
        monkeypatch.setenv("TZ", zone)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


def test_expiry_does_not_depend_on_the_servers_time_zone(time_zone):
    rec = record(expires_at="2030-01-02T03:04:05Z")
    for zone in ("UTC0", "EST5EDT,M3.2.0,M11.1.0", "IST-5:30"):  # POSIX forms: no tz database needed
        time_zone(zone)
        assert rec.expires_epoch() == int(NOW.timestamp()) == 1893553445
        assert rec.expired(1893553445) and not rec.expired(1893553444)
        assert iso(NOW) == "2030-01-02T03:04:05Z" and iso(NOW.astimezone()) == "2030-01-02T03:04:05Z"
        assert expiry(NOW, 86400) == "2030-01-03T03:04:05Z" and expiry(NOW, None) is None

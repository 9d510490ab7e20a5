"""The site-administrator API's edge: its request bodies (JSON objects checked by the admin input models)
and its answers: the profile a site administrator sets, as GitHub's user object shows it, and GHES's
answer to a rename."""

from __future__ import annotations

import pytest
from authorize.domain.admin_inputs import ApiNewUser, NewLogin, Suspension
from authorize.domain.exceptions import ValidationFailed
from authorize.domain.records import PROFILE_FIELDS, UserRecord
from authorize.github.bodies import BodyNotObject, ProblemsParsingJson, admin_body
from authorize.github.views import private_user_view, rename_view, simple_user_view

from tests.support import PROFILE

BASE = "https://ghe.example/api/v3"


def record(**fields) -> UserRecord:
    return UserRecord(
        id=42, login="mona", password_hash=None, totp_secret=None, created_at="2026-01-02T03:04:05Z", **fields
    )


# --- bodies -----------------------------------------------------------------------------------------


def test_an_admin_body_is_a_json_object_read_as_its_model():
    body = admin_body(ApiNewUser, b'{"login": "octo_cat", "email": "o@example.com", "extra": 1}')
    assert (body.login, body.email) == ("octo-cat", "o@example.com")
    assert admin_body(NewLogin, '{"login": "hubot"}').login == "hubot"


def test_an_empty_admin_body_is_an_empty_object():
    assert admin_body(Suspension, None).reason is None
    assert admin_body(Suspension, b"  ").reason is None
    with pytest.raises(ValidationFailed) as exc:
        admin_body(NewLogin, "")
    assert [(f.field, f.code) for f in exc.value.fields] == [("login", "missing_field")]


def test_an_admin_body_that_is_no_json_object_is_refused():
    with pytest.raises(ProblemsParsingJson):
        admin_body(NewLogin, b'{"login": ')
    with pytest.raises(BodyNotObject):
        admin_body(NewLogin, b'["login"]')
    with pytest.raises(ValidationFailed):
        admin_body(ApiNewUser, b'{"login": "mona"}')


# --- answers ----------------------------------------------------------------------------------------


def test_the_user_object_is_the_simple_user_with_profile_and_timestamps():
    user = record(
        site_admin=True,
        **PROFILE,
        updated_at="2026-02-03T04:05:06Z",
        suspended_at="2026-03-04T05:06:07Z",
    )
    view = private_user_view(user, BASE)
    assert {k: view[k] for k in simple_user_view(user, BASE)} == simple_user_view(user, BASE)
    assert view["login"] == "mona" and view["site_admin"] is True and view["url"] == f"{BASE}/users/mona"
    assert {name: view[name] for name in PROFILE_FIELDS} == {name: getattr(user, name) for name in PROFILE_FIELDS}
    assert (view["created_at"], view["updated_at"]) == ("2026-01-02T03:04:05Z", "2026-02-03T04:05:06Z")


def test_unset_profile_fields_are_null_and_an_unstamped_user_was_updated_when_created():
    view = private_user_view(record(), BASE)
    assert all(view[name] is None for name in PROFILE_FIELDS if name != "blog") and view["blog"] == ""
    assert view["updated_at"] == view["created_at"] == "2026-01-02T03:04:05Z"


def test_a_rename_answers_ghes_job_message_and_the_user_by_id():
    assert rename_view(record(), BASE) == {
        "message": "Job queued to rename user. It may take a few minutes to complete.",
        "url": f"{BASE}/user/42",
    }

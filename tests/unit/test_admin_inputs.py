"""The site-administrator inputs' rules (domain/admin_inputs.py), field by field: what an email address,
a profile text and a login must be, and how refusals are reported (GitHub's field errors, resource
``User``, ``missing_field`` for an absent required key, one error a field)."""

from __future__ import annotations

import pytest
from authorize.domain.admin_inputs import ApiNewUser, ImpersonationScopes, NewUser, Profile, validated
from authorize.domain.exceptions import ValidationFailed


def errors(model, payload) -> list[tuple[str, str, str | None]]:
    with pytest.raises(ValidationFailed) as exc:
        validated(model, payload)
    return [(f.field, f.code, f.resource) for f in exc.value.fields]


# --- email ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "mona@example.com",
        "first.last+tag@mail.example.co.uk",
        "ops@X.org",  # the domain's labels may be any letters, X included
        '"mona@home"@example.com',  # the domain is what follows the last "@"
    ],
)
def test_addresses_are_accepted(email):
    assert validated(Profile, {"email": email}).email == email


@pytest.mark.parametrize(
    "email",
    [
        "mona.example.com",  # no "@"
        "@example.com",  # no local part
        "mona@localhost",  # a domain without a dot
        "mona@example.",  # ... or whose only dot is at an end
        "mona@.example",
        "mona@example.com@intranet",  # the domain, after the last "@", has no dot
        "mona lisa@example.com",  # whitespace
        "mona@example.com\t",
        "mo\x01na@example.com",  # a control character
    ],
)
def test_non_addresses_are_refused(email):
    assert errors(Profile, {"email": email}) == [("email", "invalid", "User")]


# --- profile text -----------------------------------------------------------------------------------


def test_profile_text_may_hold_spaces_and_any_printable_character():
    profile = validated(Profile, {"name": "Mona Lisa Octocat", "company": "GitHub, Inc. ~ é 漢"})
    assert (profile.name, profile.company) == ("Mona Lisa Octocat", "GitHub, Inc. ~ é 漢")


@pytest.mark.parametrize("char", ["\x00", "\x1f", "\n", "\x7f"])
def test_profile_text_refuses_control_characters(char):
    assert errors(Profile, {"location": f"San{char}Francisco"}) == [("location", "invalid", "User")]


# --- login ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "login"),
    [("octo_cat", "octo-cat"), ("__X-men__", "X-men"), ("Xavier", "Xavier"), ("a..b", "a-b")],
)
def test_logins_are_normalized_as_ghes_does(given, login):
    assert validated(NewUser, {"login": given}).login == login


# --- how refusals are reported ----------------------------------------------------------------------


def test_an_absent_required_field_is_missing_field_and_a_bad_one_invalid():
    assert errors(NewUser, {}) == [("login", "missing_field", "User")]
    assert errors(ApiNewUser, {"login": "mona"}) == [("email", "missing_field", "User")]
    assert errors(NewUser, {"login": None}) == [("login", "invalid", "User")]


def test_every_bad_field_is_reported_once():
    assert sorted(errors(NewUser, {"login": "---", "email": "nope", "hireable": "yes"})) == [
        ("email", "invalid", "User"),
        ("hireable", "invalid", "User"),
        ("login", "invalid", "User"),
    ]
    assert errors(ImpersonationScopes, {"scopes": [1, 2, 3]}) == [("scopes", "invalid", "User")]

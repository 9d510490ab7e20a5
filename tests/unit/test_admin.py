"""Administrative operations: users and OAuth apps as the admin CLI creates them, and what it refuses."""

from __future__ import annotations

import re

import pyotp
import pytest
from authorize.domain import passwords, tokens
from authorize.domain.exceptions import ValidationFailed
from authorize.ports import AlreadyExists
from authorize.usecases import admin
from authorize.usecases.admin import AdminError

from tests.fakes import InMemoryStore
from tests.support import CHEAP_HASHER, SEALER

PW = "password"  # GitHub's minimum length


def test_a_user():
    store = InMemoryStore()
    assert admin.create_user(store, "monalisa", PW) == {"id": 1, "login": "monalisa"}
    assert admin.create_user(store, "octo-cat", PW) == {"id": 2, "login": "octo-cat"}
    user = store.users["monalisa"]
    assert (user.id, user.login, user.totp_secret) == (1, "monalisa", None)
    assert passwords.PasswordVerifier(0, CHEAP_HASHER).verify(user.password_hash, PW)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", user.created_at)


def test_a_two_factor_user_gets_a_sealed_secret_once():
    store = InMemoryStore()
    out = admin.create_user(store, "hubot", PW, with_totp=True, sealer=SEALER)
    secret = out["totp_secret"]
    assert set(out) == {"id", "login", "totp_secret"} and len(pyotp.TOTP(secret).now()) == 6
    sealed = store.users["hubot"].totp_secret
    assert sealed and secret not in sealed and SEALER.unseal(sealed, out["id"]) == secret
    with pytest.raises(AdminError):
        admin.create_user(store, "hubot2", PW, with_totp=True)  # no key to seal it with


@pytest.mark.parametrize("login", ["a", "A1", "a-b", "a-b-c", "x" * 39])
def test_githubs_login_rule_admits(login):
    assert admin.create_user(InMemoryStore(), login, PW)["login"] == login


@pytest.mark.parametrize(
    ("login", "normalized"),
    [("-a", "a"), ("a-", "a"), ("a--b", "a-b"), ("a_b", "a-b"), ("a.b", "a-b"), ("a b", "a-b"), ("ä1", "1")],
)
def test_other_characters_become_single_hyphens_as_on_ghes(login, normalized):
    assert admin.create_user(InMemoryStore(), login, PW)["login"] == normalized


@pytest.mark.parametrize("login", ["", "-", "__", "x" * 40, "ä", "a" * 20 + "_" + "b" * 19])
def test_githubs_login_rule_refuses(login):
    with pytest.raises(ValidationFailed) as exc:
        admin.create_user(InMemoryStore(), login, PW)
    assert [(f.field, f.code) for f in exc.value.fields] == [("login", "invalid")]


def test_passwords_are_8_to_1024_characters():
    store = InMemoryStore()
    assert admin.create_user(store, "long", "p" * 1024)
    assert admin.create_user(store, "short", "p" * 8)
    for password in ("", "p" * 7, "p" * 1025):
        with pytest.raises(ValidationFailed) as exc:
            admin.create_user(store, "other", password)
        assert [(f.field, f.code) for f in exc.value.fields] == [("password", "invalid")]
    assert "other" not in store.users


def test_a_login_is_taken_whatever_its_case():
    store = InMemoryStore()
    admin.create_user(store, "monalisa", PW)
    with pytest.raises(AlreadyExists):
        admin.create_user(store, "MonaLisa", PW)


def test_an_app_with_generated_credentials():
    store = InMemoryStore()
    out = admin.create_app(store, "  my app  ", "https://app.example")
    assert set(out) == {"client_id", "client_secret", "name", "url"}
    assert re.fullmatch(r"[0-9a-f]{20}", out["client_id"]) and re.fullmatch(r"[0-9a-f]{40}", out["client_secret"])
    assert out["name"] == "my app" and out["url"] == "https://app.example"
    app = store.apps[out["client_id"]]
    assert (app.name, app.url, app.token_lifetime) == ("my app", "https://app.example", None)
    assert tokens.secret_matches(out["client_secret"], app.client_secret_hash)
    assert out["client_secret"] not in app.model_dump_json()


def test_an_app_with_given_credentials_and_a_token_lifetime():
    store = InMemoryStore()
    out = admin.create_app(
        store, "app", "http://app.example/cb", client_id="A" * 20, client_secret="s" * 20, token_lifetime=60
    )
    assert out == {
        "client_id": "A" * 20,
        "client_secret": "s" * 20,
        "name": "app",
        "url": "http://app.example/cb",
        "token_lifetime": 60,
    }
    assert store.apps["A" * 20].token_lifetime == 60
    longest_url = "https://x.example/" + "x" * (1024 - len("https://x.example/"))
    assert admin.create_app(store, "n" * 255, longest_url, token_lifetime=10 * 365 * 86400)
    with pytest.raises(AlreadyExists):
        admin.create_app(store, "again", "https://x.example", client_id="A" * 20)


@pytest.mark.parametrize(
    "change",
    [
        {"name": ""},
        {"name": "   "},
        {"name": "n" * 256},
        {"client_id": "A" * 19},
        {"client_id": "A" * 21},
        {"client_id": "A" * 19 + "-"},
        {"client_secret": "s" * 19},
        {"token_lifetime": 59},
        {"token_lifetime": 10 * 365 * 86400 + 1},
        {"token_lifetime": 0},
        {"url": "ftp://app.example"},
        {"url": "https://"},
        {"url": "app.example"},
        {"url": "https://app.example/" + "x" * 1010},
    ],
)
def test_what_an_app_cannot_be(change):
    values = {"name": "app", "url": "https://app.example", **change}
    store = InMemoryStore()
    with pytest.raises(AdminError):
        admin.create_app(store, **values)
    assert store.apps == {}


def test_a_user_without_two_factor_gets_no_secret_even_with_a_sealer():
    store = InMemoryStore()
    assert admin.create_user(store, "plain", PW, sealer=SEALER) == {"id": 1, "login": "plain"}
    assert store.users["plain"].totp_secret is None


def test_an_app_url_is_at_most_1024_characters():
    url = "https://app.example/" + "x" * (1025 - len("https://app.example/"))
    with pytest.raises(AdminError):
        admin.create_app(InMemoryStore(), "app", url)
    assert admin.create_app(InMemoryStore(), "app", url[:-1])["url"] == url[:-1]

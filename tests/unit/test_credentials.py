"""Reading the Authorization header (RFC 7617 Basic, GitHub's token schemes) and app credentials."""

from __future__ import annotations

import base64

import pytest
from authorize.domain.credentials import AppCredentials, Basic, Bearer, Malformed
from authorize.domain.exceptions import AuthenticationRequired
from authorize.github.credentials import MAX_LOGIN, app_credentials, parse_authorization


def basic(user_pass: str | bytes) -> str:
    raw = user_pass.encode() if isinstance(user_pass, str) else user_pass
    return "Basic " + base64.b64encode(raw).decode()


@pytest.mark.parametrize("header", [None, "", "Digest abc", "Negotiate xyz", "Basicdxnlcjpwdw=="])
def test_absent_or_unknown_schemes_are_no_credentials(header):
    assert parse_authorization(header) is None


@pytest.mark.parametrize(
    "header", ["token gho_abc", "Bearer gho_abc", "TOKEN gho_abc", "bearer gho_abc", "  token   gho_abc  "]
)
def test_token_schemes_are_bearer_whatever_their_case_and_spacing(header):
    assert parse_authorization(header) == Bearer("gho_abc")


def test_basic_is_read_whatever_the_scheme_case():
    for scheme in ("Basic", "basic", "BASIC"):
        assert parse_authorization(scheme + basic("monalisa:pw")[5:]) == Basic("monalisa", "pw")


def test_the_password_is_everything_after_the_first_colon():
    # RFC 7617: a user-id cannot contain ":", a password can.
    assert parse_authorization(basic("monalisa:pa:ss:word")) == Basic("monalisa", "pa:ss:word")
    assert parse_authorization(basic("monalisa:")) == Basic("monalisa", "")
    assert parse_authorization(basic("monalisa::")) == Basic("monalisa", ":")


def test_utf8_credentials():
    assert parse_authorization(basic("mönälisa:pässwörd")) == Basic("mönälisa", "pässwörd")


@pytest.mark.parametrize(
    "header",
    [
        basic("nocolon"),
        basic(":password-only"),
        basic(b"\xff\xfe:password"),  # not UTF-8
        "Basic !!!",
        "Basic bW9uYWxpc2E6cHc",  # "monalisa:pw" without its padding
        "Basic bW9uYWxp*c2E6cHc=",  # ... with a character from outside the alphabet inside
        "Basic bW9uYWxp c2E6cHc=",
    ],
)
def test_broken_basic_is_malformed(header):
    assert parse_authorization(header) == Malformed()


def test_a_login_longer_than_any_github_login_is_malformed():
    assert parse_authorization(basic("a" * MAX_LOGIN + ":pw")) == Basic("a" * MAX_LOGIN, "pw")
    assert parse_authorization(basic("a" * (MAX_LOGIN + 1) + ":pw")) == Malformed()


def test_secrets_stay_out_of_reprs():
    assert "hunter2" not in repr(parse_authorization(basic("monalisa:hunter2")))
    assert "gho_secret" not in repr(parse_authorization("token gho_secret"))
    assert "s3cret" not in repr(AppCredentials("abc", "s3cret"))


def test_app_credentials_from_basic():
    assert app_credentials(Basic("client", "secret"), {}) == AppCredentials("client", "secret")
    # Basic wins over query parameters.
    query = {"client_id": "q", "client_secret": "qs"}
    assert app_credentials(Basic("client", "secret"), query) == AppCredentials("client", "secret")


def test_app_credentials_from_the_query_parameters_github_accepted_until_2021():
    query = {"client_id": "client", "client_secret": "secret"}
    assert app_credentials(None, query) == AppCredentials("client", "secret")
    assert app_credentials(Bearer("gho_x"), query) == AppCredentials("client", "secret")


@pytest.mark.parametrize(
    ("credentials", "query"),
    [
        (None, {}),
        (None, {"client_id": "client"}),
        (None, {"client_secret": "secret"}),
        (None, {"client_id": "", "client_secret": "secret"}),
        (None, {"client_id": "client", "client_secret": ""}),
        (Bearer("gho_x"), {}),
        (Malformed(), {}),
    ],
)
def test_no_app_credentials_is_authentication_required(credentials, query):
    with pytest.raises(AuthenticationRequired):
        app_credentials(credentials, query)

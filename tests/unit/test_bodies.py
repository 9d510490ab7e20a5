import json

import pytest
from authorize.github import bodies

from tests.edge import Answered as ApiError
from tests.edge import answered

DOCS = "https://example.test/docs"
SECRET = "abcd" * 10


def parse(payload, client_id="abcde12345fghij67890", fingerprint=None):
    return answered(lambda: bodies.get_or_create_body(json.dumps(payload), client_id, fingerprint), DOCS)


def errors_of(exc: ApiError):
    return [(e["field"], e["code"]) for e in exc.errors or []]


@pytest.mark.parametrize("raw", ["{not json", "{'a': 1}", '{"a": }', b"\xff\xfe\x00", "[", "NaN-"])
def test_invalid_json_is_400(raw):
    with pytest.raises(ApiError) as exc:
        answered(lambda: bodies.parse_json_object(raw))
    assert (exc.value.status, exc.value.message) == (400, "Problems parsing JSON")


@pytest.mark.parametrize("raw", ["[]", "1", '"text"', "null", "true"])
def test_non_object_is_400(raw):
    with pytest.raises(ApiError) as exc:
        answered(lambda: bodies.parse_json_object(raw))
    assert (exc.value.status, exc.value.message) == (400, "Body should be a JSON object")


@pytest.mark.parametrize("raw", [None, "", "  \r\n", b""])
def test_empty_body_is_empty_object(raw):
    assert bodies.parse_json_object(raw) == {}


def test_deeply_nested_json_is_a_400_not_a_crash():
    with pytest.raises(ApiError) as exc:
        answered(lambda: bodies.parse_json_object("[" * 100_000 + "]" * 100_000))
    assert exc.value.status == 400


def test_utf8_bom_is_accepted():
    assert bodies.parse_json_object("\ufeff{}".encode()) == {}


def test_valid_body_normalises():
    body = parse({"client_secret": SECRET, "scopes": ["user", "gist", "user:email"], "note": "n", "extra": 1})
    assert body.scopes == ["user", "gist"]
    assert body.note == "n" and body.fingerprint is None and body.note_url is None


@pytest.mark.parametrize("payload", [{}, {"client_secret": None}, {"client_secret": 5}, {"client_secret": ["x"]}])
def test_client_secret_missing_or_wrong_type_is_missing_field(payload):
    with pytest.raises(ApiError) as exc:
        parse(payload)
    assert exc.value.status == 422 and exc.value.message == "Validation Failed"
    assert errors_of(exc.value) == [("client_secret", "missing_field")]
    assert exc.value.errors[0]["resource"] == "OauthAccess"
    assert exc.value.documentation_url == DOCS


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("scopes", "repo"),
        ("scopes", ["repo", 1]),
        ("scopes", ["site_admin"]),
        ("scopes", ["nope"]),
        ("note", 12),
        ("note", "x" * 1025),
        ("note_url", "not a url"),
        ("note_url", "javascript:alert(1)"),
        ("note_url", "JavaScript://%0aalert(1)"),
        ("note_url", "data:text/html,hi"),
        ("note_url", "ftp://files.example/x"),
        ("note_url", "https:///no-host"),
        ("note_url", ["http://x"]),
        ("fingerprint", 7),
        ("fingerprint", "f" * 256),
    ],
)
def test_ill_typed_fields_are_invalid(field, value):
    with pytest.raises(ApiError) as exc:
        parse({"client_secret": SECRET, field: value})
    assert exc.value.status == 422
    assert errors_of(exc.value) == [(field, "invalid")]


@pytest.mark.parametrize("url", ["https://example.com/deploy", "http://127.0.0.1:8080/x?y=1#z", "HTTPS://EXAMPLE.COM"])
def test_web_note_urls_are_accepted(url):
    assert parse({"client_secret": SECRET, "note_url": url}).note_url == url


def test_nulls_and_empty_values_are_accepted():
    body = parse({"client_secret": SECRET, "scopes": None, "note": None, "note_url": "", "fingerprint": ""})
    assert body.scopes == [] and body.note_url == "" and body.fingerprint is None


def test_client_id_in_body_must_match_path():
    assert parse({"client_secret": SECRET, "client_id": "abcde12345fghij67890"})
    with pytest.raises(ApiError) as exc:
        parse({"client_secret": SECRET, "client_id": "other"})
    assert errors_of(exc.value) == [("client_id", "invalid")]


def test_path_fingerprint_wins_over_body():
    body = parse({"client_secret": SECRET, "fingerprint": "from-body"}, fingerprint="from-path")
    assert body.fingerprint == "from-path"

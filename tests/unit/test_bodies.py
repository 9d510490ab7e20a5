import json

import pytest
from authorize.domain import authorizations as rules
from authorize.github import bodies

from tests.edge import Answered as ApiError
from tests.edge import answered
from tests.unit.test_records import NOW, record

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


# A lone surrogate is refused however it arrives; text that only looks like an escape is accepted.
@pytest.mark.parametrize("raw", ['{"note": "\\ud800"}', '{"note": "x\\uDBFF"}', '{"note": "\ud800"}'])
def test_a_lone_surrogate_is_problems_parsing_json(raw):
    with pytest.raises(ApiError) as exc:
        answered(lambda: bodies.parse_json_object(raw))
    assert exc.value.message == "Problems parsing JSON"


@pytest.mark.parametrize(
    ("raw", "note"),
    [('{"note": "\\\\ud800"}', "\\ud800"), ('{"note": "\\u00e9t\\u00e9"}', "été"), ('{"note": "été"}', "été")],
)
def test_escapes_and_non_ascii_text_are_accepted(raw, note):
    assert bodies.parse_json_object(raw) == {"note": note}


def test_a_json_body_is_parsed_once_for_the_peek_and_the_validation(monkeypatch):
    calls = []
    real = bodies.parse_json_object
    monkeypatch.setattr(bodies, "parse_json_object", lambda raw: calls.append(raw) or real(raw))
    raw = json.dumps({"client_secret": SECRET, "fingerprint": "laptop"})
    body = bodies.JsonBody(raw)
    assert bodies.peek_fingerprint(body, None) == "laptop"
    assert bodies.get_or_create_body(body, "abcde12345fghij67890", None).fingerprint == "laptop"
    assert calls == [raw]


def test_a_json_body_that_does_not_parse_raises_each_time_it_is_read():
    body = bodies.JsonBody("{not json")
    assert bodies.peek_client_id(body) is None
    for _ in range(2):
        with pytest.raises(ApiError) as exc:
            answered(lambda: bodies.create_body(body))
        assert exc.value.status == 400


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


def test_several_errors_on_one_field_are_one_error_and_fields_keep_their_order():
    with pytest.raises(ApiError) as exc:
        parse({"client_secret": SECRET, "scopes": [1, "nope", 2], "note": 5, "fingerprint": ["x"]})
    assert errors_of(exc.value) == [("scopes", "invalid"), ("note", "invalid"), ("fingerprint", "invalid")]
    assert all(e["resource"] == "OauthAccess" and "message" not in e for e in exc.value.errors)


def test_a_missing_secret_and_a_bad_field_are_both_reported():
    with pytest.raises(ApiError) as exc:
        parse({"scopes": ["nope"]})
    assert errors_of(exc.value) == [("scopes", "invalid"), ("client_secret", "missing_field")]


def test_an_empty_path_fingerprint_is_no_fingerprint():
    assert parse({"client_secret": SECRET, "fingerprint": "body"}, fingerprint="").fingerprint is None
    with pytest.raises(ApiError) as exc:
        parse({"client_secret": SECRET}, fingerprint="f" * 256)
    assert errors_of(exc.value) == [("fingerprint", "invalid")]
    assert parse({"client_secret": SECRET}, fingerprint="f" * 255).fingerprint == "f" * 255


def create(payload):
    return answered(lambda: bodies.create_body(json.dumps(payload)), DOCS)


@pytest.mark.parametrize("payload", [{}, {"note": None}, {"note": ""}, {"scopes": ["repo"]}])
def test_create_without_a_note_is_a_missing_description(payload):
    with pytest.raises(ApiError) as exc:
        create(payload)
    assert (exc.value.status, exc.value.message) == (422, "Validation Failed")
    assert errors_of(exc.value) == [("description", "missing_field")]
    assert exc.value.documentation_url == DOCS


@pytest.mark.parametrize("note", [5, ["n"], "x" * 1025])
def test_create_with_a_bad_note_is_an_invalid_description(note):
    with pytest.raises(ApiError) as exc:
        create({"note": note})
    assert errors_of(exc.value) == [("description", "invalid")]


def test_create_reports_other_fields_under_their_own_names():
    with pytest.raises(ApiError) as exc:
        create({"scopes": ["nope"], "client_id": 5})
    assert errors_of(exc.value) == [("scopes", "invalid"), ("description", "missing_field"), ("client_id", "invalid")]
    body = create({"note": "script", "scopes": ["user", "user:email"], "client_id": "c", "client_secret": "s"})
    assert (body.note, body.scopes, body.client_id, body.client_secret) == ("script", ["user"], "c", "s")


def update(payload):
    return answered(lambda: bodies.update_body(json.dumps(payload)), DOCS)


def test_update_without_scopes_leaves_them_alone():
    body = update({"note": "renamed"})
    assert body.scopes is None and body.add_scopes is None and body.remove_scopes is None
    patched = rules.apply_update(record(scopes=["repo"], note_url="https://x"), body, NOW)
    assert (patched.note, patched.scopes, patched.note_url) == ("renamed", ["repo"], "https://x")


def test_update_takes_one_scope_key():
    assert update({"scopes": ["user", "user:email"]}).scopes == ["user"]
    assert update({"scopes": []}).scopes == []
    added = update({"add_scopes": ["gist"], "scopes": None, "remove_scopes": None})
    assert (added.scopes, added.add_scopes, added.remove_scopes) == (None, ["gist"], None)
    removed = update({"remove_scopes": ["repo"]})
    assert (removed.scopes, removed.add_scopes, removed.remove_scopes) == (None, None, ["repo"])


@pytest.mark.parametrize(
    "payload",
    [
        {"scopes": ["repo"], "add_scopes": ["gist"]},
        {"scopes": [], "remove_scopes": ["gist"]},
        {"add_scopes": ["repo"], "remove_scopes": ["gist"]},
        {"scopes": [], "add_scopes": [], "remove_scopes": []},
    ],
)
def test_update_with_two_scope_keys_is_refused(payload):
    with pytest.raises(ApiError) as exc:
        update(payload)
    assert (exc.value.status, exc.value.message) == (422, "Validation Failed")
    assert exc.value.errors == [
        {
            "resource": "OauthAccess",
            "field": "scopes",
            "code": "custom",
            "message": "You can only send one of these scope keys at a time.",
        }
    ]


@pytest.mark.parametrize(("field", "value"), [("add_scopes", ["nope"]), ("remove_scopes", ["site_admin"]), ("note", 1)])
def test_update_with_a_bad_field_is_invalid(field, value):
    with pytest.raises(ApiError) as exc:
        update({field: value})
    assert errors_of(exc.value) == [(field, "invalid")]


@pytest.mark.parametrize(
    "raw", [None, "", "{}", '{"access_token": null}', '{"access_token": ""}', '{"access_token": 5}']
)
def test_an_absent_or_non_string_access_token_is_a_missing_field(raw):
    with pytest.raises(ApiError) as exc:
        answered(lambda: bodies.access_token_body(raw), DOCS)
    assert (exc.value.status, exc.value.message) == (422, "Validation Failed")
    assert exc.value.errors == [{"resource": "OauthAccess", "field": "access_token", "code": "missing_field"}]


def test_the_access_token_is_read_as_sent():
    assert bodies.access_token_body('{"access_token": " gho_x ", "other": 1}') == " gho_x "


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"client_id": "abc", "note": "n"}', "abc"),
        ('{"client_id": 5}', None),
        ('{"note": "n"}', None),
        ("[1]", None),
        ("{oops", None),
        (None, None),
    ],
)
def test_peek_client_id(raw, expected):
    assert bodies.peek_client_id(raw) == expected


def test_lone_surrogates_are_not_text():
    # "\ud800" is valid JSON, but decodes to a lone surrogate, which nothing can store or echo.
    for raw in ['{"note": "\\ud800"}', '{"\\udfff": 1}', '{"scopes": ["\\ud83d"]}']:
        with pytest.raises(ApiError) as exc:
            answered(lambda raw=raw: bodies.parse_json_object(raw))
        assert (exc.value.status, exc.value.message) == (400, "Problems parsing JSON")
    assert bodies.parse_json_object('{"note": "\\ud83d\\ude00"}') == {"note": "\U0001f600"}  # a pair is fine


@pytest.mark.parametrize(
    ("raw", "path", "expected"),
    [
        ('{"fingerprint": "body"}', "path", "path"),  # the path wins
        ('{"fingerprint": "body"}', None, "body"),
        ('{"fingerprint": "body"}', "", None),  # "" is no fingerprint
        ('{"fingerprint": ""}', None, None),
        ('{"fingerprint": 5}', None, None),
        ("{oops", None, None),
        ("{oops", "path", "path"),
        (None, None, None),
    ],
)
def test_peek_fingerprint(raw, path, expected):
    assert bodies.peek_fingerprint(raw, path) == expected

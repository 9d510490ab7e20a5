"""GitHub's error answers (behaviour.md §4, §4.1): status, byte-exact message, documentation_url, headers."""

from __future__ import annotations

import pytest
from authorize.domain import exceptions as ex
from authorize.github import errors
from authorize.github.bodies import BodyNotObject, ProblemsParsingJson
from authorize.github.docs import (
    DOCS_2FA,
    DOCS_AUTHORIZATIONS,
    DOCS_CHECK,
    DOCS_GET_OR_CREATE,
    DOCS_UPDATE,
    DOCS_V3,
)
from authorize.github.errors import OperationDocs, server_error, to_github
from authorize.github.operations import OPERATION_DOCS, docs_for

OWN = OperationDocs(DOCS_GET_OR_CREATE)


@pytest.mark.parametrize(
    ("exc", "status", "message", "url"),
    [
        (ProblemsParsingJson(), 400, "Problems parsing JSON", DOCS_V3),
        (BodyNotObject(), 400, "Body should be a JSON object", DOCS_V3),
        (ex.AuthenticationRequired(), 401, "Requires authentication", DOCS_V3),
        (ex.BadCredentials(), 401, "Bad credentials", DOCS_V3),
        (ex.OtpRequired(), 401, "Must specify two-factor authentication OTP code.", DOCS_2FA),
        (ex.LockedOut(), 403, "Maximum number of login attempts exceeded. Please try again later.", DOCS_V3),
        (ex.PasswordRequired(), 403, "This API can only be accessed with username and password Basic Auth", DOCS_V3),
        (ex.NotFound(), 404, "Not Found", DOCS_GET_OR_CREATE),
        (ex.InvalidApplication(), 422, "Invalid Application client_id or secret.", DOCS_GET_OR_CREATE),
        (ex.Unavailable(), 503, "Service Unavailable. Please try again later.", DOCS_V3),
        (ex.CredentialsNotAccepted(), 403, "Forbidden", DOCS_GET_OR_CREATE),
    ],
)
def test_the_catalogue(exc, status, message, url):
    answer = to_github(exc, OWN)
    assert (answer.status, answer.body) == (status, {"message": message, "documentation_url": url})


def test_the_headers_clients_read():
    assert to_github(ex.OtpRequired(), OWN).headers == {"X-GitHub-OTP": "required; app"}
    assert to_github(ex.Unavailable(), OWN).headers == {"Retry-After": "1"}
    assert to_github(ex.BadCredentials(), OWN).headers == {}


def test_a_validation_failure_lists_its_fields_before_the_documentation_url():
    failure = ex.ValidationFailed(
        ex.FieldError("description", "already_exists"), ex.FieldError("scopes", "custom", "One key at a time.")
    )
    answer = to_github(failure, OWN)
    assert answer.status == 422
    assert answer.body == {
        "message": "Validation Failed",
        "errors": [
            {"resource": "OauthAccess", "field": "description", "code": "already_exists"},
            {"resource": "OauthAccess", "field": "scopes", "code": "custom", "message": "One key at a time."},
        ],
        "documentation_url": DOCS_GET_OR_CREATE,
    }
    assert list(answer.body) == ["message", "errors", "documentation_url"]


def test_a_404_may_point_at_another_page_than_the_operations():
    patch = OperationDocs(DOCS_UPDATE, not_found=DOCS_AUTHORIZATIONS)
    assert to_github(ex.NotFound(), patch).body["documentation_url"] == DOCS_AUTHORIZATIONS
    assert to_github(ex.ValidationFailed(), patch).body["documentation_url"] == DOCS_UPDATE
    assert to_github(ex.BadCredentials(), patch).body["documentation_url"] == DOCS_V3


def test_without_an_operation_answers_point_at_the_v3_docs():
    assert to_github(ex.NotFound()).body["documentation_url"] == DOCS_V3
    assert to_github(ex.InvalidApplication()).body["documentation_url"] == DOCS_V3


def test_subclasses_get_their_nearest_listed_answer_and_others_none():
    class Gone(ex.NotFound):
        pass

    class Odd(ex.DomainError):
        pass

    assert to_github(Gone(), OWN).status == 404
    assert errors.answer_for(Odd()) is None and errors.answer_for(ValueError()) is None
    with pytest.raises(LookupError):
        to_github(Odd(), OWN)
    assert all(issubclass(e, errors.ANSWERED) for e in errors.ANSWERS)


def test_a_server_error():
    answer = server_error()
    assert (answer.status, answer.body, answer.headers) == (
        500,
        {"message": "Server Error", "documentation_url": DOCS_V3},
        {},
    )


def test_each_operation_has_its_page():
    assert docs_for("PUT", "/authorizations/clients/{client_id}") == OperationDocs(DOCS_GET_OR_CREATE)
    assert docs_for("post", "/applications/{client_id}/token") == OperationDocs(DOCS_CHECK)
    assert docs_for("PATCH", "/authorizations/{authorization_id}").not_found == DOCS_AUTHORIZATIONS
    assert docs_for("GET", "/nowhere") == OperationDocs() == OperationDocs(DOCS_V3, None)
    assert all(method == method.upper() for method, _ in OPERATION_DOCS)


def test_a_refused_request_gives_its_reason_as_githubs_simple_validation_error():
    answer = to_github(ex.RequestRefused("credentials must be a list"), OWN)
    assert (answer.status, answer.body) == (
        422,
        {
            "message": "Validation Failed",
            "errors": ["credentials must be a list"],
            "documentation_url": DOCS_GET_OR_CREATE,
        },
    )

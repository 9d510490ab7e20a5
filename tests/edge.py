"""The GitHub edge for tests that call use cases directly: what a client would see of an exception."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from authorize.composition import UseCases
from authorize.domain.authorizations import Issued
from authorize.github import bodies
from authorize.github.credentials import parse_authorization
from authorize.github.errors import ANSWERED, OperationDocs, to_github
from authorize.github.paths import parse_id

T = TypeVar("T")


class Answered(Exception):
    """GitHub's answer to a refused call: status, message, field errors, documentation URL, headers."""

    def __init__(self, exc: Exception, docs: OperationDocs) -> None:
        answer = to_github(exc, docs)
        super().__init__(f"{answer.status} {answer.body['message']}")
        self.status = answer.status
        self.message: str = answer.body["message"]
        self.errors: list[dict[str, Any]] | None = answer.body.get("errors")
        self.documentation_url: str = answer.body["documentation_url"]
        self.headers = answer.headers


def answered(fn: Callable[[], T], docs: str = "https://developer.github.com/v3") -> T:
    try:
        return fn()
    except ANSWERED as exc:
        raise Answered(exc, OperationDocs(docs)) from exc


class Api:
    """The routes' sequence (authenticate, read the body, call the use case) with raw header values."""

    def __init__(self, use_cases: UseCases) -> None:
        self.uc = use_cases

    def _caller(self, authorization: str | None, otp: str | None, **names: Any) -> Any:
        return self.uc.login.authenticate(parse_authorization(authorization), otp, **names)

    def get_or_create(
        self, authorization: str | None, otp: str | None, client_id: str, fingerprint: str | None, body: Any
    ) -> Issued:
        def call() -> Issued:
            raw = body if isinstance(body, str) else json.dumps(body)
            peeked = bodies.peek_fingerprint(raw, fingerprint)
            caller = self._caller(authorization, otp, client_id=client_id, get_or_create=True, fingerprint=peeked)
            return self.uc.authorizations.get_or_create(caller, bodies.get_or_create_body(raw, client_id, fingerprint))

        return answered(call)

    def create(self, authorization: str | None, otp: str | None, raw: str) -> Issued:
        def call() -> Issued:
            client_id = bodies.peek_client_id(raw)
            caller = self._caller(authorization, otp, client_id=client_id)
            return self.uc.authorizations.create(caller, bodies.create_body(raw), client_id)

        return answered(call)

    def list_authorizations(self, authorization: str | None, otp: str | None) -> Any:
        from authorize.domain.paging import Page

        return answered(lambda: self.uc.authorizations.list_authorizations(self._caller(authorization, otp), Page()))

    def get(self, authorization: str | None, otp: str | None, raw_id: str) -> Any:
        return answered(
            lambda: self.uc.authorizations.get(self._caller(authorization, otp, authorization_id=parse_id(raw_id)))
        )

"""What every route needs from the request and gives back: use cases, credentials, URLs, responses.

Routes read the request through here and answer through here, so each route is only: parse, call a
use case, show the result.
"""

from __future__ import annotations

from typing import Any, cast

from authorize.composition import UseCases
from authorize.domain.credentials import Credentials
from authorize.domain.records import AuthorizationRecord
from authorize.github.credentials import parse_authorization
from authorize.github.views import authorization_view
from authorize.usecases.login import Caller
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from github_http import base_url, header, json_response, raw_body

USE_CASES = "use_cases"  # the resolver context key the handler puts the use cases under


class Edge:
    def __init__(self, router: Router) -> None:
        self.router = router

    @property
    def use_cases(self) -> UseCases:
        use_cases: UseCases = self.router.context[USE_CASES]
        return use_cases

    # --- the request ------------------------------------------------------------------------------

    @property
    def event(self) -> APIGatewayProxyEvent:
        return cast(APIGatewayProxyEvent, self.router.current_event)  # an APIGatewayRestResolver's

    def header(self, name: str) -> str | None:
        return header(self.event, name)

    def credentials(self) -> Credentials:
        return parse_authorization(self.header("Authorization"))

    def query(self) -> dict[str, str]:
        return dict(self.event.query_string_parameters or {})

    def body(self) -> bytes | str | None:
        return raw_body(self.event)

    def base(self) -> str:
        settings = self.use_cases.settings
        return base_url(self.event, settings.public_base_url, settings.allowed_hosts)

    def caller(self, *, client_id: str | None = None, authorization_id: int | None = None) -> Caller:
        """The user-Basic caller (with 2FA), and what the request names, read in the same batch."""
        return self.use_cases.login.authenticate(
            self.credentials(), self.header("X-GitHub-OTP"), client_id=client_id, authorization_id=authorization_id
        )

    def get_or_create_caller(self, client_id: str, fingerprint: str | None) -> Caller:
        """The caller, with their authorization under (client_id, fingerprint) read in the same batch."""
        return self.use_cases.login.authenticate(
            self.credentials(),
            self.header("X-GitHub-OTP"),
            client_id=client_id,
            get_or_create=True,
            fingerprint=fingerprint,
        )

    # --- the answer -------------------------------------------------------------------------------

    def json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
        return json_response(status, body, self.event, headers)

    def no_content(self) -> Response:
        return self.json(204, None)

    def authorization(
        self, status: int, record: AuthorizationRecord, token: str = "", *, location: bool = False
    ) -> Response:
        view = authorization_view(record, self.base(), token)
        return self.json(status, view, {"Location": view["url"]} if location else None)

    def paged(self, status: int, views: list[Any], link: str | None) -> Response:
        return self.json(status, views, {"Link": link} if link else None)

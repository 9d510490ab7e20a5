"""Lambda entry point: routes GitHub's OAuth Authorizations API to the domain and maps errors.

The handler only translates: API Gateway event -> service call -> GitHub-shaped response. All rules
live in the ``authorize`` package (the layer), shared with the local server and the admin CLI.
"""

from __future__ import annotations

import logging
import os
from typing import Any, TypedDict
from urllib.parse import unquote

import botocore.session
from authorize import errors
from authorize.app_tokens import (
    DOCS_CHECK,
    DOCS_RESET,
    DOCS_REVOKE,
    DOCS_REVOKE_GRANT,
    AppTokenService,
    access_token_from_body,
    token_user,
)
from authorize.config import get_settings
from authorize.credentials import Bearer, parse_authorization
from authorize.dynamodb_store import DynamoDBStore, client_config
from authorize.grants import grant_id, grant_view
from authorize.models import simple_user
from authorize.pagination import Page, link_header
from authorize.service import AuthorizeService, Issued, parse_id
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from github_http import base_url, error_response, header, json_response, raw_body

# Powertools' own debug output (POWERTOOLS_DEBUG=true) prints route arguments and unmatched paths; the
# legacy routes carry a token in the path, so its event handler never logs below INFO.
logging.getLogger("aws_lambda_powertools.event_handler").setLevel(logging.INFO)

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "authorize"))
tracer = Tracer(patch_modules=["botocore"])  # only DynamoDB calls are worth a subsegment
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Authorize"))
# Route documentation (summaries, responses, security) lives in authorize.api_docs and is attached only
# when the OpenAPI document is generated (local/authorize_local/openapi.py): the Lambda never imports it.
app = APIGatewayRestResolver()

_service: AuthorizeService | None = None


def service() -> AuthorizeService:
    """One store and client per container, created on first use."""
    global _service
    if _service is None:
        settings = get_settings()
        # botocore directly: boto3 would add its own import time (and s3transfer's) to every cold start.
        client = botocore.session.get_session().create_client(
            "dynamodb",
            config=client_config(
                settings.dynamodb_max_attempts, settings.dynamodb_connect_timeout, settings.dynamodb_read_timeout
            ),
        )
        _service = AuthorizeService(DynamoDBStore(client, settings.table_name), settings)
    return _service


def set_service(new: AuthorizeService | None) -> None:
    """Tests and the local server inject their own wiring."""
    global _service
    _service = new


# --- helpers -------------------------------------------------------------------------------------


def _base() -> str:
    return base_url(app.current_event, service().settings.public_base_url)


class _UserCredentials(TypedDict):
    authorization: str | None
    otp: str | None


def _auth() -> _UserCredentials:
    event = app.current_event
    return {"authorization": header(event, "Authorization"), "otp": header(event, "X-GitHub-OTP")}


def _query() -> dict[str, str]:
    return dict(app.current_event.query_string_parameters or {})


def _authorization_response(
    status: int, issued: Issued, *, with_user: bool = False, location: bool = False
) -> Response:
    base = _base()
    view = issued.authorization.view(base, issued.token)
    if with_user:
        view["user"] = simple_user(issued.authorization.user_id, issued.authorization.user_login, base)
    headers = {"Location": view["url"]} if location else None
    return json_response(status, view, app.current_event, headers)


def _no_content() -> Response:
    return json_response(204, None, app.current_event)


# --- get-or-create (behaviour.md §5) --------------------------------------------------------------


def _get_or_create(client_id: str, fingerprint: str | None) -> Response:
    issued = service().get_or_create(
        **_auth(),
        client_id=unquote(client_id),
        path_fingerprint=None if fingerprint is None else unquote(fingerprint),
        raw_body=raw_body(app.current_event),
    )
    metrics.add_metric(
        name="AuthorizationsCreated" if issued.created else "AuthorizationsReturned", unit=MetricUnit.Count, value=1
    )
    logger.info(
        "get-or-create", extra={"authorization_id": issued.authorization.id, "authorization_created": issued.created}
    )
    return _authorization_response(201 if issued.created else 200, issued, location=True)


@app.put("/authorizations/clients/<client_id>")
def put_authorization_for_app(client_id: str) -> Response[dict[str, Any]]:
    return _get_or_create(client_id, None)


@app.put("/authorizations/clients/<client_id>/<fingerprint>")
def put_authorization_for_app_and_fingerprint(client_id: str, fingerprint: str) -> Response[dict[str, Any]]:
    return _get_or_create(client_id, fingerprint)


# --- the rest of the user-Basic family (behaviour.md §6) ------------------------------------------


@app.get("/authorizations")
def list_authorizations() -> Response[list[dict[str, Any]]]:
    query = _query()
    records, page, total = service().list_authorizations(**_auth(), query=query)
    base = _base()
    link = link_header(f"{base}/authorizations", query, page, total)
    return json_response(200, [r.view(base) for r in records], app.current_event, {"Link": link} if link else None)


@app.post("/authorizations")
def create_authorization() -> Response[dict[str, Any]]:
    issued = service().create(**_auth(), raw_body=raw_body(app.current_event))
    metrics.add_metric(name="AuthorizationsCreated", unit=MetricUnit.Count, value=1)
    logger.info("create", extra={"authorization_id": issued.authorization.id})
    return _authorization_response(201, issued, location=True)


@app.get("/authorizations/<authorization_id>")
def get_authorization(authorization_id: str) -> Response[dict[str, Any]]:
    record = service().get(**_auth(), raw_id=authorization_id)
    return _authorization_response(200, Issued(record, False, ""))


@app.patch("/authorizations/<authorization_id>")
def update_authorization(authorization_id: str) -> Response[dict[str, Any]]:
    record = service().update(**_auth(), raw_id=authorization_id, raw_body=raw_body(app.current_event))
    return _authorization_response(200, Issued(record, False, ""))


@app.delete("/authorizations/<authorization_id>")
def delete_authorization(authorization_id: str) -> Response[None]:
    service().delete(**_auth(), raw_id=authorization_id)
    logger.info("delete", extra={"authorization_id": parse_id(authorization_id)})
    return _no_content()


# --- grants (behaviour.md §6.6); registered before /applications/<client_id>/... ----------------------


def _grants() -> dict[int, list[Any]]:
    svc = service()
    caller = svc.authenticate_user(**_auth())
    return {grant_id(caller.user.id, cid): records for cid, records in svc.grants(caller).items()}


@app.get("/applications/grants")
def list_grants() -> Response[list[dict[str, Any]]]:
    query = _query()
    base = _base()
    # In the order the user first authorized each app (its oldest authorization's id).
    groups = sorted(_grants().values(), key=lambda records: min(r.id for r in records))
    views = [grant_view(records, base) for records in groups]
    page = Page.from_query(query)
    link = link_header(f"{base}/applications/grants", query, page, len(views))
    return json_response(200, page.slice(views), app.current_event, {"Link": link} if link else None)


@app.get("/applications/grants/<grant>")
def get_grant(grant: str) -> Response[dict[str, Any]]:
    records = _grants().get(parse_id(grant) or 0)
    if not records:
        raise errors.not_found(errors.DOCS_AUTHORIZATIONS)
    return json_response(200, grant_view(records, _base()), app.current_event)


@app.delete("/applications/grants/<grant>")
def delete_grant(grant: str) -> Response[None]:
    records = _grants().get(parse_id(grant) or 0)
    if not records:
        raise errors.not_found(errors.DOCS_AUTHORIZATIONS)
    service().delete_records(records)
    return _no_content()


# --- app-authenticated token endpoints (behaviour.md §7) ------------------------------------------


def _app_call(action: str, client_id: str, access_token: str | None, docs: str) -> Issued | None:
    event = app.current_event
    tokens_service = AppTokenService(service())
    tokens_service.app_credentials(header(event, "Authorization"), _query())  # 401 comes before the body
    token = access_token if access_token is not None else access_token_from_body(raw_body(event), docs)
    return getattr(tokens_service, action)(unquote(client_id), header(event, "Authorization"), _query(), token)


def _checked(client_id: str, access_token: str | None = None) -> Response:
    issued = _app_call("check", client_id, access_token, DOCS_CHECK)
    assert issued is not None
    return _authorization_response(200, issued, with_user=True)


def _reset(client_id: str, access_token: str | None = None) -> Response:
    issued = _app_call("reset", client_id, access_token, DOCS_RESET)
    assert issued is not None
    metrics.add_metric(name="TokensReset", unit=MetricUnit.Count, value=1)
    return _authorization_response(200, issued, with_user=True)


def _revoked(client_id: str, access_token: str | None = None) -> Response:
    _app_call("revoke", client_id, access_token, DOCS_REVOKE)
    metrics.add_metric(name="TokensRevoked", unit=MetricUnit.Count, value=1)
    return _no_content()


def _grant_revoked(client_id: str, access_token: str | None = None) -> Response:
    _app_call("revoke_grant", client_id, access_token, DOCS_REVOKE_GRANT)
    return _no_content()


@app.post("/applications/<client_id>/token")
def check_token(client_id: str) -> Response[dict[str, Any]]:
    return _checked(client_id)


@app.patch("/applications/<client_id>/token")
def reset_token(client_id: str) -> Response[dict[str, Any]]:
    return _reset(client_id)


@app.delete("/applications/<client_id>/token")
def revoke_token(client_id: str) -> Response[None]:
    return _revoked(client_id)


@app.delete("/applications/<client_id>/grant")
def revoke_grant(client_id: str) -> Response[None]:
    return _grant_revoked(client_id)


# Legacy forms with the token in the path (removed by GitHub in 2020-21, served for old clients).
# The path carries a live token: nothing here logs the path, the event or the parameters.


@app.get("/applications/<client_id>/tokens/<access_token>")
def legacy_check_token(client_id: str, access_token: str) -> Response[dict[str, Any]]:
    return _checked(client_id, unquote(access_token))


@app.post("/applications/<client_id>/tokens/<access_token>")
def legacy_reset_token(client_id: str, access_token: str) -> Response[dict[str, Any]]:
    return _reset(client_id, unquote(access_token))


@app.delete("/applications/<client_id>/tokens/<access_token>")
def legacy_revoke_token(client_id: str, access_token: str) -> Response[None]:
    return _revoked(client_id, unquote(access_token))


@app.delete("/applications/<client_id>/grants/<access_token>")
def legacy_revoke_grant(client_id: str, access_token: str) -> Response[None]:
    return _grant_revoked(client_id, unquote(access_token))


# --- GET /user: how clients confirm a token works -------------------------------------------------


@app.get("/user")
def get_user() -> Response[dict[str, Any]]:
    event = app.current_event
    authorization = header(event, "Authorization")
    if not isinstance(parse_authorization(authorization), Bearer):  # Basic, broken or absent
        user = service().authenticate_user(authorization, header(event, "X-GitHub-OTP")).user
        return json_response(200, simple_user(user.id, user.login, _base()), event)
    record = token_user(service(), authorization)
    headers = {"X-OAuth-Scopes": ", ".join(record.scopes), "X-Accepted-OAuth-Scopes": ""}
    return json_response(200, simple_user(record.user_id, record.user_login, _base()), event, headers)


# --- errors -------------------------------------------------------------------------------------


@app.not_found
def not_found(_: Exception) -> Response:
    return error_response(errors.not_found(), app.current_event)


@app.exception_handler(errors.ApiError)
def api_error(error: errors.ApiError) -> Response:
    if error.status == 401 and "X-GitHub-OTP" in error.headers:
        metrics.add_metric(name="TwoFactorChallenges", unit=MetricUnit.Count, value=1)
    elif error.status == 401 and error.message == "Bad credentials":
        metrics.add_metric(name="FailedLogins", unit=MetricUnit.Count, value=1)
    elif error.status == 403 and error.message.startswith("Maximum number of login attempts"):
        metrics.add_metric(name="Lockouts", unit=MetricUnit.Count, value=1)
    elif error.status == 503:
        metrics.add_metric(name="DatabaseUnavailable", unit=MetricUnit.Count, value=1)
        logger.warning("database unavailable", extra={"cause": type(error.__cause__).__name__})
    return error_response(error, app.current_event)


@app.exception_handler(Exception)
def unexpected(error: Exception) -> Response:
    # Only the type and a trace go to the log: exception text could quote request data.
    logger.error("unhandled error", extra={"error_type": type(error).__name__}, exc_info=True)
    body = {"message": "Server Error", "documentation_url": errors.DOCS_V3}
    return json_response(500, body, app.current_event)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)

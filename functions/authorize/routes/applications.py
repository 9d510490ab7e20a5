"""``/applications``: a user's grants (user Basic, behaviour.md §6.6) and an OAuth app's own token
endpoints (app Basic, §7), with the legacy token-in-path forms GitHub removed in 2020-21.

Grants are registered before ``/applications/<client_id>/...``. The legacy paths carry a live token:
nothing here logs the path, the event or the parameters.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from authorize.domain.credentials import AppCredentials
from authorize.github import bodies
from authorize.github.credentials import app_credentials
from authorize.github.pagination import link_header, page_from_query
from authorize.github.paths import parse_id
from authorize.github.views import authorization_with_user_view, grant_view
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from observability import count

from .edge import Edge

router = Router()
edge = Edge(router)

# --- grants ---------------------------------------------------------------------------------------


@router.get("/applications/grants")
def list_grants() -> Response[list[dict[str, Any]]]:
    query = edge.query()
    paged = edge.use_cases.grants.list_grants(edge.caller(), page_from_query(query))
    base = edge.base()
    link = link_header(f"{base}/applications/grants", query, paged.page, paged.total)
    return edge.paged(200, [grant_view(g, base) for g in paged.items], link)


@router.get("/applications/grants/<grant>")
def get_grant(grant: str) -> Response[dict[str, Any]]:
    found = edge.use_cases.grants.get(edge.caller(), parse_id(grant))
    return edge.json(200, grant_view(found, edge.base()))


@router.delete("/applications/grants/<grant>")
def delete_grant(grant: str) -> Response[None]:
    edge.use_cases.grants.delete(edge.caller(), parse_id(grant))
    return edge.no_content()


# --- app-authenticated token endpoints -------------------------------------------------------------


def _app_request(client_id: str, path_token: str | None) -> tuple[str, AppCredentials, str]:
    """(client id, app credentials, token): no credentials at all is 401, before the body is read."""
    credentials = app_credentials(edge.credentials(), edge.query())
    token = unquote(path_token) if path_token is not None else bodies.access_token_body(edge.body())
    return unquote(client_id), credentials, token


def _checked(client_id: str, path_token: str | None = None) -> Response:
    cid, credentials, token = _app_request(client_id, path_token)
    owned = edge.use_cases.app_tokens.check(cid, credentials, token)
    return edge.json(200, authorization_with_user_view(owned.authorization, owned.user, edge.base(), token))


def _reset(client_id: str, path_token: str | None = None) -> Response:
    reset = edge.use_cases.app_tokens.reset(*_app_request(client_id, path_token))
    count("TokensReset")
    return edge.json(200, authorization_with_user_view(reset.authorization, reset.user, edge.base(), reset.token))


def _revoked(client_id: str, path_token: str | None = None) -> Response:
    edge.use_cases.app_tokens.revoke(*_app_request(client_id, path_token))
    count("TokensRevoked")
    return edge.no_content()


def _grant_revoked(client_id: str, path_token: str | None = None) -> Response:
    edge.use_cases.app_tokens.revoke_grant(*_app_request(client_id, path_token))
    return edge.no_content()


@router.post("/applications/<client_id>/token")
def check_token(client_id: str) -> Response[dict[str, Any]]:
    return _checked(client_id)


@router.patch("/applications/<client_id>/token")
def reset_token(client_id: str) -> Response[dict[str, Any]]:
    return _reset(client_id)


@router.delete("/applications/<client_id>/token")
def revoke_token(client_id: str) -> Response[None]:
    return _revoked(client_id)


@router.delete("/applications/<client_id>/grant")
def revoke_grant(client_id: str) -> Response[None]:
    return _grant_revoked(client_id)


@router.get("/applications/<client_id>/tokens/<access_token>")
def legacy_check_token(client_id: str, access_token: str) -> Response[dict[str, Any]]:
    return _checked(client_id, access_token)


@router.post("/applications/<client_id>/tokens/<access_token>")
def legacy_reset_token(client_id: str, access_token: str) -> Response[dict[str, Any]]:
    return _reset(client_id, access_token)


@router.delete("/applications/<client_id>/tokens/<access_token>")
def legacy_revoke_token(client_id: str, access_token: str) -> Response[None]:
    return _revoked(client_id, access_token)


@router.delete("/applications/<client_id>/grants/<access_token>")
def legacy_revoke_grant(client_id: str, access_token: str) -> Response[None]:
    return _grant_revoked(client_id, access_token)

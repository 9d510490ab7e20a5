"""``/authorizations``: get-or-create for an app (behaviour.md §5) and the rest of the family (§6)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from authorize.github import bodies
from authorize.github.pagination import link_header, page_from_query
from authorize.github.paths import parse_id
from authorize.github.views import authorization_view
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from observability import count, logger

from .edge import Edge

router = Router()
edge = Edge(router)


def _get_or_create(client_id: str, fingerprint: str | None) -> Response:
    client_id = unquote(client_id)
    path_fingerprint = None if fingerprint is None else unquote(fingerprint)
    raw = bodies.JsonBody(edge.body())  # parsed once: peeked at before authentication, validated after
    caller = edge.get_or_create_caller(client_id, bodies.peek_fingerprint(raw, path_fingerprint))
    body = bodies.get_or_create_body(raw, client_id, path_fingerprint)
    issued = edge.use_cases.authorizations.get_or_create(caller, body)
    count("AuthorizationsCreated" if issued.created else "AuthorizationsReturned")
    logger.info(
        "get-or-create", extra={"authorization_id": issued.authorization.id, "authorization_created": issued.created}
    )
    return edge.authorization(201 if issued.created else 200, issued.authorization, issued.token, location=True)


@router.put("/authorizations/clients/<client_id>")
def put_authorization_for_app(client_id: str) -> Response[dict[str, Any]]:
    return _get_or_create(client_id, None)


@router.put("/authorizations/clients/<client_id>/<fingerprint>")
def put_authorization_for_app_and_fingerprint(client_id: str, fingerprint: str) -> Response[dict[str, Any]]:
    return _get_or_create(client_id, fingerprint)


@router.get("/authorizations")
def list_authorizations() -> Response[list[dict[str, Any]]]:
    query = edge.query()
    paged = edge.use_cases.authorizations.list_authorizations(
        edge.caller(), page_from_query(query), query.get("client_id")
    )
    base = edge.base()
    link = link_header(f"{base}/authorizations", query, paged.page, paged.total)
    return edge.paged(200, [authorization_view(r, base) for r in paged.items], link)


@router.post("/authorizations")
def create_authorization() -> Response[dict[str, Any]]:
    raw = bodies.JsonBody(edge.body())
    client_id = bodies.peek_client_id(raw)  # the app is read with the caller, in one batch
    caller = edge.caller(client_id=client_id)
    issued = edge.use_cases.authorizations.create(caller, bodies.create_body(raw), client_id)
    count("AuthorizationsCreated")
    logger.info("create", extra={"authorization_id": issued.authorization.id})
    return edge.authorization(201, issued.authorization, issued.token, location=True)


@router.get("/authorizations/<authorization_id>")
def get_authorization(authorization_id: str) -> Response[dict[str, Any]]:
    caller = edge.caller(authorization_id=parse_id(authorization_id))
    return edge.authorization(200, edge.use_cases.authorizations.get(caller))


@router.patch("/authorizations/<authorization_id>")
def update_authorization(authorization_id: str) -> Response[dict[str, Any]]:
    authorizations = edge.use_cases.authorizations
    caller = edge.caller(authorization_id=parse_id(authorization_id))
    current = authorizations.get(caller)  # 404 before the body is read, as GitHub
    return edge.authorization(200, authorizations.update(caller, current, bodies.update_body(edge.body())))


@router.delete("/authorizations/<authorization_id>")
def delete_authorization(authorization_id: str) -> Response[None]:
    authorizations = edge.use_cases.authorizations
    caller = edge.caller(authorization_id=parse_id(authorization_id))
    current = authorizations.get(caller)
    authorizations.delete(caller, current)
    logger.info("delete", extra={"authorization_id": current.id})
    return edge.no_content()

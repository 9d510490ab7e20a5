"""``POST /credentials/revoke``: GitHub's credential revocation API (2025; OAuth tokens since 2026).

Anonymous callers only. The answer is 202 whatever the list held; each revocation is logged and
counted for the owner's operator (ids only, never a token).
"""

from __future__ import annotations

from typing import Any

from authorize.domain.exceptions import CredentialsNotAccepted
from authorize.github import bodies
from authorize.usecases.revocation import MAX_CREDENTIALS
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from observability import count, logger

from .edge import Edge

router = Router()
edge = Edge(router)
REVOKED_BY = "credential revocation API"


@router.post("/credentials/revoke")
def revoke_credentials() -> Response[dict[str, Any]]:
    if edge.header("Authorization"):
        raise CredentialsNotAccepted()
    credentials = bodies.revocation_body(edge.body(), MAX_CREDENTIALS)
    client = edge.event.request_context.identity.source_ip or "unknown"
    for record in edge.use_cases.revocation.revoke(credentials, client):
        logger.info(
            "credential revoked",
            extra={"authorization_id": record.id, "user_id": record.user_id, "revoked_by": REVOKED_BY},
        )
        count("CredentialsRevoked")
    return edge.json(202, {})

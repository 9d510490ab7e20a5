"""``GET /user``: how clients confirm that a token works (and who a password belongs to)."""

from __future__ import annotations

from typing import Any

from authorize.domain.scopes import sees_private_profile
from authorize.github.views import private_user_view, public_user_view
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from .edge import Edge

router = Router()
edge = Edge(router)


@router.get("/user")
def get_user() -> Response[dict[str, Any]]:
    me = edge.use_cases.users.me(edge.credentials(), edge.header("X-GitHub-OTP"))
    headers = None if me.scopes is None else {"X-OAuth-Scopes": ", ".join(me.scopes), "X-Accepted-OAuth-Scopes": ""}
    view = private_user_view if sees_private_profile(me.scopes) else public_user_view
    return edge.json(200, view(me.user, edge.base()), headers)

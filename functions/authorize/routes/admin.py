"""GitHub Enterprise Server's site-administrator API ("Enterprise administration → Users"): create, rename
and delete users, promote and demote site administrators, suspend and unsuspend, impersonation tokens.

Only site administrators may call it (``SiteAdmins``: Basic with 2FA, or a ``site_admin`` token). The
caller is authenticated before the body is read, as everywhere. Each change is logged with who made it
(GHES keeps such an audit log); nothing logged here is a secret.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from authorize.domain.admin_inputs import ApiNewUser, ImpersonationScopes, NewLogin, Suspension
from authorize.domain.records import UserRecord
from authorize.github import bodies
from authorize.github.views import rename_view, simple_user_view
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from observability import count, logger

from .edge import Edge

router = Router()
edge = Edge(router)


def _actor() -> UserRecord:
    return edge.use_cases.admin.site_admins.authenticate(edge.credentials(), edge.header("X-GitHub-OTP"))


def _audit(action: str, actor: UserRecord, target: UserRecord | str, **extra: Any) -> None:
    login = target if isinstance(target, str) else target.login
    logger.info("site admin action", extra={"action": action, "actor": actor.login, "user": login, **extra})
    count("SiteAdminActions")


# --- /admin/users -------------------------------------------------------------------------------------


@router.post("/admin/users")
def create_user() -> Response[dict[str, Any]]:
    actor = _actor()
    fields = bodies.admin_body(ApiNewUser, edge.body())
    user = edge.use_cases.admin.users.create_for_api(fields)
    _audit("user.create", actor, user, user_id=user.id, suspended=user.suspended_at is not None)
    view = simple_user_view(user, edge.base())
    return edge.json(201, view, {"Location": view["url"]})


@router.patch("/admin/users/<username>")
def rename_user(username: str) -> Response[dict[str, Any]]:
    actor = _actor()
    new = bodies.admin_body(NewLogin, edge.body())
    old_login = unquote(username)
    user = edge.use_cases.admin.users.rename(actor, old_login, new.login)
    _audit("user.rename", actor, user, old_login=old_login, user_id=user.id)
    view = rename_view(user, edge.base())
    return edge.json(202, view, {"Location": view["url"]})


@router.delete("/admin/users/<username>")
def delete_user(username: str) -> Response[None]:
    actor = _actor()
    login = unquote(username)
    revoked = edge.use_cases.admin.users.delete(actor, login)
    _audit("user.delete", actor, login, authorizations_deleted=revoked)
    return edge.no_content()


@router.post("/admin/users/<username>/authorizations")
def create_impersonation_token(username: str) -> Response[dict[str, Any]]:
    actor = _actor()
    body = bodies.admin_body(ImpersonationScopes, edge.body())
    login = unquote(username)
    issued = edge.use_cases.admin.impersonation.get_or_create(login, body)
    if issued.created:
        _audit("impersonation_token.create", actor, login, authorization_id=issued.authorization.id)
    return edge.authorization(201 if issued.created else 200, issued.authorization, issued.token, location=True)


@router.delete("/admin/users/<username>/authorizations")
def delete_impersonation_token(username: str) -> Response[None]:
    actor = _actor()
    login = unquote(username)
    revoked = edge.use_cases.admin.impersonation.delete(login)
    _audit("impersonation_token.delete", actor, login, authorizations_deleted=revoked)
    return edge.no_content()


# --- /users/{username}/site_admin, /users/{username}/suspended -------------------------------------


def _site_admin(username: str, site_admin: bool) -> Response:
    actor = _actor()
    user = edge.use_cases.admin.users.set_site_admin(actor, unquote(username), site_admin)
    _audit("user.promote" if site_admin else "user.demote", actor, user)
    return edge.no_content()


def _suspended(username: str, suspended: bool) -> Response:
    actor = _actor()
    reason = bodies.admin_body(Suspension, edge.body()).reason
    user = edge.use_cases.admin.users.set_suspended(actor, unquote(username), suspended)
    _audit("user.suspend" if suspended else "user.unsuspend", actor, user, reason=reason)
    return edge.no_content()


@router.put("/users/<username>/site_admin")
def promote_user(username: str) -> Response[None]:
    return _site_admin(username, True)


@router.delete("/users/<username>/site_admin")
def demote_user(username: str) -> Response[None]:
    return _site_admin(username, False)


@router.put("/users/<username>/suspended")
def suspend_user(username: str) -> Response[None]:
    return _suspended(username, True)


@router.delete("/users/<username>/suspended")
def unsuspend_user(username: str) -> Response[None]:
    return _suspended(username, False)

"""What the API shows: GitHub's JSON objects, in the key order seen on GitHub's wire (behaviour.md §2)."""

from __future__ import annotations

import base64
from typing import Any

from ..domain import scopes
from ..domain.grants import Grant
from ..domain.records import AuthorizationRecord, UserRecord

RENAME_QUEUED_MESSAGE = "Job queued to rename user. It may take a few minutes to complete."  # GHES's words


def authorization_url(base_url: str, authorization_id: int) -> str:
    return f"{base_url}/authorizations/{authorization_id}"


def authorization_view(record: AuthorizationRecord, base_url: str, token: str = "") -> dict[str, Any]:
    """The Authorization object; ``token`` is plaintext only right after issuing (else ``""``)."""
    return {
        "id": record.id,
        "url": authorization_url(base_url, record.id),
        "app": {"name": record.app_name, "url": record.app_url, "client_id": record.client_id},
        "token": token,
        "hashed_token": record.hashed_token,
        "token_last_eight": record.token_last_eight,
        "note": record.note,
        "note_url": record.note_url,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "scopes": list(record.scopes),
        "fingerprint": record.fingerprint,
        **({"expires_at": record.expires_at} if record.expires_at else {}),
    }


def node_id(kind: str, number: int) -> str:
    """GitHub's legacy global id: base64 of "04:<kind><number>", padding included (as api.github.com sent it)."""
    return base64.b64encode(f"04:{kind}{number}".encode()).decode()


def simple_user(user_id: int, login: str, base_url: str, site_admin: bool = False) -> dict[str, Any]:
    """GitHub's simple-user shape (behaviour.md §2, ``user``)."""
    url = f"{base_url}/users/{login}"
    return {
        "login": login,
        "id": user_id,
        "node_id": node_id("User", user_id),
        "avatar_url": f"{base_url}/avatars/{login}",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{base_url}/{login}",
        "followers_url": f"{url}/followers",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{url}/subscriptions",
        "organizations_url": f"{url}/orgs",
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events{{/privacy}}",
        "received_events_url": f"{url}/received_events",
        "type": "User",
        "site_admin": site_admin,
    }


def simple_user_view(user: UserRecord, base_url: str) -> dict[str, Any]:
    return simple_user(user.id, user.login, base_url, user.site_admin)


def rename_view(user: UserRecord, base_url: str) -> dict[str, Any]:
    """GHES's answer to a rename; ``url`` is the user's by id (GitHub's ``/user/{id}``)."""
    return {"message": RENAME_QUEUED_MESSAGE, "url": f"{base_url}/user/{user.id}"}


# What GitHub showed for an account on the free plan; we keep no repositories, gists or followers.
FREE_PLAN: dict[str, Any] = {"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000}


def public_user_view(user: UserRecord, base_url: str) -> dict[str, Any]:
    """GitHub's public-user shape: the simple user, the profile fields (``null`` when unset; ``blog`` is
    ``""`` then, as GitHub sent it), the counts we do not keep (0) and the timestamps."""
    return {
        **simple_user_view(user, base_url),
        "name": user.name,
        "company": user.company,
        "blog": user.blog or "",
        "location": user.location,
        "email": user.email,
        "hireable": user.hireable,
        "bio": user.bio,
        "twitter_username": user.twitter_username,
        "public_repos": 0,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": user.created_at,
        "updated_at": user.updated_at or user.created_at,
    }


def private_user_view(user: UserRecord, base_url: str) -> dict[str, Any]:
    """GitHub's private-user shape: the public user and what only its owner sees."""
    return {
        **public_user_view(user, base_url),
        "private_gists": 0,
        "total_private_repos": 0,
        "owned_private_repos": 0,
        "disk_usage": 0,
        "collaborators": 0,
        "two_factor_authentication": user.totp_secret is not None,
        "plan": dict(FREE_PLAN),
    }


def authorization_with_user_view(
    record: AuthorizationRecord, user: UserRecord, base_url: str, token: str
) -> dict[str, Any]:
    """What the app-authenticated token endpoints answer: the authorization and its user (as stored now:
    its current login, not the one the authorization was issued under)."""
    return {**authorization_view(record, base_url, token), "user": simple_user_view(user, base_url)}


def grant_view(grant: Grant, base_url: str) -> dict[str, Any]:
    first = grant.first
    return {
        "id": grant.id,
        "url": f"{base_url}/applications/grants/{grant.id}",
        "app": {"name": first.app_name, "url": first.app_url, "client_id": first.client_id},
        "created_at": min(r.created_at for r in grant.authorizations),
        "updated_at": max(r.updated_at for r in grant.authorizations),
        "scopes": scopes.normalize(s for r in grant.ordered() for s in r.scopes),
    }

"""GitHub OAuth scopes and their normalisation (behaviour.md §9)."""

from __future__ import annotations

from collections.abc import Iterable

# scope -> the scopes it includes (directly). Inclusion is transitive: admin:org includes write:org,
# which includes read:org.
INCLUDES: dict[str, frozenset[str]] = {
    "repo": frozenset({"repo:status", "repo_deployment", "public_repo", "repo:invite", "security_events"}),
    "admin:repo_hook": frozenset({"write:repo_hook", "read:repo_hook"}),
    "write:repo_hook": frozenset({"read:repo_hook"}),
    "admin:org": frozenset({"write:org", "read:org"}),
    "write:org": frozenset({"read:org"}),
    "admin:public_key": frozenset({"write:public_key", "read:public_key"}),
    "write:public_key": frozenset({"read:public_key"}),
    "admin:gpg_key": frozenset({"write:gpg_key", "read:gpg_key"}),
    "write:gpg_key": frozenset({"read:gpg_key"}),
    "user": frozenset({"read:user", "user:email", "user:follow"}),
    "project": frozenset({"read:project"}),
    "write:discussion": frozenset({"read:discussion"}),
}

STANDALONE = frozenset(
    {
        "admin:org_hook",
        "gist",
        "notifications",
        "delete_repo",
        "write:packages",
        "read:packages",
        "delete:packages",
        "workflow",
        "codespace",
        "read:audit_log",
    }
)

VALID_SCOPES: frozenset[str] = frozenset(INCLUDES) | frozenset().union(*INCLUDES.values()) | STANDALONE
# GitHub Enterprise Server's scope for the site-administrator API. Not a scope on the user-Basic
# endpoints (behaviour.md §9): only a site administrator's impersonation token carries it.
SITE_ADMIN = "site_admin"


def _closure(scope: str) -> frozenset[str]:
    seen: set[str] = set()
    stack = list(INCLUDES.get(scope, ()))
    while stack:
        s = stack.pop()
        if s not in seen:
            seen.add(s)
            stack.extend(INCLUDES.get(s, ()))
    return frozenset(seen)


IMPLIED_BY: dict[str, frozenset[str]] = {s: _closure(s) for s in VALID_SCOPES}


def invalid_scopes(scopes: Iterable[str], *, admin: bool = False) -> list[str]:
    """The names that are no scope (``admin``: ``site_admin`` is one)."""
    return [s for s in scopes if s not in VALID_SCOPES and not (admin and s == SITE_ADMIN)]


def normalize(scopes: Iterable[str]) -> list[str]:
    """Drop duplicates and scopes included by another requested scope; keep first-seen order."""
    requested = list(dict.fromkeys(scopes))
    covered: set[str] = set()
    for s in requested:
        covered |= IMPLIED_BY.get(s, frozenset())
    return [s for s in requested if s not in covered]


# GitHub's GET /user: "If the authenticated user is authenticated with an OAuth token with the user scope,
# then the response lists public and private profile information"; otherwise the public profile only.
# read:user is the read-only half of user. A password (Basic) sees everything.
PRIVATE_PROFILE = frozenset({"user", "read:user"})


def sees_private_profile(token_scopes: Iterable[str] | None) -> bool:
    """Whether ``GET /user`` shows the private profile: a password (``None``) or a token with ``user``
    or ``read:user``."""
    return token_scopes is None or not PRIVATE_PROFILE.isdisjoint(token_scopes)

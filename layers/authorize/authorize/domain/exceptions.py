"""What the rules can refuse. No status codes and no documentation URLs: ``authorize.github.errors``
maps each of these to GitHub's answer."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """A request the rules refuse. The message is for logs only: it never quotes request data."""


class AuthenticationRequired(DomainError):
    """No credentials were presented."""


class BadCredentials(DomainError):
    """Unknown login, wrong password, broken Basic credentials, or an unknown token."""


class OtpRequired(DomainError):
    """The password is right, the user has two-factor authentication, and no valid code came with it."""


class LockedOut(DomainError):
    """Too many failed logins for this login in the current window."""


class PasswordRequired(DomainError):
    """A token where only a user's password is accepted (the Basic-only endpoints)."""


class AccountSuspended(DomainError):
    """The credentials are right, but a site administrator suspended the account."""


class SiteAdminRequired(DomainError):
    """A site-administrator operation by someone who is not one (or a token without ``site_admin``)."""


class OwnAccount(DomainError):
    """A site administrator may demote, suspend or delete any account except their own (GitHub's rule)."""


class NotFound(DomainError):
    """Nothing the caller may see has this name (someone else's is indistinguishable from none)."""


class InvalidApplication(DomainError):
    """An unknown client id or a wrong client secret."""


@dataclass(frozen=True)
class FieldError:
    """One field of a request the rules refuse: ``code`` is GitHub's (missing_field, invalid, ...);
    ``resource`` is GitHub's name of what the field belongs to (None: an authorization's)."""

    field: str
    code: str
    message: str | None = None
    resource: str | None = None


class ValidationFailed(DomainError):
    """Fields of the request that are missing, ill-typed or break a rule."""

    def __init__(self, *fields: FieldError) -> None:
        super().__init__("validation failed: " + ", ".join(f"{f.field} {f.code}" for f in fields))
        self.fields = fields


class Unavailable(DomainError):
    """The database did not answer in time (throttled, timed out, failing): try again later."""


class Contention(DomainError):
    """Concurrent writers kept changing the record until the deadline: try again later."""


class CredentialsNotAccepted(DomainError):
    """Credentials sent to an endpoint that only answers anonymous callers (credential revocation)."""


class RequestRefused(DomainError):
    """A request that GitHub answers with a plain reason, not per-field errors (credential revocation:
    a malformed list, or too many requests from one address)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

"""Input models of the site-administrator operations: one set of rules for both doors, the REST API
(``/admin/users``, ``/users/{username}/...``) and the admin CLI.

``validated`` turns what fails into ``ValidationFailed`` with GitHub's field errors (resource ``User``);
``RULES`` says in words what each field must be, for the CLI's messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    ValidationError,
    field_validator,
)

from . import scopes
from .exceptions import FieldError, ValidationFailed
from .records import PROFILE_FIELDS

USER_RESOURCE = "User"
# GitHub's login rule: letters, digits and single hyphens, not at either end, at most 39 characters.
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
MAX_TEXT = 255
MAX_BIO = 160
MAX_EMAIL = 254
MAX_REASON = 1024
MIN_PASSWORD = 8  # GitHub's minimum
MAX_PASSWORD = 1024

RULES: dict[str, str] = {
    "login": "1-39 letters, digits or single hyphens (any other character becomes a hyphen)",
    "email": f"an email address of at most {MAX_EMAIL} characters",
    "name": f"text of at most {MAX_TEXT} characters",
    "company": f"text of at most {MAX_TEXT} characters",
    "blog": f"text of at most {MAX_TEXT} characters",
    "location": f"text of at most {MAX_TEXT} characters",
    "bio": f"text of at most {MAX_BIO} characters",
    "twitter_username": "1-15 letters, digits or underscores",
    "hireable": "true or false",
    "suspended": "true or false",
    "reason": f"text of at most {MAX_REASON} characters",
    "scopes": "a list of scope names",
    "password": f"{MIN_PASSWORD}-{MAX_PASSWORD} characters",
}

M = TypeVar("M", bound=BaseModel)


def normalize_login(value: str) -> str:
    """GitHub Enterprise Server's rule: "octo_cat" becomes "octo-cat" (runs of other characters become
    one hyphen, none at either end); what is left must be a valid login."""
    login = re.sub(r"[^A-Za-z0-9]+", "-", value).strip("-")
    if not LOGIN_PATTERN.match(login):
        raise ValueError("not a login")
    return login


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValidationFailed(FieldError("password", "invalid", resource=USER_RESOURCE))
    return password


def _plain_text(value: str | None) -> str | None:
    if value is not None and any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ValueError("control characters")
    return value


def _email(value: str | None) -> str | None:
    if value is None:
        return None
    local, at, domain = value.rpartition("@")
    if not at or not local or "." not in domain.strip(".") or any(c.isspace() or ord(c) < 0x20 for c in value):
        raise ValueError("not an email address")
    return value


Login = Annotated[StrictStr, AfterValidator(normalize_login)]
Text = Annotated[StrictStr | None, Field(max_length=MAX_TEXT), AfterValidator(_plain_text)]
Email = Annotated[StrictStr | None, Field(max_length=MAX_EMAIL), AfterValidator(_email)]


class _Input(BaseModel):
    # Built on first use: the Lambda imports these at cold start, and most requests never need them.
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True, defer_build=True)


class Profile(_Input):
    """GitHub's profile fields; ``None`` clears one."""

    name: Text = None
    email: Email = None
    company: Text = None
    blog: Text = None
    location: Text = None
    bio: Annotated[StrictStr | None, Field(max_length=MAX_BIO), AfterValidator(_plain_text)] = None
    twitter_username: Annotated[StrictStr | None, Field(pattern=r"^[A-Za-z0-9_]{1,15}$")] = None
    hireable: StrictBool | None = None

    def sent(self) -> dict[str, Any]:
        """The profile fields the input named (also those set to ``None``)."""
        return {name: getattr(self, name) for name in PROFILE_FIELDS if name in self.model_fields_set}


class NewUser(Profile):
    """A user to create: the CLI's ``user create`` (no email needed)."""

    login: Login
    suspended: StrictBool = False


class ApiNewUser(NewUser):
    """A user to create over the API (`POST /admin/users`): the email is required with built-in
    authentication, as on GitHub Enterprise Server. Unknown keys are ignored."""

    email: Annotated[StrictStr, Field(max_length=MAX_EMAIL), AfterValidator(_email)]


class NewLogin(_Input):
    """The new login of a renamed user (`PATCH /admin/users/{username}`)."""

    login: Login


class Suspension(_Input):
    """Why a user is suspended or unsuspended (`PUT|DELETE /users/{username}/suspended`): logged, as GHES
    writes it to its audit log."""

    reason: Annotated[StrictStr | None, Field(max_length=MAX_REASON), AfterValidator(_plain_text)] = None


class ImpersonationScopes(_Input):
    """The scopes of an impersonation token (`POST /admin/users/{username}/authorizations`); absent: none,
    as GHES did. `site_admin` is a scope here, for a site administrator's own token (it is no scope on
    the user-Basic endpoints)."""

    scopes: list[StrictStr] | None = None

    @field_validator("scopes")
    @classmethod
    def _known(cls, v: list[str] | None) -> list[str]:
        if v is not None and scopes.invalid_scopes(v, admin=True):
            raise ValueError("unknown scope")
        return scopes.normalize(v or [])


def validated(model: type[M], payload: Mapping[str, Any]) -> M:
    """``payload`` as ``model``, or ``ValidationFailed``: ``missing_field`` for an absent required key,
    ``invalid`` for the rest, once per field."""
    try:
        value = model.model_validate(dict(payload))
    except ValidationError as exc:
        fields: list[FieldError] = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "body"
            if all(f.field != name for f in fields):
                code = "missing_field" if err["type"] == "missing" else "invalid"
                fields.append(FieldError(name, code, resource=USER_RESOURCE))
        raise ValidationFailed(*fields) from None
    return value

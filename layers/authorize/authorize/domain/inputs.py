"""Input models: the validated bodies the use cases take. Reading raw JSON into them, and GitHub's
field-error format for what fails, is ``authorize.github.bodies``."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from . import scopes

MAX_NOTE = 1024
MAX_NOTE_URL = 1024
MAX_FINGERPRINT = 255
NOTE_URL_SCHEMES = frozenset({"http", "https"})


def clean_fingerprint(value: str | None) -> str | None:
    return value or None  # "" is "no fingerprint" (go-github routes "" to the plain path)


class AuthorizationFields(BaseModel):
    """Fields every authorization body may carry."""

    # Validators are built on a body model's first use, not at import: a request builds only its own.
    model_config = ConfigDict(extra="ignore", strict=True, defer_build=True)

    scopes: list[StrictStr] | None = None
    note: StrictStr | None = None
    note_url: StrictStr | None = None
    fingerprint: StrictStr | None = None

    @field_validator("note")
    @classmethod
    def _note_len(cls, v: str | None) -> str | None:
        if v is not None and len(v) > MAX_NOTE:
            raise ValueError("too long")
        return v

    @field_validator("note_url")
    @classmethod
    def _note_url(cls, v: str | None) -> str | None:
        # GitHub accepted "" here; anything else must be a web address: an http(s) URL with a host.
        # (``javascript:`` and other schemes would be live links in any page that shows the note.)
        if v:
            if len(v) > MAX_NOTE_URL or any(ord(c) < 0x20 or c.isspace() for c in v):
                raise ValueError("not a URL")
            parts = urlsplit(v)
            if parts.scheme.lower() not in NOTE_URL_SCHEMES or not parts.netloc:
                raise ValueError("not a URL")
        return v

    @field_validator("fingerprint")
    @classmethod
    def _fingerprint(cls, v: str | None) -> str | None:
        if v is not None and len(v) > MAX_FINGERPRINT:
            raise ValueError("too long")
        return clean_fingerprint(v)

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, v: list[str] | None) -> list[str]:
        if v is None:
            return []
        if scopes.invalid_scopes(v):
            raise ValueError("unknown scope")
        return scopes.normalize(v)


class GetOrCreateBody(AuthorizationFields):
    client_secret: StrictStr
    client_id: StrictStr | None = None


class CreateBody(AuthorizationFields):
    """POST /authorizations: ``note`` is required (GitHub calls it ``description`` in errors)."""

    note: StrictStr = Field(min_length=1, max_length=MAX_NOTE)
    client_id: StrictStr | None = None
    client_secret: StrictStr | None = None


class UpdateBody(AuthorizationFields):
    """PATCH /authorizations/{id}: at most one of the three scope keys."""

    add_scopes: list[StrictStr] | None = None
    remove_scopes: list[StrictStr] | None = None

    @field_validator("add_scopes", "remove_scopes")
    @classmethod
    def _scope_names(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and scopes.invalid_scopes(v):
            raise ValueError("unknown scope")
        return v

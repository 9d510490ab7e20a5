"""Request bodies: raw bytes to a JSON object, then to validated input models.

GitHub parsed bodies as JSON whatever their Content-Type, answered 400 for bad JSON or a
non-object, and 422 ``Validation Failed`` with per-field ``errors`` for the rest (behaviour.md §4, §5.1).
Ill-typed values are 422 ``invalid``, not 400.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, field_validator

from . import errors, scopes

MAX_NOTE = 1024
MAX_NOTE_URL = 1024
MAX_FINGERPRINT = 255


def peek_json_object(raw: bytes | str | None) -> dict[str, Any]:
    """The body if it is a JSON object, else ``{}``: for deciding what to read before authenticating,
    while errors in the body are still reported after authentication."""
    try:
        return parse_json_object(raw)
    except errors.ApiError:
        return {}


def parse_json_object(raw: bytes | str | None) -> dict[str, Any]:
    """Empty body -> ``{}``; invalid JSON -> 400; JSON that is not an object -> 400."""
    if raw is None:
        return {}
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise errors.problems_parsing_json() from exc
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
        # "\ud800" escapes decode to lone surrogates, which are not text: nothing could store them.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError) as exc:  # UnicodeEncodeError is a ValueError
        raise errors.problems_parsing_json() from exc
    if not isinstance(value, dict):
        raise errors.body_not_object()
    return value


def _clean_fingerprint(value: str | None) -> str | None:
    return value or None  # "" is "no fingerprint" (go-github routes "" to the plain path)


class AuthorizationFields(BaseModel):
    """Fields every authorization body may carry."""

    model_config = ConfigDict(extra="ignore", strict=True)

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
        # GitHub accepted "" here; anything else must at least look like a URL (it has a scheme).
        if v:
            if len(v) > MAX_NOTE_URL or any(ord(c) < 0x20 or c.isspace() for c in v):
                raise ValueError("not a URL")
            parts = urlsplit(v)
            if not parts.scheme or not (parts.netloc or parts.path):
                raise ValueError("not a URL")
        return v

    @field_validator("fingerprint")
    @classmethod
    def _fingerprint(cls, v: str | None) -> str | None:
        if v is not None and len(v) > MAX_FINGERPRINT:
            raise ValueError("too long")
        return _clean_fingerprint(v)

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


_MISSING_IS_FIELD_ERROR = {"client_secret"}
_FIELD_NAMES = {"note": "description"}  # GitHub's internal name for a personal token's note


def _to_field_errors(exc: ValidationError, renames: dict[str, str] | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "body"
        if field in seen:
            continue
        seen.add(field)
        code = "missing_field" if field in _MISSING_IS_FIELD_ERROR or err["type"] == "missing" else "invalid"
        out.append(errors.field_error((renames or {}).get(field, field), code))
    return out


def create_body(payload: dict[str, Any], documentation_url: str) -> CreateBody:
    try:
        body = CreateBody.model_validate(payload)
    except ValidationError as exc:
        errs = _to_field_errors(exc, _FIELD_NAMES)
        for err in errs:  # an empty or null note is as good as none (a too long or ill-typed one is invalid)
            if err["field"] == "description" and payload.get("note") in (None, ""):
                err["code"] = "missing_field"
        raise errors.validation_failed(errs, documentation_url) from None
    return body


def update_body(payload: dict[str, Any], documentation_url: str) -> UpdateBody:
    try:
        body = UpdateBody.model_validate(payload)
    except ValidationError as exc:
        raise errors.validation_failed(_to_field_errors(exc), documentation_url) from None
    sent = [k for k in ("scopes", "add_scopes", "remove_scopes") if payload.get(k) is not None]
    if len(sent) > 1:
        message = "You can only send one of these scope keys at a time."
        raise errors.validation_failed([errors.field_error("scopes", "custom", message)], documentation_url)
    if "scopes" not in sent:
        body = body.model_copy(update={"scopes": None})
    return body


def get_or_create_body(
    payload: dict[str, Any], path_client_id: str, path_fingerprint: str | None, documentation_url: str
) -> GetOrCreateBody:
    try:
        body = GetOrCreateBody.model_validate(payload)
    except ValidationError as exc:
        raise errors.validation_failed(_to_field_errors(exc), documentation_url) from None
    if body.client_id is not None and body.client_id != path_client_id:
        raise errors.validation_failed([errors.field_error("client_id", "invalid")], documentation_url)
    if path_fingerprint is not None:
        # The path form wins over a body fingerprint (behaviour.md §5.2).
        body = body.model_copy(update={"fingerprint": _clean_fingerprint(path_fingerprint)})
    return body

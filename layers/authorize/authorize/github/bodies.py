"""Request bodies: raw bytes to a JSON object, then to the validated input models of ``domain.inputs``.

GitHub parsed bodies as JSON whatever their Content-Type, answered 400 for bad JSON or a
non-object, and 422 ``Validation Failed`` with per-field ``errors`` for the rest (behaviour.md §4, §5.1).
Ill-typed values are 422 ``invalid``, not 400.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..domain.admin_inputs import validated
from ..domain.exceptions import FieldError, RequestRefused, ValidationFailed
from ..domain.inputs import MAX_FINGERPRINT, CreateBody, GetOrCreateBody, UpdateBody, clean_fingerprint

RawBody = bytes | str | None
M = TypeVar("M", bound=BaseModel)


class ProblemsParsingJson(Exception):
    """The body is not JSON (or not UTF-8, or holds text nothing could store)."""


class BodyNotObject(Exception):
    """The body is JSON, but not an object."""


def parse_json_object(raw: RawBody) -> dict[str, Any]:
    """Empty body -> ``{}``; invalid JSON -> ``ProblemsParsingJson``; not an object -> ``BodyNotObject``."""
    if raw is None:
        return {}
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ProblemsParsingJson() from exc
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
        # "\ud800" escapes decode to lone surrogates, which are not text: nothing could store them.
        # Only an escape or a non-ASCII character can bring one in: a plain ASCII body needs no check.
        if not raw.isascii() or "\\u" in raw:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError) as exc:  # UnicodeEncodeError is a ValueError
        raise ProblemsParsingJson() from exc
    if not isinstance(value, dict):
        raise BodyNotObject()
    return value


class JsonBody:
    """A request body parsed at most once: what a route peeks at before authenticating and what it
    validates after share one parse. A body that does not parse is parsed again when asked again (the
    error path), so each caller gets its own exception."""

    __slots__ = ("_parsed", "raw")

    def __init__(self, raw: RawBody) -> None:
        self.raw = raw
        self._parsed: dict[str, Any] | None = None

    def object(self) -> dict[str, Any]:
        if self._parsed is None:
            self._parsed = parse_json_object(self.raw)
        return self._parsed


Body = RawBody | JsonBody


def _object(raw: Body) -> dict[str, Any]:
    return raw.object() if isinstance(raw, JsonBody) else parse_json_object(raw)


def _peek(raw: Body, name: str) -> str | None:
    """The body's string ``name`` if the body is a JSON object with one: for deciding what to read
    before authenticating, while errors in the body are still reported after authentication."""
    try:
        value = _object(raw).get(name)
    except (ProblemsParsingJson, BodyNotObject):
        return None
    return value if isinstance(value, str) else None


def peek_client_id(raw: Body) -> str | None:
    return _peek(raw, "client_id")


def peek_fingerprint(raw: Body, path_fingerprint: str | None) -> str | None:
    """The fingerprint a get-or-create names: the path's, else the body's ("" is none)."""
    return clean_fingerprint(path_fingerprint if path_fingerprint is not None else _peek(raw, "fingerprint"))


_MISSING_IS_FIELD_ERROR = {"client_secret"}
_FIELD_NAMES = {"note": "description"}  # GitHub's internal name for a personal token's note


def _field_errors(exc: ValidationError, renames: dict[str, str] | None = None) -> list[FieldError]:
    out: list[FieldError] = []
    seen: set[str] = set()
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "body"
        if field in seen:
            continue
        seen.add(field)
        code = "missing_field" if field in _MISSING_IS_FIELD_ERROR or err["type"] == "missing" else "invalid"
        out.append(FieldError((renames or {}).get(field, field), code))
    return out


def _validate(model: type[M], payload: dict[str, Any]) -> M:
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise ValidationFailed(*_field_errors(exc)) from None


def create_body(raw: Body) -> CreateBody:
    payload = _object(raw)
    try:
        return CreateBody.model_validate(payload)
    except ValidationError as exc:
        # An empty or null note is as good as none (a too long or ill-typed one is invalid).
        missing_note = payload.get("note") in (None, "")
        errs = [
            FieldError(e.field, "missing_field") if e.field == "description" and missing_note else e
            for e in _field_errors(exc, _FIELD_NAMES)
        ]
        raise ValidationFailed(*errs) from None


def update_body(raw: RawBody) -> UpdateBody:
    payload = parse_json_object(raw)
    body = _validate(UpdateBody, payload)
    sent = [k for k in ("scopes", "add_scopes", "remove_scopes") if payload.get(k) is not None]
    if len(sent) > 1:
        raise ValidationFailed(FieldError("scopes", "custom", "You can only send one of these scope keys at a time."))
    if "scopes" not in sent:
        body = body.model_copy(update={"scopes": None})
    return body


def get_or_create_body(raw: Body, path_client_id: str, path_fingerprint: str | None) -> GetOrCreateBody:
    payload = _object(raw)
    if path_fingerprint is not None and len(path_fingerprint) > MAX_FINGERPRINT:
        raise ValidationFailed(FieldError("fingerprint", "invalid"))
    body = _validate(GetOrCreateBody, payload)
    if body.client_id is not None and body.client_id != path_client_id:
        raise ValidationFailed(FieldError("client_id", "invalid"))
    if path_fingerprint is not None:
        # The path form wins over a body fingerprint (behaviour.md §5.2).
        body = body.model_copy(update={"fingerprint": clean_fingerprint(path_fingerprint)})
    return body


def access_token_body(raw: RawBody) -> str:
    """The ``access_token`` of an app-authenticated token request's body."""
    token = parse_json_object(raw).get("access_token")
    if not isinstance(token, str) or not token:
        raise ValidationFailed(FieldError("access_token", "missing_field"))
    return token


def revocation_body(raw: RawBody, max_credentials: int) -> list[str]:
    """``{"credentials": [...]}``: 1 to ``max_credentials`` strings."""
    credentials = parse_json_object(raw).get("credentials")
    if (
        not isinstance(credentials, list)
        or not 1 <= len(credentials) <= max_credentials
        or not all(isinstance(c, str) for c in credentials)
    ):
        raise RequestRefused(f"credentials must be a list of 1 to {max_credentials} strings")
    return credentials


def admin_body(model: type[M], raw: RawBody) -> M:
    """A site-administrator request's body as ``model`` (``domain.admin_inputs``); an empty one is ``{}``."""
    return validated(model, parse_json_object(raw))

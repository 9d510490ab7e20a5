"""Building and changing authorization records: issuing a token, applying a PATCH, resetting a token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import scopes, tokens
from .exceptions import FieldError, ValidationFailed
from .inputs import AuthorizationFields, UpdateBody
from .records import PERSONAL_APP_URL, PERSONAL_CLIENT_ID, AppRecord, AuthorizationRecord, UserRecord, expiry, iso


@dataclass(frozen=True)
class Issued:
    """An authorization and the plaintext token it was just issued with (``created``: a new one)."""

    authorization: AuthorizationRecord
    created: bool
    token: str


def issue(user: UserRecord, app: AppRecord | None, fields: AuthorizationFields, now: datetime) -> Issued:
    """A fresh token and the record for it: an app token, or a personal one when ``app`` is None."""
    token = tokens.new_token(tokens.APP_TOKEN_PREFIX if app else tokens.PERSONAL_TOKEN_PREFIX)
    stamp = iso(now)
    record = AuthorizationRecord(
        id=tokens.new_authorization_id(),
        user_id=user.id,
        user_login=user.login,
        client_id=app.client_id if app else PERSONAL_CLIENT_ID,
        # A personal token's "app" is named by its note (behaviour.md §2).
        app_name=app.name if app else fields.note or "",
        app_url=app.url if app else PERSONAL_APP_URL,
        scopes=fields.scopes or [],
        note=fields.note,
        note_url=fields.note_url,
        fingerprint=fields.fingerprint,
        hashed_token=tokens.hash_token(token),
        token_last_eight=token[-8:],
        created_at=stamp,
        updated_at=stamp,
        expires_at=expiry(now, app.token_lifetime if app else None),
    )
    return Issued(record, True, token)


def _revised(current: AuthorizationRecord, now: datetime, **changes: Any) -> AuthorizationRecord:
    """``current`` changed, stamped, and one revision on (the optimistic lock of every replace)."""
    return current.model_copy(update={**changes, "updated_at": iso(now), "revision": current.revision + 1})


def apply_update(current: AuthorizationRecord, change: UpdateBody, now: datetime) -> AuthorizationRecord:
    """PATCH /authorizations/{id} (behaviour.md §6.4): scopes replaced, added or removed; note, note_url
    and fingerprint set when sent."""
    sent = change.model_fields_set
    new_scopes = list(current.scopes)
    if change.scopes is not None:
        new_scopes = change.scopes
    elif change.add_scopes is not None:
        new_scopes = scopes.normalize([*current.scopes, *change.add_scopes])
    elif change.remove_scopes is not None:
        removed = set(change.remove_scopes)
        new_scopes = [s for s in current.scopes if s not in removed]
    update: dict[str, Any] = {"scopes": new_scopes}
    for name in ("note", "note_url", "fingerprint"):
        if name in sent:
            update[name] = getattr(change, name)
    if current.is_personal:
        # A personal token is named by its note: it cannot lose it, and its "app" follows it.
        if not update.get("note", current.note):
            raise ValidationFailed(FieldError("description", "missing_field"))
        update["app_name"] = update.get("note", current.note)
    return _revised(current, now, **update)


def reset(current: AuthorizationRecord, app: AppRecord, now: datetime) -> Issued:
    """The same authorization with a new token (the old one stops working in the same write)."""
    token = tokens.new_token(tokens.APP_TOKEN_PREFIX)
    record = _revised(
        current,
        now,
        hashed_token=tokens.hash_token(token),
        token_last_eight=token[-8:],
        # A new token gets a full lifetime of its own.
        expires_at=expiry(now, app.token_lifetime),
    )
    return Issued(record, True, token)

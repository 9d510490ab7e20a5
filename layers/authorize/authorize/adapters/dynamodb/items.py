"""Records <-> items: how a record is laid out in the table's items (see ``keys`` for the keys)."""

from __future__ import annotations

from ...domain.records import AppRecord, AuthorizationRecord, UserRecord
from .codec import Item, from_item, to_av, to_item
from .keys import (
    KIND_APP,
    KIND_AUTHORIZATION,
    KIND_EMAIL,
    KIND_ID_GUARD,
    KIND_TOKEN,
    KIND_USER,
    KIND_USER_BY_ID,
    TTL_ATTRIBUTE,
    app_key,
    authorization_key,
    authorization_sk,
    email_key,
    id_guard_key,
    token_key,
    user_id_key,
    user_key,
)

AUTH_FIELDS = tuple(AuthorizationRecord.model_fields)


def authorization_items(record: AuthorizationRecord) -> tuple[Item, Item, Item]:
    """The record under its key, its id guard and its token item: the same attributes, serialised once."""
    attributes = to_item(record.model_dump())
    attributes["auth_sk"] = {"S": authorization_sk(record)}
    expires = record.expires_epoch()
    ttl = {} if expires is None else {TTL_ATTRIBUTE: {"N": str(expires)}}
    return (
        {**authorization_key(record), **attributes, "kind": {"S": KIND_AUTHORIZATION}, **ttl},
        # No ttl on the id guard: it outlives the authorization, so ids are never reused.
        {**id_guard_key(record.id), **attributes, "kind": {"S": KIND_ID_GUARD}},
        {**token_key(record.hashed_token), **attributes, "kind": {"S": KIND_TOKEN}, **ttl},
    )


def tombstone(record: AuthorizationRecord) -> Item:
    """What stays of a deleted authorization: its id guard, so the id is never issued again."""
    return {
        **id_guard_key(record.id),
        "kind": {"S": KIND_ID_GUARD},
        "deleted": {"BOOL": True},
        "user_id": to_av(record.user_id),
    }


def authorization_from(item: Item) -> AuthorizationRecord:
    values = from_item(item)
    return AuthorizationRecord.model_validate({k: values[k] for k in AUTH_FIELDS if k in values})


def live_authorization(item: Item | None) -> AuthorizationRecord | None:
    """The authorization an item holds; None when absent, or an id guard left by a delete."""
    if not item or "hashed_token" not in item:
        return None
    return authorization_from(item)


def user_items(user: UserRecord) -> tuple[Item, Item]:
    """The user under its login and under its id: the same attributes, serialised once."""
    attributes = to_item(user.model_dump(exclude_none=True))
    return (
        {**user_key(user.login), **attributes, "kind": {"S": KIND_USER}},
        {**user_id_key(user.id), **attributes, "kind": {"S": KIND_USER_BY_ID}},
    )


def email_item(user: UserRecord) -> Item:
    """The guard that keeps ``user``'s email its own (``user.email`` is set)."""
    assert user.email is not None
    return {**email_key(user.email), "user_id": to_av(user.id), "kind": {"S": KIND_EMAIL}}


def user_from(item: Item | None) -> UserRecord | None:
    return UserRecord.model_validate(from_item(item)) if item else None


def app_item(app: AppRecord) -> Item:
    return {**app_key(app.client_id), **to_item(app.model_dump()), "kind": {"S": KIND_APP}}


def app_from(item: Item | None) -> AppRecord | None:
    return AppRecord.model_validate(from_item(item)) if item else None

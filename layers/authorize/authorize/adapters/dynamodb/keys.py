"""The table's item schema: the only place its keys, kinds and TTL attribute are spelled.

Items (pk / sk), all in one table with a string partition key ``pk`` and sort key ``sk``:
  USER#<login, lower-case> / USER            a user: argon2id hash, sealed TOTP seed, profile, status
  USERID#<user_id> / USERID                  the same user record, by id (token paths, renames);
                                             written with USER# in one transaction, same ``revision``
  EMAIL#<sha256(email, lower-case)> / EMAIL  email guard: ``user_id`` of the user who has that email
  APP#<client_id> / APP                      an OAuth app: SHA-256 of its client secret
  LOCK#<login, lower-case> / W#<window>      failed-login counter of one window, purged by ``ttl``
  AUTHS#<user_id> / KEY#<client_id>#<fp>     an app authorization, under its get-or-create key (an
                                             impersonation token is one of ``IMPERSONATION_CLIENT_ID``)
  AUTHS#<user_id> / PAT#<sha256(note)>       a personal token, under its (user, note) key
  AUTHID#<id> / AUTHID                       id guard and lookup copy by id; after a delete a
                                             tombstone (``deleted``) that keeps the id from reuse
  TOKEN#<sha256(token)> / TOKEN              token guard and lookup copy by token hash
  RATE#<bucket> / W#<window>                 requests of one client address in one window (the
                                             credential revocation API's limit), purged by ``ttl``
  COUNTER#user / COUNTER                     the user id sequence (attribute ``value``)
``<fp>`` is ``-`` for no fingerprint, else ``F`` + SHA-256 of the fingerprint (fingerprints may be
longer than a comfortable sort key, and need no prefix ordering). A user's authorizations are one
Query on ``AUTHS#<user_id>``; there is no secondary index. The three items of an authorization carry
the same attributes (the record, ``revision`` for optimistic locking) and a ``kind``; the key item and
the token item carry ``ttl`` when the token expires, the id guard never does. Users stored before
USERID# existed have only their USER# item until their first change; readers by id fall back to it.
"""

from __future__ import annotations

import hashlib

from ...domain.records import AuthorizationRecord
from ...ports import AuthorizationKey
from .codec import Item

PK = "pk"
SK = "sk"
TTL_ATTRIBUTE = "ttl"
FAILURES_ATTRIBUTE = "failures"
REQUESTS_ATTRIBUTE = "requests"
COUNTER_ATTRIBUTE = "value"

# The ``kind`` attribute of each item type (for people reading the table, and for scans).
KIND_USER = "user"
KIND_USER_BY_ID = "userid"
KIND_EMAIL = "email"
KIND_APP = "app"
KIND_AUTHORIZATION = "authorization"
KIND_ID_GUARD = "authid"
KIND_TOKEN = "token"  # noqa: S105 - an item kind, not a secret


def _key(pk: str, sk: str) -> Item:
    return {PK: {"S": pk}, SK: {"S": sk}}


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def user_key(login: str) -> Item:
    return _key(f"USER#{login.lower()}", "USER")


def user_id_key(user_id: int) -> Item:
    return _key(f"USERID#{user_id}", "USERID")


def email_key(email: str) -> Item:
    return _key(f"EMAIL#{_sha256(email.lower())}", "EMAIL")


def lock_pk(login: str) -> str:
    """The partition of one login's failed-login windows."""
    return f"LOCK#{login.lower()}"


def app_key(client_id: str) -> Item:
    return _key(f"APP#{client_id}", "APP")


def lock_key(login: str, window_start: int) -> Item:
    return _key(lock_pk(login), f"W#{window_start}")


def rate_key(bucket: str, window_start: int) -> Item:
    return _key(f"RATE#{bucket}", f"W#{window_start}")


def user_counter_key() -> Item:
    return _key("COUNTER#user", "COUNTER")


def user_authorizations_pk(user_id: int) -> str:
    return f"AUTHS#{user_id}"


def fingerprint_part(fingerprint: str | None) -> str:
    return "-" if fingerprint is None else "F" + _sha256(fingerprint)


def app_authorization_sk(client_id: str, fingerprint: str | None) -> str:
    return f"KEY#{client_id}#{fingerprint_part(fingerprint)}"


def authorization_sk(record: AuthorizationRecord) -> str:
    """The uniqueness key: (client, fingerprint) for app tokens, the note for personal tokens."""
    if record.is_personal:
        return f"PAT#{_sha256(record.note or '')}"
    return app_authorization_sk(record.client_id, record.fingerprint)


def keyed_authorization_key(key: AuthorizationKey) -> Item:
    return _key(user_authorizations_pk(key.user_id), app_authorization_sk(key.client_id, key.fingerprint))


def authorization_key(record: AuthorizationRecord) -> Item:
    return _key(user_authorizations_pk(record.user_id), authorization_sk(record))


def id_guard_key(authorization_id: int) -> Item:
    return _key(f"AUTHID#{authorization_id}", "AUTHID")


def token_key(hashed_token: str) -> Item:
    return _key(f"TOKEN#{hashed_token}", "TOKEN")


def same_key(item: Item, key: Item) -> bool:
    """Whether ``item`` (as read) is the item stored under ``key``."""
    return item.get(PK) == key[PK] and item.get(SK) == key[SK]

"""DynamoDB implementation of the store port: one table, single-table design.

Items (pk / sk):
  USER#<login, lower-case> / USER            a user: argon2id hash, sealed TOTP seed
  APP#<client_id> / APP                      an OAuth app: SHA-256 of its client secret
  LOCK#<login, lower-case> / W#<window>      failed-login counter for one window, expires by ``ttl``
  AUTHS#<user_id> / KEY#<client_id>#<fp>     an authorization, keyed for get-or-create; gsi1 lists a
                                             user's authorizations by id (gsi1pk AUTHS#.., gsi1sk id)
  AUTHID#<id> / AUTHID                       id guard: keeps every id unique and never reused
  TOKEN#<sha256(token)> / TOKEN              token guard and lookup copy of the authorization
  COUNTER#user / COUNTER                     user id sequence
``<fp>`` is ``-`` for no fingerprint, else ``F`` + SHA-256 of the fingerprint (fingerprints may be
longer than a comfortable sort key, and need no prefix ordering).
"""

from __future__ import annotations

import functools
import hashlib
import random
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, HTTPClientError

from . import errors
from .dynamo_codec import Item, from_item, to_av, to_item
from .models import AppRecord, AuthorizationRecord, LoginContext, UserRecord
from .store import AlreadyExists, AuthorizationStore, Conflict, IdCollision

_T = TypeVar("_T")

# Answers that mean "the database is busy or unwell, not your request": after botocore's own retries
# they become 503 + Retry-After.
TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "TransactionConflictException",
        "TransactionInProgressException",
        "LimitExceededException",
    }
)
# Reasons inside TransactionCanceledException that are worth another try of the same write.
_RETRYABLE_REASONS = frozenset(
    {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
)
_WRITE_ATTEMPTS = 6

AUTH_FIELDS = tuple(AuthorizationRecord.model_fields)


def client_config(max_attempts: int, connect_timeout: float, read_timeout: float) -> Config:
    return Config(
        # total_max_attempts counts the first try too (botocore's max_attempts counts only retries).
        retries={"mode": "standard", "total_max_attempts": max_attempts},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        tcp_keepalive=True,
    )


def user_key(login: str) -> Item:
    return {"pk": {"S": f"USER#{login.lower()}"}, "sk": {"S": "USER"}}


def app_key(client_id: str) -> Item:
    return {"pk": {"S": f"APP#{client_id}"}, "sk": {"S": "APP"}}


def lock_key(login: str, window_start: int) -> Item:
    return {"pk": {"S": f"LOCK#{login.lower()}"}, "sk": {"S": f"W#{window_start}"}}


def fingerprint_part(fingerprint: str | None) -> str:
    if fingerprint is None:
        return "-"
    return "F" + _sha256(fingerprint)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def authorization_sk(record: AuthorizationRecord) -> str:
    """The uniqueness key: (client, fingerprint) for app tokens, the note for personal tokens."""
    if record.is_personal:
        return f"PAT#{_sha256(record.note or '')}"
    return f"KEY#{record.client_id}#{fingerprint_part(record.fingerprint)}"


def authorization_key(record: AuthorizationRecord) -> Item:
    return {"pk": {"S": f"AUTHS#{record.user_id}"}, "sk": {"S": authorization_sk(record)}}


def id_guard_key(authorization_id: int) -> Item:
    return {"pk": {"S": f"AUTHID#{authorization_id}"}, "sk": {"S": "AUTHID"}}


def token_key(hashed_token: str) -> Item:
    return {"pk": {"S": f"TOKEN#{hashed_token}"}, "sk": {"S": "TOKEN"}}


def _translate_faults(fn: Callable[..., _T]) -> Callable[..., _T]:
    """Turn infrastructure faults into ``ServiceUnavailable``; leave everything else alone."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> _T:
        try:
            return fn(*args, **kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
            # Any 5xx is the service's (or a proxy's) trouble, also when its body names no known
            # code: an HTML 502 from a load balancer parses as Code "502".
            if code in TRANSIENT_CODES or status >= 500:
                raise errors.ServiceUnavailable() from None
            raise
        except (ConnectionError, HTTPClientError, BotoCoreError) as exc:
            # Timeouts, refused or reset connections (after botocore's retries).
            raise errors.ServiceUnavailable() from exc

    return wrapper


def _backoff(attempt: int) -> None:
    time.sleep(min(0.5, 0.01 * 2**attempt) * random.random())  # noqa: S311 - jitter, not a secret


class DynamoDBStore(AuthorizationStore):
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    # --- reads ---------------------------------------------------------------------------------

    @_translate_faults
    def load_login_context(
        self,
        login: str,
        client_id: str | None,
        window_start: int,
        *,
        authorization_id: int | None = None,
        token_hash: str | None = None,
    ) -> LoginContext:
        keys = [user_key(login), lock_key(login, window_start)]
        if client_id is not None:
            keys.append(app_key(client_id))
        if authorization_id is not None:
            keys.append(id_guard_key(authorization_id))
        if token_hash is not None:
            keys.append(token_key(token_hash))
        items = self._batch_get(keys)
        user = items.get(f"USER#{login.lower()}")
        app = items.get(f"APP#{client_id}") if client_id is not None else None
        lock = items.get(f"LOCK#{login.lower()}")
        return LoginContext(
            user=UserRecord.model_validate(from_item(user)) if user else None,
            app=AppRecord.model_validate(from_item(app)) if app else None,
            failed_logins=int(lock["failures"]["N"]) if lock and "failures" in lock else 0,
            authorization=self._live_record(items.get(f"AUTHID#{authorization_id}")),
            password_token=self._live_record(items.get(f"TOKEN#{token_hash}")),
        )

    @_translate_faults
    def load_app_token(self, client_id: str, token_hash: str) -> tuple[AppRecord | None, AuthorizationRecord | None]:
        items = self._batch_get([app_key(client_id), token_key(token_hash)])
        app = items.get(f"APP#{client_id}")
        return (
            AppRecord.model_validate(from_item(app)) if app else None,
            self._live_record(items.get(f"TOKEN#{token_hash}")),
        )

    @_translate_faults
    def get_authorization(self, authorization_id: int) -> AuthorizationRecord | None:
        response = self._client.get_item(TableName=self._table, Key=id_guard_key(authorization_id), ConsistentRead=True)
        return self._live_record(response.get("Item"))

    @_translate_faults
    def find_token(self, token_hash: str) -> AuthorizationRecord | None:
        response = self._client.get_item(TableName=self._table, Key=token_key(token_hash), ConsistentRead=True)
        return self._live_record(response.get("Item"))

    @_translate_faults
    def list_authorizations(self, user_id: int) -> list[AuthorizationRecord]:
        records: list[AuthorizationRecord] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": f"AUTHS#{user_id}"}},
            "ConsistentRead": True,
        }
        while True:
            page = self._client.query(**kwargs)
            records.extend(self.record_from(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return records
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _batch_get(self, keys: list[Item]) -> dict[str, Item]:
        """Strongly consistent BatchGetItem, retrying unprocessed keys; items by their pk."""
        found: dict[str, Item] = {}
        request: dict[str, Any] = {self._table: {"Keys": keys, "ConsistentRead": True}}
        for attempt in range(_WRITE_ATTEMPTS):
            response = self._client.batch_get_item(RequestItems=request)
            for item in response.get("Responses", {}).get(self._table, []):
                found[item["pk"]["S"]] = item
            request = response.get("UnprocessedKeys") or {}
            if not request:
                return found
            _backoff(attempt)
        raise errors.ServiceUnavailable()

    # --- writes --------------------------------------------------------------------------------

    @_translate_faults
    def record_failed_login(self, login: str, window_start: int, expires_at: int) -> int:
        response = self._client.update_item(
            TableName=self._table,
            Key=lock_key(login, window_start),
            UpdateExpression="ADD failures :one SET #ttl = :ttl",
            ExpressionAttributeNames={"#ttl": "ttl"},
            ExpressionAttributeValues={":one": {"N": "1"}, ":ttl": {"N": str(expires_at)}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["failures"]["N"])

    # --- authorization items: the record under its key, plus two copies kept in step with it -----

    @staticmethod
    def _puts(record: AuthorizationRecord) -> tuple[Item, Item, Item]:
        """The record under its key, its id guard and its token item: the same attributes, serialised once."""
        attributes = to_item(record.model_dump())
        attributes["auth_sk"] = {"S": authorization_sk(record)}
        expires = record.expires_epoch()
        ttl = {} if expires is None else {"ttl": {"N": str(expires)}}
        return (
            {**authorization_key(record), **attributes, "kind": {"S": "authorization"}, **ttl},
            # No ttl on the id guard: it outlives the authorization, so ids are never reused.
            {**id_guard_key(record.id), **attributes, "kind": {"S": "authid"}},
            {**token_key(record.hashed_token), **attributes, "kind": {"S": "token"}, **ttl},
        )

    @staticmethod
    def record_from(item: Item) -> AuthorizationRecord:
        values = from_item(item)
        return AuthorizationRecord.model_validate({k: values[k] for k in AUTH_FIELDS if k in values})

    @classmethod
    def _live_record(cls, item: Item | None) -> AuthorizationRecord | None:
        if not item or "hashed_token" not in item:  # absent, or an id guard left by a delete
            return None
        return cls.record_from(item)

    def _put(self, item: Item, condition: str, revision: int | None = None, **extra: Any) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._table, "Item": item, "ConditionExpression": condition, **extra}
        if revision is not None:
            put["ExpressionAttributeValues"] = {":rev": {"N": str(revision)}}
        return {"Put": put}

    def _delete(self, key: Item, revision: int) -> dict[str, Any]:
        return {
            "Delete": {
                "TableName": self._table,
                "Key": key,
                "ConditionExpression": "revision = :rev",
                "ExpressionAttributeValues": {":rev": {"N": str(revision)}},
            }
        }

    def _transact(self, items: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """Run one transaction; None on success, else the per-item cancellation reasons.

        Conflicts with concurrent transactions and throttled items are retried here with backoff.
        """
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                # The request token makes botocore's own retries of this call idempotent: if a write
                # succeeded and its response was lost, the retry reports success instead of failing.
                self._client.transact_write_items(TransactItems=items, ClientRequestToken=str(uuid.uuid4()))
                return None
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                reasons = exc.response.get("CancellationReasons") or []
                codes = [r.get("Code") for r in reasons]
                if "ConditionalCheckFailed" in codes:
                    return reasons
                if not set(codes) & _RETRYABLE_REASONS:
                    raise
                _backoff(attempt)
        raise errors.ServiceUnavailable()

    @staticmethod
    def _failed(reasons: list[dict[str, Any]]) -> set[int]:
        return {i for i, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"}

    @_translate_faults
    def get_or_create_authorization(
        self, new: AuthorizationRecord, now: int | None = None
    ) -> tuple[AuthorizationRecord, bool]:
        primary, guard, token = self._puts(new)
        not_exists = "attribute_not_exists(pk)"
        # An expired authorization still on its key (TTL deletes lazily) gives way to the new one.
        free_key = {
            "ConditionExpression": "attribute_not_exists(pk) OR #ttl < :now",
            "ExpressionAttributeNames": {"#ttl": "ttl"},
            "ExpressionAttributeValues": {":now": {"N": str(int(time.time()) if now is None else now)}},
        }
        reasons = self._transact(
            [
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": primary,
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                        **free_key,
                    }
                },
                self._put(guard, not_exists),
                self._put(token, not_exists),
            ]
        )
        if reasons is None:
            return new, True
        if 0 in self._failed(reasons):
            existing = self.record_from(reasons[0]["Item"])
            # Our own earlier attempt may have landed (lost response, then a retry): the stored
            # token hash is ours, so this is still the creation.
            return existing, existing.hashed_token == new.hashed_token
        raise IdCollision()

    @_translate_faults
    def create_authorization(self, new: AuthorizationRecord) -> None:
        primary, guard, token = self._puts(new)
        not_exists = "attribute_not_exists(pk)"
        reasons = self._transact(
            [self._put(primary, not_exists), self._put(guard, not_exists), self._put(token, not_exists)]
        )
        if reasons is None:
            return
        if 0 in self._failed(reasons):
            raise AlreadyExists()
        raise IdCollision()

    @_translate_faults
    def replace_authorization(self, old: AuthorizationRecord, new: AuthorizationRecord) -> None:
        same = "revision = :rev"
        primary, guard, token = self._puts(new)
        items: list[dict[str, Any]] = []
        new_key_index = new_token_index = -1
        if authorization_sk(old) == authorization_sk(new):
            items.append(self._put(primary, same, old.revision))
        else:
            items.append(self._delete(authorization_key(old), old.revision))
            new_key_index = len(items)
            items.append(self._put(primary, "attribute_not_exists(pk)"))
        items.append(self._put(guard, same, old.revision))
        if old.hashed_token == new.hashed_token:
            items.append(self._put(token, same, old.revision))
        else:
            items.append(self._delete(token_key(old.hashed_token), old.revision))
            new_token_index = len(items)
            items.append(self._put(token, "attribute_not_exists(pk)"))
        reasons = self._transact(items)
        if reasons is None:
            return
        failed = self._failed(reasons)
        if failed == {new_key_index}:
            raise AlreadyExists()
        if failed == {new_token_index}:
            raise IdCollision()
        raise Conflict()

    @_translate_faults
    def delete_authorizations(self, records: Sequence[AuthorizationRecord]) -> None:
        # 3 items per authorization; a transaction takes 100. Beyond 33 authorizations (one user's
        # tokens for one app) the deletion runs in several transactions, each atomic.
        for start in range(0, len(records), 33):
            items: list[dict[str, Any]] = []
            for record in records[start : start + 33]:
                tombstone = id_guard_key(record.id)
                tombstone.update({"kind": {"S": "authid"}, "deleted": {"BOOL": True}, "user_id": to_av(record.user_id)})
                items += [
                    self._delete(authorization_key(record), record.revision),
                    self._delete(token_key(record.hashed_token), record.revision),
                    self._put(tombstone, "revision = :rev", record.revision),
                ]
            if self._transact(items) is not None:
                raise Conflict()

    @_translate_faults
    def allocate_user_id(self) -> int:
        response = self._client.update_item(
            TableName=self._table,
            Key={"pk": {"S": "COUNTER#user"}, "sk": {"S": "COUNTER"}},
            UpdateExpression="ADD #v :one",
            ExpressionAttributeNames={"#v": "value"},
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["value"]["N"])

    def _put_new(self, item: Item) -> None:
        try:
            self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise AlreadyExists() from None
            raise

    @_translate_faults
    def put_user(self, user: UserRecord) -> None:
        item = user_key(user.login)
        item.update(to_item(user.model_dump(exclude_none=True)))
        item["kind"] = {"S": "user"}
        self._put_new(item)

    @_translate_faults
    def put_app(self, app: AppRecord) -> None:
        item = app_key(app.client_id)
        item.update(to_item(app.model_dump()))
        item["kind"] = {"S": "app"}
        self._put_new(item)

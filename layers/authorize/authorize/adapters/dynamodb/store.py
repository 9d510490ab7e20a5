"""The store port on DynamoDB: reads as strongly consistent gets, batches and queries; writes as
conditional puts and transactions over the items described in ``keys``."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from ...domain.exceptions import Unavailable
from ...domain.records import AppRecord, AuthorizationRecord
from ...ports import AlreadyExists, AuthorizationKey, AuthorizationStore, Conflict, IdCollision, LoginContext
from . import faults
from .codec import Item
from .faults import STORE_ATTEMPTS, error_code, translate_faults
from .items import (
    app_from,
    app_item,
    authorization_from,
    authorization_items,
    live_authorization,
    tombstone,
    user_from,
)
from .keys import (
    COUNTER_ATTRIBUTE,
    FAILURES_ATTRIBUTE,
    PK,
    REQUESTS_ATTRIBUTE,
    TTL_ATTRIBUTE,
    app_key,
    authorization_key,
    authorization_sk,
    id_guard_key,
    keyed_authorization_key,
    lock_key,
    rate_key,
    same_key,
    token_key,
    user_authorizations_pk,
    user_counter_key,
    user_key,
)
from .transactions import NOT_EXISTS, SAME_REVISION, Transactions, failed
from .users import UserAdministration

# A transaction takes 100 items; each authorization deleted is 3 of them.
DELETES_PER_TRANSACTION = 33
BATCH_GET_KEYS = 100  # BatchGetItem's limit


class DynamoDBStore(UserAdministration, AuthorizationStore):
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name
        self._tx = Transactions(client, table_name)

    # --- reads ---------------------------------------------------------------------------------

    @translate_faults
    def load_login_context(
        self,
        login: str,
        client_id: str | None,
        window_start: int,
        *,
        authorization_id: int | None = None,
        token_hash: str | None = None,
        keyed: AuthorizationKey | None = None,
    ) -> LoginContext:
        wanted = {
            "user": user_key(login),
            "lock": lock_key(login, window_start),
            "app": app_key(client_id) if client_id is not None else None,
            "authorization": id_guard_key(authorization_id) if authorization_id is not None else None,
            "token": token_key(token_hash) if token_hash is not None else None,
            "keyed": keyed_authorization_key(keyed) if keyed is not None else None,
        }
        found = self._batch_get(wanted)
        lock = found.get("lock")
        return LoginContext(
            user=user_from(found.get("user")),
            app=app_from(found.get("app")),
            failed_logins=int(lock[FAILURES_ATTRIBUTE]["N"]) if lock and FAILURES_ATTRIBUTE in lock else 0,
            authorization=live_authorization(found.get("authorization")),
            password_token=live_authorization(found.get("token")),
            keyed=live_authorization(found.get("keyed")),
        )

    @translate_faults
    def load_app_token(self, client_id: str, token_hash: str) -> tuple[AppRecord | None, AuthorizationRecord | None]:
        found = self._batch_get({"app": app_key(client_id), "token": token_key(token_hash)})
        return app_from(found.get("app")), live_authorization(found.get("token"))

    @translate_faults
    def get_authorization(self, authorization_id: int) -> AuthorizationRecord | None:
        return live_authorization(self._get(id_guard_key(authorization_id)))

    @translate_faults
    def find_token(self, token_hash: str) -> AuthorizationRecord | None:
        return live_authorization(self._get(token_key(token_hash)))

    @translate_faults
    def find_tokens(self, token_hashes: Sequence[str]) -> list[AuthorizationRecord]:
        records: list[AuthorizationRecord] = []
        unique = list(dict.fromkeys(token_hashes))
        for start in range(0, len(unique), BATCH_GET_KEYS):
            chunk = unique[start : start + BATCH_GET_KEYS]
            found = self._batch_get({h: token_key(h) for h in chunk})
            records += [r for r in map(live_authorization, found.values()) if r is not None]
        return records

    @translate_faults
    def list_authorizations(self, user_id: int) -> list[AuthorizationRecord]:
        records: list[AuthorizationRecord] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": f"{PK} = :pk",
            "ExpressionAttributeValues": {":pk": {"S": user_authorizations_pk(user_id)}},
            "ConsistentRead": True,
        }
        while True:
            page = self._client.query(**kwargs)
            records.extend(authorization_from(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return records
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _get(self, key: Item) -> Item | None:
        item: Item | None = self._client.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item")
        return item

    def _batch_get(self, wanted: dict[str, Item | None]) -> dict[str, Item]:
        """Strongly consistent BatchGetItem of the named keys (None: not wanted), retrying unprocessed
        keys; the items found, by the same names."""
        keys = {name: key for name, key in wanted.items() if key is not None}
        found: dict[str, Item] = {}
        request: dict[str, Any] = {self._table: {"Keys": list(keys.values()), "ConsistentRead": True}}
        for attempt in range(STORE_ATTEMPTS):
            response = self._client.batch_get_item(RequestItems=request)
            for item in response.get("Responses", {}).get(self._table, []):
                found.update({name: item for name, key in keys.items() if same_key(item, key)})
            request = response.get("UnprocessedKeys") or {}
            if not request:
                return found
            faults.backoff(attempt)  # through the module: tests replace it
        raise Unavailable("dynamodb: unprocessed keys persisted")

    # --- writes --------------------------------------------------------------------------------

    @translate_faults
    def reserve_attempt(self, login: str, window_start: int, expires_at: int, max_failures: int) -> bool:
        return self._bounded_increment(lock_key(login, window_start), FAILURES_ATTRIBUTE, expires_at, max_failures)

    @translate_faults
    def count_request(self, bucket: str, window_start: int, expires_at: int, limit: int) -> bool:
        return self._bounded_increment(rate_key(bucket, window_start), REQUESTS_ATTRIBUTE, expires_at, limit)

    def _bounded_increment(self, key: Item, attribute: str, expires_at: int, limit: int) -> bool:
        """Add one to a window's counter unless it has reached ``limit``, in one conditional write:
        whether it was counted. Concurrent callers can never take it past the limit."""
        return self._conditional(
            self._client.update_item,
            Key=key,
            UpdateExpression="ADD #count :one SET #ttl = :ttl",
            ConditionExpression="attribute_not_exists(#count) OR #count < :limit",
            ExpressionAttributeNames={"#count": attribute, "#ttl": TTL_ATTRIBUTE},
            ExpressionAttributeValues={":one": {"N": "1"}, ":ttl": {"N": str(expires_at)}, ":limit": {"N": str(limit)}},
        )

    @translate_faults
    def release_attempt(self, login: str, window_start: int) -> None:
        # Usually ours is the only attempt counted: delete the counter, so a right password leaves no
        # item behind. Otherwise take one off; a counter that is gone (purged, unlocked) stays gone.
        key = lock_key(login, window_start)
        names = {"#failures": FAILURES_ATTRIBUTE}
        one = {":one": {"N": "1"}}
        if self._conditional(
            self._client.delete_item,
            Key=key,
            ConditionExpression="#failures = :one",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=one,
        ):
            return
        self._conditional(
            self._client.update_item,
            Key=key,
            UpdateExpression="ADD #failures :minus_one",
            ConditionExpression="#failures > :one",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={**one, ":minus_one": {"N": "-1"}},
        )

    def _conditional(self, call: Any, **kwargs: Any) -> bool:
        """A conditional single-item write: False when its condition refused it."""
        try:
            call(TableName=self._table, **kwargs)
        except ClientError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    @translate_faults
    def get_or_create_authorization(
        self, new: AuthorizationRecord, now: int | None = None
    ) -> tuple[AuthorizationRecord, bool]:
        primary, guard, token = authorization_items(new)
        # An expired authorization still on its key (TTL deletes lazily) gives way to the new one.
        free_key: dict[str, Any] = {
            "ExpressionAttributeNames": {"#ttl": TTL_ATTRIBUTE},
            "ExpressionAttributeValues": {":now": {"N": str(int(time.time()) if now is None else now)}},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        reasons = self._tx.run(
            [
                self._tx.put(primary, f"{NOT_EXISTS} OR #ttl < :now", **free_key),
                self._tx.put(guard, NOT_EXISTS),
                self._tx.put(token, NOT_EXISTS),
            ]
        )
        if reasons is None:
            return new, True
        if 0 in failed(reasons):
            existing = authorization_from(reasons[0]["Item"])
            # Our own earlier attempt may have landed (lost response, then a retry): the stored
            # token hash is ours, so this is still the creation.
            return existing, existing.hashed_token == new.hashed_token
        raise IdCollision()

    @translate_faults
    def create_authorization(self, new: AuthorizationRecord) -> None:
        reasons = self._tx.run([self._tx.put(item, NOT_EXISTS) for item in authorization_items(new)])
        if reasons is None:
            return
        if 0 in failed(reasons):
            raise AlreadyExists()
        raise IdCollision()

    @translate_faults
    def replace_authorization(self, old: AuthorizationRecord, new: AuthorizationRecord) -> None:
        primary, guard, token = authorization_items(new)
        items: list[dict[str, Any]] = []
        new_key_index = new_token_index = -1
        if authorization_sk(old) == authorization_sk(new):
            items.append(self._tx.put(primary, SAME_REVISION, old.revision))
        else:
            items.append(self._tx.delete(authorization_key(old), old.revision))
            new_key_index = len(items)
            items.append(self._tx.put(primary, NOT_EXISTS))
        items.append(self._tx.put(guard, SAME_REVISION, old.revision))
        if old.hashed_token == new.hashed_token:
            items.append(self._tx.put(token, SAME_REVISION, old.revision))
        else:
            items.append(self._tx.delete(token_key(old.hashed_token), old.revision))
            new_token_index = len(items)
            items.append(self._tx.put(token, NOT_EXISTS))
        reasons = self._tx.run(items)
        if reasons is None:
            return
        refused = failed(reasons)
        if refused == {new_key_index}:
            raise AlreadyExists()
        if refused == {new_token_index}:
            raise IdCollision()
        raise Conflict()

    @translate_faults
    def delete_authorizations(self, records: Sequence[AuthorizationRecord]) -> None:
        # Beyond 33 authorizations (one user's tokens for one app) the deletion runs in several
        # transactions, each atomic.
        for start in range(0, len(records), DELETES_PER_TRANSACTION):
            items: list[dict[str, Any]] = []
            for record in records[start : start + DELETES_PER_TRANSACTION]:
                items += [
                    self._tx.delete(authorization_key(record), record.revision),
                    self._tx.delete(token_key(record.hashed_token), record.revision),
                    self._tx.put(tombstone(record), SAME_REVISION, record.revision),
                ]
            if self._tx.run(items) is not None:
                raise Conflict()

    @translate_faults
    def allocate_user_id(self) -> int:
        response = self._client.update_item(
            TableName=self._table,
            Key=user_counter_key(),
            UpdateExpression="ADD #v :one",
            ExpressionAttributeNames={"#v": COUNTER_ATTRIBUTE},
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"][COUNTER_ATTRIBUTE]["N"])

    def _put_new(self, item: Item) -> None:
        if not self._conditional(self._client.put_item, Item=item, ConditionExpression=NOT_EXISTS):
            raise AlreadyExists()

    @translate_faults
    def put_app(self, app: AppRecord) -> None:
        self._put_new(app_item(app))

"""The store's user and app administration on DynamoDB (a mixin of ``DynamoDBStore``).

A user is two items written in one transaction (``keys``: ``USER#<login>`` and ``USERID#<id>``), plus an
``EMAIL#`` guard when it has an email; every change is conditional on the ``revision`` read. Items stored
before ``USERID#`` and ``revision`` existed are accepted as revision 0 and completed by their first change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...domain.records import AppRecord, AuthorizationRecord, UserRecord
from ...ports import ActorRefused, AlreadyExists, Conflict, IdCollision
from .codec import Item, to_av
from .faults import translate_faults
from .items import app_from, app_item, authorization_from, email_item, user_from, user_items
from .keys import KIND_APP, KIND_AUTHORIZATION, KIND_USER, PK, app_key, email_key, lock_pk, user_id_key, user_key
from .transactions import NOT_EXISTS, SAME_REVISION, Transactions, failed

if TYPE_CHECKING:
    from collections.abc import Iterator

_ACTIVE_ADMIN = "site_admin = :true AND attribute_not_exists(suspended_at) AND attribute_not_exists(deleted_at)"
_OWN_EMAIL = "attribute_not_exists(pk) OR user_id = :uid"


def _same(revision: int, *, may_be_missing: bool = False) -> tuple[str, dict[str, Any]]:
    """The condition "still the revision read". Revision 0 also matches an item stored before revisions
    (no ``revision`` attribute); ``may_be_missing``: or no item at all (a ``USERID#`` not written yet)."""
    values = {":rev": to_av(revision)}
    if revision:
        return SAME_REVISION, values
    if may_be_missing:
        return f"attribute_not_exists(pk) OR attribute_not_exists(revision) OR {SAME_REVISION}", values
    return f"attribute_exists(pk) AND (attribute_not_exists(revision) OR {SAME_REVISION})", values


def _op(action: str, table: str, item_or_key: Item, condition: str, values: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"TableName": table, "ConditionExpression": condition}
    body["Item" if action == "Put" else "Key"] = item_or_key
    if values:
        body["ExpressionAttributeValues"] = values
    return {action: body}


class UserAdministration:
    """Users and apps, as their administration reads and changes them."""

    _client: Any
    _table: str
    _tx: Transactions

    if TYPE_CHECKING:

        def _get(self, key: Item) -> Item | None: ...

        def _batch_get(self, wanted: dict[str, Item | None]) -> dict[str, Item]: ...

        def _conditional(self, call: Any, **kwargs: Any) -> bool: ...

    # --- users -----------------------------------------------------------------------------------

    @translate_faults
    def put_user(self, user: UserRecord) -> None:
        by_login, by_id = user_items(user)
        items = [_op("Put", self._table, by_login, NOT_EXISTS, {}), _op("Put", self._table, by_id, NOT_EXISTS, {})]
        if user.email:
            items.append(_op("Put", self._table, email_item(user), NOT_EXISTS, {}))
        reasons = self._tx.run(items)
        if reasons is None:
            return
        refused = failed(reasons)
        if 0 in refused:
            raise AlreadyExists("login")
        if 2 in refused:
            raise AlreadyExists("email")
        raise IdCollision()  # the id is taken: ids come from a counter, so only a table edited by hand

    @translate_faults
    def get_user(self, login: str) -> UserRecord | None:
        return user_from(self._get(user_key(login)))

    @translate_faults
    def get_owner(
        self, user_id: int, login_hint: str, client_id: str | None = None
    ) -> tuple[UserRecord | None, AppRecord | None]:
        found = self._batch_get(
            {
                "by_id": user_id_key(user_id),
                "by_login": user_key(login_hint),
                "app": app_key(client_id) if client_id is not None else None,
            }
        )
        user = user_from(found.get("by_id"))
        if user is None:  # stored before users were kept by id: its login item, if still this user's
            legacy = user_from(found.get("by_login"))
            user = legacy if legacy is not None and legacy.id == user_id else None
        return user, app_from(found.get("app"))

    @translate_faults
    def list_users(self) -> list[UserRecord]:
        users = [user_from(item) for item in self._scan(KIND_USER)]
        return sorted((u for u in users if u is not None), key=lambda u: u.login.lower())

    @translate_faults
    def replace_user(self, old: UserRecord, new: UserRecord, *, actor: UserRecord | None = None) -> None:
        table = self._table
        by_login, by_id = user_items(new)
        moved = user_key(old.login) != user_key(new.login)
        checked_actor = actor is not None and actor.id != old.id
        if checked_actor and actor is not None and user_key(actor.login) == user_key(new.login):
            raise AlreadyExists("login")  # renaming someone to the acting administrator's login
        items = []
        if moved:
            items.append(_op("Delete", table, user_key(old.login), *_same(old.revision)))
            login_index = len(items)
            items.append(_op("Put", table, by_login, NOT_EXISTS, {}))
        else:
            login_index = -1
            items.append(_op("Put", table, by_login, *_same(old.revision)))
        items.append(_op("Put", table, by_id, *_same(old.revision, may_be_missing=True)))
        email_index = actor_index = -1
        if (old.email or "").lower() != (new.email or "").lower():
            owner = {":uid": to_av(old.id)}
            if old.email:
                items.append(_op("Delete", table, email_key(old.email), _OWN_EMAIL, owner))
            if new.email:
                email_index = len(items)
                items.append(_op("Put", table, email_item(new), _OWN_EMAIL, owner))
        if checked_actor and actor is not None:
            actor_index = len(items)
            check = {"TableName": table, "Key": user_key(actor.login), "ConditionExpression": _ACTIVE_ADMIN}
            items.append({"ConditionCheck": {**check, "ExpressionAttributeValues": {":true": {"BOOL": True}}}})
        reasons = self._tx.run(items)
        if reasons is None:
            return
        refused = failed(reasons)
        if refused - {login_index, email_index, actor_index}:
            raise Conflict()
        if login_index in refused:
            raise AlreadyExists("login")
        if email_index in refused:
            raise AlreadyExists("email")
        raise ActorRefused()

    @translate_faults
    def delete_user(self, user: UserRecord) -> None:
        items = [
            _op("Delete", self._table, user_key(user.login), *_same(user.revision)),
            _op("Delete", self._table, user_id_key(user.id), *_same(user.revision, may_be_missing=True)),
        ]
        if user.email:
            items.append(_op("Delete", self._table, email_key(user.email), _OWN_EMAIL, {":uid": to_av(user.id)}))
        if self._tx.run(items) is not None:
            raise Conflict()

    @translate_faults
    def clear_failed_logins(self, login: str) -> int:
        windows = self._client.query(
            TableName=self._table,
            KeyConditionExpression=f"{PK} = :pk",
            ExpressionAttributeValues={":pk": {"S": lock_pk(login)}},
            ProjectionExpression="pk, sk",
            ConsistentRead=True,
        ).get("Items", [])
        for key in windows:
            self._client.delete_item(TableName=self._table, Key=key)
        return len(windows)

    # --- apps ------------------------------------------------------------------------------------

    @translate_faults
    def get_app(self, client_id: str) -> AppRecord | None:
        return app_from(self._get(app_key(client_id)))

    @translate_faults
    def list_apps(self) -> list[AppRecord]:
        apps = [app_from(item) for item in self._scan(KIND_APP)]
        return sorted((a for a in apps if a is not None), key=lambda a: a.created_at)

    @translate_faults
    def replace_app(self, old: AppRecord, new: AppRecord) -> None:
        condition, values = _same(old.revision)
        written = self._conditional(
            self._client.put_item, Item=app_item(new), ConditionExpression=condition, ExpressionAttributeValues=values
        )
        if not written:
            raise Conflict()

    @translate_faults
    def delete_app(self, app: AppRecord) -> None:
        condition, values = _same(app.revision)
        deleted = self._conditional(
            self._client.delete_item,
            Key=app_key(app.client_id),
            ConditionExpression=condition,
            ExpressionAttributeValues=values,
        )
        if not deleted:
            raise Conflict()

    @translate_faults
    def app_authorizations(self, client_id: str) -> list[AuthorizationRecord]:
        return [authorization_from(item) for item in self._scan(KIND_AUTHORIZATION, client_id=client_id)]

    # --- helpers ---------------------------------------------------------------------------------

    def _scan(self, kind: str, **equal: str) -> Iterator[Item]:
        """Every item of one kind (and these attribute values), strongly consistent."""
        names = {"#kind": "kind", **{f"#{k}": k for k in equal}}
        values = {":kind": {"S": kind}, **{f":{k}": {"S": v} for k, v in equal.items()}}
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "FilterExpression": " AND ".join(f"#{k} = :{k}" for k in ["kind", *equal]),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ConsistentRead": True,
        }
        while True:
            page = self._client.scan(**kwargs)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

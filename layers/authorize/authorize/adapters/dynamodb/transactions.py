"""TransactWriteItems for the authorization items: conditional puts and deletes, and one runner that
retries conflicts and reports which conditions failed."""

from __future__ import annotations

import uuid
from typing import Any

from botocore.exceptions import ClientError

from ...domain.exceptions import Unavailable
from . import faults
from .codec import Item
from .faults import RETRYABLE_REASONS, STORE_ATTEMPTS, error_code

NOT_EXISTS = "attribute_not_exists(pk)"
SAME_REVISION = "revision = :rev"
CONDITION_FAILED = "ConditionalCheckFailed"
Reasons = list[dict[str, Any]]


def _revision(revision: int) -> dict[str, Any]:
    return {"ExpressionAttributeValues": {":rev": {"N": str(revision)}}}


class Transactions:
    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self._table = table

    def put(self, item: Item, condition: str, revision: int | None = None, **extra: Any) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._table, "Item": item, "ConditionExpression": condition, **extra}
        if revision is not None:
            put.update(_revision(revision))
        return {"Put": put}

    def delete(self, key: Item, revision: int) -> dict[str, Any]:
        return {
            "Delete": {
                "TableName": self._table,
                "Key": key,
                "ConditionExpression": SAME_REVISION,
                **_revision(revision),
            }
        }

    def run(self, items: list[dict[str, Any]]) -> Reasons | None:
        """Run one transaction; None on success, else the per-item cancellation reasons.

        Conflicts with concurrent transactions and throttled items are retried here with backoff.
        """
        for attempt in range(STORE_ATTEMPTS):
            try:
                # The request token makes botocore's own retries of this call idempotent: if a write
                # succeeded and its response was lost, the retry reports success instead of failing.
                self._client.transact_write_items(TransactItems=items, ClientRequestToken=str(uuid.uuid4()))
                return None
            except ClientError as exc:
                if error_code(exc) != "TransactionCanceledException":
                    raise
                reasons: Reasons = exc.response.get("CancellationReasons") or []
                codes = [r.get("Code") for r in reasons]
                if CONDITION_FAILED in codes:
                    return reasons
                if not set(codes) & RETRYABLE_REASONS:
                    raise
                faults.backoff(attempt)  # through the module: tests replace it
        raise Unavailable("dynamodb: transaction conflicts persisted")


def failed(reasons: Reasons) -> set[int]:
    """Indices of the transaction's items whose condition failed."""
    return {i for i, r in enumerate(reasons) if r.get("Code") == CONDITION_FAILED}

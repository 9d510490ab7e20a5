"""DynamoDB's billing rules, as AWS documents them, applied to the calls the handler makes.

Sources (docs/performance.md, "Capacity units per path", quotes them):
- item size: attribute names and values, UTF-8 strings, ~1 byte per 2 significant digits + 1 for numbers,
  1 byte for BOOL and NULL, 3 bytes + 1 per element for lists and maps;
- reads: a strongly consistent read is 1 unit per 4 KB, each item of a BatchGetItem rounded on its own,
  a missing item still 1 unit; a Query rounds the total of the items it returns;
- writes: 1 unit per 1 KB of the larger of the old and the new item (a delete: the deleted item);
  a conditional write that fails still consumes units, for the existing item's size, at least 1;
- transactions: 2 units per item for its standard size (prepare and commit).
A cancelled transaction is budgeted at the full price of its items: the documentation we cite does
not say what a cancelled one is billed, and its prepare phase reads every item.
"""

from __future__ import annotations

import math
from typing import Any

# us-east-1 on-demand list prices since the reduction of 2024-11-01 (docs/performance.md cites them).
ON_DEMAND_US_EAST_1 = {"read_per_million": 0.125, "write_per_million": 0.625}
# Provisioned capacity, us-east-1: $ per unit-hour (docs/scale.md).
PROVISIONED_US_EAST_1 = {"rcu_hour": 0.00013, "wcu_hour": 0.00065}

READ_UNIT = 4096
WRITE_UNIT = 1024
KEY_NAMES = ("pk", "sk")
_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


def is_write(operation: str) -> bool:
    return operation in _WRITES


def _number_size(text: str) -> int:
    digits = text.lstrip("-").replace(".", "").strip("0") or "0"
    return math.ceil(len(digits) / 2) + 1


def value_size(av: dict[str, Any]) -> int:
    (kind, value), *_ = av.items()
    if kind in ("S", "B"):
        return len(value.encode("utf-8")) if isinstance(value, str) else len(value)
    if kind == "N":
        return _number_size(value)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in value)
    if kind == "M":
        return 3 + sum(1 + len(k.encode("utf-8")) + value_size(v) for k, v in value.items())
    if kind in ("SS", "BS"):
        return sum(len(v.encode("utf-8")) if isinstance(v, str) else len(v) for v in value)
    if kind == "NS":
        return sum(_number_size(v) for v in value)
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode("utf-8")) + value_size(av) for name, av in item.items())


def _key(item: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(item.get(name)) for name in KEY_NAMES)


def read_units(size: int) -> int:
    return max(1, math.ceil(size / READ_UNIT))


def write_units(size: int) -> int:
    return max(1, math.ceil(size / WRITE_UNIT))


class ItemSizes:
    """The size of every item the calls have shown us, by key: what a later write replaces or deletes."""

    def __init__(self) -> None:
        self._sizes: dict[tuple[str, ...], int] = {}
        self.largest = 0

    def get(self, key: dict[str, Any]) -> int:
        return self._sizes.get(_key(key), 0)

    def _set(self, item: dict[str, Any]) -> None:
        size = item_size(item)
        self._sizes[_key(item)] = size
        self.largest = max(self.largest, size)

    def learn(self, operation: str, params: dict[str, Any], response: dict[str, Any]) -> None:
        if operation not in _WRITES and operation not in ("GetItem", "BatchGetItem", "Query"):
            return
        for item in _items_read(operation, response):
            self._set(item)
        if "Error" in response:
            return
        if operation == "PutItem":
            self._set(params["Item"])
        elif operation == "DeleteItem":
            self._sizes.pop(_key(params["Key"]), None)
        elif operation == "UpdateItem":
            # The counter item grows by a digit at most: the size before is close enough.
            self._sizes.setdefault(_key(params["Key"]), item_size(params["Key"]) + 16)
        elif operation == "TransactWriteItems":
            for action in params["TransactItems"]:
                if "Put" in action:
                    self._set(action["Put"]["Item"])
                elif "Delete" in action:
                    self._sizes.pop(_key(action["Delete"]["Key"]), None)


def _items_read(operation: str, response: dict[str, Any]) -> list[dict[str, Any]]:
    if operation == "GetItem":
        return [response["Item"]] if "Item" in response else []
    if operation == "BatchGetItem":
        return [item for items in response.get("Responses", {}).values() for item in items]
    if operation == "Query":
        return list(response.get("Items", []))
    return []


def _write_size(action: str, body: dict[str, Any], sizes: ItemSizes) -> int:
    key = body.get("Key") or {name: body["Item"][name] for name in KEY_NAMES if name in body["Item"]}
    old = sizes.get(key)
    if action == "Put":
        return max(old, item_size(body["Item"]))
    return old  # Delete, Update (the counter), ConditionCheck: the existing item


def units(
    operation: str, params: dict[str, Any], response: dict[str, Any], error: str | None, sizes: ItemSizes
) -> dict[str, float]:
    """Read and write units of one call by the rules (``sizes`` as it was before the call)."""
    if operation == "GetItem":
        found = response.get("Item")
        return {"read": read_units(item_size(found) if found else 0), "write": 0}
    if operation == "BatchGetItem":
        requested = sum(len(spec["Keys"]) for spec in params["RequestItems"].values())
        found = _items_read(operation, response)
        unprocessed = sum(len(spec["Keys"]) for spec in (response.get("UnprocessedKeys") or {}).values())
        missing = requested - len(found) - unprocessed
        return {"read": sum(read_units(item_size(i)) for i in found) + missing, "write": 0}
    if operation == "Query":
        return {"read": read_units(sum(item_size(i) for i in _items_read(operation, response))), "write": 0}
    if operation in ("PutItem", "UpdateItem", "DeleteItem"):
        action = {"PutItem": "Put", "UpdateItem": "Update", "DeleteItem": "Delete"}[operation]
        if error == "ConditionalCheckFailedException":  # refused: the existing item's size, at least 1
            action = "Delete"
        return {"read": 0, "write": write_units(_write_size(action, params, sizes))}
    if operation == "TransactWriteItems":
        total = 0
        for entry in params["TransactItems"]:
            (action, body), *_ = entry.items()
            total += 2 * write_units(_write_size(action, body, sizes))
        return {"read": 0, "write": total}
    raise ValueError(f"no billing rule here for {operation}")

"""Plain Python values <-> DynamoDB attribute values, for the few types the records use.

boto3's TypeSerializer would do, but it round-trips numbers through Decimal and costs more per
call; these records hold only str, int, bool, None and lists of str.
"""

from __future__ import annotations

from typing import Any

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]


def to_av(value: Any) -> AttributeValue:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, list | tuple):
        return {"L": [to_av(v) for v in value]}
    raise TypeError(f"unsupported attribute type {type(value).__name__}")


def from_av(av: AttributeValue) -> Any:
    if "S" in av:
        return av["S"]
    if "N" in av:
        return int(av["N"])
    if "NULL" in av:
        return None
    if "BOOL" in av:
        return av["BOOL"]
    if "L" in av:
        return [from_av(v) for v in av["L"]]
    raise TypeError(f"unsupported attribute value {sorted(av)}")


def to_item(values: dict[str, Any]) -> Item:
    return {k: to_av(v) for k, v in values.items()}


def from_item(item: Item) -> dict[str, Any]:
    return {k: from_av(v) for k, v in item.items()}

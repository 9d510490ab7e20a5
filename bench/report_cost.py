"""The capacity-units table of docs/performance.md's figures block (from results.json's ``capacity``)."""

from __future__ import annotations

from typing import Any


def _units(u: dict[str, float]) -> str:
    def fmt(x: float) -> str:
        return f"{x:g}"

    return f"{fmt(u['read'])} R + {fmt(u['write'])} W"


def capacity_rows(capacity: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Headline rows: the get-or-create paths' units and $ per million requests."""
    rows: list[tuple[str, str, str, str]] = []
    if "error" in capacity or "skipped" in capacity:
        rows.append(("capacity units", capacity.get("error") or capacity.get("skipped") or "", "", ""))
        return rows
    paths = capacity.get("paths") or {}
    for path in ("put_existing", "put_create", "put_existing_new_container", "put_bad_credentials"):
        if path in paths:
            p = paths[path]
            rows.append(
                (
                    f"capacity units, {path} (AWS rules)",
                    f"{_units(p['rules'])}: ${p['usd_per_million_on_demand']:.3f} per million on-demand",
                    "",
                    "",
                )
            )
    return rows


def capacity_table(capacity: dict[str, Any]) -> list[str]:
    paths = capacity.get("paths") or {}
    if not paths:
        return []
    prices = capacity["prices"]
    out = [
        "",
        "Capacity units per request (read R, write W) by AWS's billing rules (`bench/billing.py`), as DynamoDB "
        f"Local reported them (`ReturnConsumedCapacity=TOTAL`), and the on-demand price of a million such "
        f"requests at ${prices['read_per_million']} per million read and ${prices['write_per_million']} per "
        f"million write request units (us-east-1). Largest item written or read: {capacity['largest_item_bytes']} "
        "bytes (under 1 KB: every item write is 1 unit, 2 in a transaction).",
        "",
        "| Path | Status | AWS rules | DynamoDB Local reported | Calls without ConsumedCapacity | $ / million |",
        "|---|---|---|---|---|---|",
    ]
    for path, p in paths.items():
        unreported = ", ".join(p["unreported_calls"]) or "-"
        out.append(
            f"| `{path}` | {p['status']} | {_units(p['rules'])} | {_units(p['dynamodb_local_reported'])} | "
            f"{unreported} | {p['usd_per_million_on_demand']:.3f} |"
        )
    return out

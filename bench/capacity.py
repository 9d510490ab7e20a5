"""Capacity units per path: what DynamoDB reports, next to what AWS's billing rules say.

The round-trip scenario (``bench.round_trips.run_scenario``: the real handler, every path once) runs
against DynamoDB Local. A botocore hook on the function's client adds ``ReturnConsumedCapacity=TOTAL``
to every call (``before-parameter-build``, so the product code is untouched) and reads
``ConsumedCapacity`` from each parsed answer (``after-call``). Failed calls (a conditional write
refused, a cancelled transaction) come back as errors, which carry no ``ConsumedCapacity``: for those,
and to check the reported figures, every call is also priced by the rules (``bench.billing``) from the
items it sent and received.

    .venv/bin/python -m bench.capacity [--endpoint URL] [--json [FILE]]
"""

from __future__ import annotations

import argparse
import uuid
from dataclasses import dataclass, field
from typing import Any

from bench import billing, common


@dataclass
class Call:
    operation: str
    params: dict[str, Any]
    reported: dict[str, float] | None = None  # {"read": .., "write": ..}, None: no ConsumedCapacity
    error: str | None = None
    response: dict[str, Any] = field(default_factory=dict)


def _reported_units(consumed: Any, operation: str) -> dict[str, float]:
    """Read and write units of a ConsumedCapacity (one dict, or a list per table) summed over tables.

    TOTAL gives CapacityUnits only; whether those are read or write units follows from the operation."""
    entries = consumed if isinstance(consumed, list) else [consumed]
    read = write = 0.0
    for entry in entries:
        if "ReadCapacityUnits" in entry or "WriteCapacityUnits" in entry:
            read += float(entry.get("ReadCapacityUnits", 0))
            write += float(entry.get("WriteCapacityUnits", 0))
        elif billing.is_write(operation):
            write += float(entry.get("CapacityUnits", 0))
        else:
            read += float(entry.get("CapacityUnits", 0))
    return {"read": read, "write": write}


class CapacityMeter:
    """Asks for ConsumedCapacity on every call of a botocore DynamoDB client and records it."""

    def __init__(self) -> None:
        self.calls: list[Call] = []

    def attach(self, client: Any) -> CapacityMeter:
        client.meta.events.register("before-parameter-build.dynamodb", self._before)
        client.meta.events.register("after-call.dynamodb", self._after)
        client.meta.events.register("after-call-error.dynamodb", self._after_error)
        return self

    def _before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if "ReturnConsumedCapacity" in model.input_shape.members:
            params["ReturnConsumedCapacity"] = "TOTAL"
        self.calls.append(Call(model.name, params))

    def _after(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        call = self.calls[-1]
        call.response = parsed
        if "Error" in parsed:
            call.error = str(parsed["Error"].get("Code"))
        if parsed.get("ConsumedCapacity"):
            call.reported = _reported_units(parsed["ConsumedCapacity"], model.name)

    def _after_error(self, **_: Any) -> None:  # no answer at all (connection errors)
        self.calls[-1].error = "no response"

    def take(self) -> list[Call]:
        calls, self.calls = self.calls, []
        return calls


def _sum(values: list[dict[str, float]]) -> dict[str, float]:
    return {k: round(sum(v[k] for v in values), 2) for k in ("read", "write")}


def price_per_million(units: dict[str, float], prices: dict[str, float] = billing.ON_DEMAND_US_EAST_1) -> float:
    """$ per million requests of a path, on-demand: its read and write request units at list price."""
    return round(units["read"] * prices["read_per_million"] + units["write"] * prices["write_per_million"], 4)


def path_figures(calls: list[Call], sizes: billing.ItemSizes) -> dict[str, Any]:
    """One path's calls priced by the rules (learning item sizes as they go) and as reported."""
    rules = []
    for c in calls:
        rules.append(billing.units(c.operation, c.params, c.response, c.error, sizes))
        sizes.learn(c.operation, c.params, c.response)
    reported = [c.reported for c in calls if c.reported is not None]
    unreported = [c.operation + (f" ({c.error})" if c.error else "") for c in calls if c.reported is None]
    out: dict[str, Any] = {
        "calls": [
            {
                "operation": c.operation,
                **({"error": c.error} if c.error else {}),
                "rules": r,
                "dynamodb_local": c.reported,
            }
            for c, r in zip(calls, rules, strict=True)
        ],
        "rules": _sum(rules),
        "dynamodb_local_reported": _sum(reported),
        "unreported_calls": unreported,
    }
    out["usd_per_million_on_demand"] = price_per_million(out["rules"])
    return out


def measure(endpoint_url: str) -> dict[str, Any]:
    from bench import round_trips

    client = common.dynamodb_client(endpoint_url)
    meter = CapacityMeter().attach(client)
    sizes = billing.ItemSizes()
    per_path: dict[str, Any] = {}

    def observe(path: str, result: dict[str, Any]) -> None:
        calls = meter.take()
        if not path:  # the table and the seed data: only their sizes matter
            for call in calls:
                sizes.learn(call.operation, call.params, call.response)
            return
        per_path[path] = {"status": result["status"], **path_figures(calls, sizes)}

    with common.stdout_to_devnull():
        round_trips.run_scenario(client, f"authorize-capacity-{uuid.uuid4().hex[:8]}", observe)
    differences = {
        path: {"rules": p["rules"], "dynamodb_local_reported": p["dynamodb_local_reported"]}
        for path, p in per_path.items()
        if p["rules"] != p["dynamodb_local_reported"]
    }
    return {
        "backend": "DynamoDB Local",
        "prices": billing.ON_DEMAND_US_EAST_1,
        "largest_item_bytes": sizes.largest,
        "paths": per_path,
        "rules_vs_dynamodb_local": differences,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="a running DynamoDB Local (default: start one)")
    parser.add_argument("--json", metavar="FILE", nargs="?", const="-")
    args = parser.parse_args(argv)
    common.setup_env("authorize-capacity")
    from authorize_local import embedded_db

    db = None
    endpoint = args.endpoint
    if endpoint is None:
        reason = embedded_db.dynamodb_local_unavailable_reason()
        if reason is not None:
            raise SystemExit(f"DynamoDB Local unavailable: {reason}")
        db = embedded_db.start("local", 0)
        endpoint = db.endpoint_url
    try:
        result = measure(endpoint)
    finally:
        if db is not None:
            db.stop()
    if args.json:
        common.write_json(None if args.json == "-" else args.json, result)
        return 0
    for path, p in result["paths"].items():
        rules, local = p["rules"], p["dynamodb_local_reported"]
        print(
            f"{path:22} rules R {rules['read']:4} W {rules['write']:4}   local R {local['read']:4} W {local['write']:4}"
            f"   ${p['usd_per_million_on_demand']:.3f}/M   unreported: {', '.join(p['unreported_calls']) or '-'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Create the DynamoDB table from template.yaml, so local runs and tests cannot drift from AWS.

``load_template`` is the one reader of template.yaml for local code (the access log's route templates too)."""

from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

# A symbolic link to the repository's template.yaml: a built package (pipx install .) carries a copy.
TEMPLATE = Path(__file__).resolve().parent / "template.yaml"
TABLE_RESOURCE = "AuthorizeTable"
_CREATE_KEYS = ("KeySchema", "AttributeDefinitions", "BillingMode", "GlobalSecondaryIndexes", "LocalSecondaryIndexes")


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation short-form tags (!Ref, !Sub, ...) as plain data."""


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {f"Fn::{suffix}" if suffix != "Ref" else "Ref": value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


@lru_cache(maxsize=2)
def load_template(template: Path = TEMPLATE) -> dict[str, Any]:
    """template.yaml as data; short-form tags become their long form (``!Ref x`` -> ``{"Ref": "x"}``)."""
    doc = yaml.load(template.read_text(encoding="utf-8"), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return dict(doc)


def table_properties(template: Path = TEMPLATE) -> dict[str, Any]:
    return dict(load_template(template)["Resources"][TABLE_RESOURCE]["Properties"])


def create_table_kwargs(table_name: str, template: Path = TEMPLATE) -> dict[str, Any]:
    props = table_properties(template)
    kwargs: dict[str, Any] = {"TableName": table_name}
    for key in _CREATE_KEYS:
        if key in props:
            kwargs[key] = props[key]
    kwargs.setdefault("BillingMode", "PAY_PER_REQUEST")
    return kwargs


def ttl_attribute(template: Path = TEMPLATE) -> str | None:
    spec = table_properties(template).get("TimeToLiveSpecification") or {}
    return spec.get("AttributeName") if spec.get("Enabled") else None


def ensure_table(client: Any, table_name: str, template: Path = TEMPLATE) -> bool:
    """Create the table (and its TTL setting) unless it exists; wait until active. True if created."""
    try:
        client.describe_table(TableName=table_name)
        return False
    except client.exceptions.ResourceNotFoundException:
        pass
    try:
        client.create_table(**create_table_kwargs(table_name, template))
    except client.exceptions.ResourceInUseException:
        return False  # somebody else created it meanwhile
    for _ in range(200):
        if client.describe_table(TableName=table_name)["Table"]["TableStatus"] == "ACTIVE":
            break
        time.sleep(0.05)
    ttl = ttl_attribute(template)
    if ttl:
        client.update_time_to_live(
            TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl}
        )
    return True

"""The table template.yaml creates is the one the DynamoDB adapter's keys describe: its key attributes
and its TTL attribute are spelled once in ``adapters/dynamodb/keys.py`` and must match the template."""

from __future__ import annotations

from authorize.adapters.dynamodb import keys
from authorize_local.table_schema import table_properties, ttl_attribute


def test_the_template_ttl_is_the_adapters():
    assert ttl_attribute() == keys.TTL_ATTRIBUTE


def test_the_template_keys_are_the_adapters():
    schema = {k["KeyType"]: k["AttributeName"] for k in table_properties()["KeySchema"]}
    assert schema == {"HASH": keys.PK, "RANGE": keys.SK}
    assert not table_properties().get("GlobalSecondaryIndexes")  # as keys.py says: no secondary index

"""Ids in paths (GET/PATCH/DELETE /authorizations/{id}, /applications/grants/{id}): what names one."""

from __future__ import annotations

import pytest
from authorize.domain.tokens import MAX_SAFE_INTEGER
from authorize.github.paths import parse_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), ("42", 42), ("007", 7), (str(MAX_SAFE_INTEGER), MAX_SAFE_INTEGER), ("0" * 15 + "1", 1)],
)
def test_positive_json_safe_integers_name_an_id(raw, expected):
    assert parse_id(raw) == expected


TOO_BIG = [str(MAX_SAFE_INTEGER + 1), "0" * 16 + "1"]  # past 2**53 - 1, or longer than 16 digits
NOT_ASCII_DIGITS = ["\u0661", "\u00b2", "\uff11"]  # ARABIC-INDIC ONE, SUPERSCRIPT TWO, FULLWIDTH ONE


@pytest.mark.parametrize(
    "raw",
    ["", "0", "-1", "+1", " 1", "1 ", "1.0", "1e3", "abc", "0x1f", *NOT_ASCII_DIGITS, *TOO_BIG],
)
def test_anything_else_names_nothing(raw):
    assert parse_id(raw) is None

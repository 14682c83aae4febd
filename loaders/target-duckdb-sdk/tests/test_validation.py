"""The fast validation path accepts only what jsonschema accepts, and defers the rest."""

from __future__ import annotations

import decimal

import pytest
from singer_sdk.exceptions import InvalidRecord

from target_duckdb_sdk.validation import FastJSONSchemaValidator, compile_fast_check

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "id": {"type": ["integer", "null"]},
        "amount": {"type": ["number", "null"]},
        "name": {"type": ["string", "null"], "title": "Name"},
        "when": {"type": ["string", "null"], "format": "date-time"},
        "ok": {"type": ["boolean", "null"]},
        "tags": {"type": ["array", "null"], "items": {"type": "string"}},
        "owner": {
            "type": ["object", "null"],
            "properties": {"id": {"type": "integer"}},
            "additionalProperties": True,
        },
        "closed": {"type": "object", "additionalProperties": False},
    },
    "required": ["id"],
}

CASES = [
    {"id": 1},
    {"id": None, "amount": decimal.Decimal("1.5"), "name": "x", "when": "not a date"},
    {"id": 2, "amount": 3, "ok": False, "tags": ["a", "b"], "owner": {"id": 5, "x": [1]}},
    {"id": 3, "extra": {"anything": True}, "closed": {}},
    {"id": 1.0},  # jsonschema: an integer
    {"id": True},
    {"id": "1"},
    {"amount": 1},
    {"id": 4, "ok": 1},
    {"id": 5, "tags": ["a", 1]},
    {"id": 6, "owner": {"id": "7"}},
    {"id": 7, "closed": {"k": 1}},
    {"id": 8, "amount": True},
]


def _accepted(validator: FastJSONSchemaValidator, record: dict) -> bool:
    try:
        validator.validate(record)
    except InvalidRecord:
        return False
    return True


@pytest.mark.parametrize("record", CASES)
def test_same_verdict_as_jsonschema(record: dict) -> None:
    fast = FastJSONSchemaValidator(SCHEMA)
    fast_check = compile_fast_check(SCHEMA, formats=False)
    assert fast_check is not None
    slow = FastJSONSchemaValidator(SCHEMA)
    slow._fast = None
    assert _accepted(fast, record) == _accepted(slow, record)
    if fast_check(record):  # the fast path never accepts what jsonschema refuses
        assert _accepted(slow, record)


def test_unsupported_keywords_use_jsonschema_only() -> None:
    assert (
        compile_fast_check({"type": "object", "properties": {"a": {"anyOf": []}}}, formats=False)
        is None
    )
    assert compile_fast_check({"type": "string", "format": "date-time"}, formats=True) is None
    assert compile_fast_check({"type": "integer", "minimum": 0}, formats=False) is None

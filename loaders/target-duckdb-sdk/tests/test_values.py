"""Column types and exact values: ids near 2^53, empty strings, false, 0, NUL, unicode."""

from __future__ import annotations

import pytest
from duckdb_target_helpers import Warehouse, record, schema_message

from target_duckdb_sdk import types

PROPS = {
    "id": {"type": "integer"},
    "count": {"type": ["null", "integer"]},
    "amount": {"type": ["null", "number"]},
    "active": {"type": ["null", "boolean"]},
    "name": {"type": ["null", "string"]},
    "created": {"type": ["null", "string"], "format": "date-time"},
    "birthday": {"type": ["null", "string"], "format": "date"},
    "address": {"type": ["null", "object"], "properties": {"city": {"type": "string"}}},
    "tags": {"type": ["null", "array"], "items": {"type": "string"}},
    "mixed": {"type": ["null", "string", "integer"]},
    "either": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]},
    "shape": {"anyOf": [{"type": "object"}, {"type": "string"}]},
    "anything": {},
}

EXPECTED_TYPES = {
    "id": "BIGINT",
    "count": "BIGINT",
    "amount": "DOUBLE",
    "active": "BOOLEAN",
    "name": "VARCHAR",
    "created": "TIMESTAMP WITH TIME ZONE",
    "birthday": "DATE",
    "address": "JSON",
    "tags": "JSON",
    "mixed": "VARCHAR",
    "either": "TIMESTAMP WITH TIME ZONE",
    "shape": "JSON",
    "anything": "JSON",
}


def test_column_types_for_every_json_schema_type(warehouse: Warehouse):
    warehouse.run([schema_message("things", PROPS), record("things", {"id": 1})])
    found = warehouse.column_types("things")
    assert {k: found[k] for k in EXPECTED_TYPES} == EXPECTED_TYPES
    assert found["_sdc_deleted_at"] == "TIMESTAMP WITH TIME ZONE"
    assert found["_sdc_table_version"] == "BIGINT"


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer"}, "BIGINT"),
        ({"type": ["integer", "null"]}, "BIGINT"),
        ({"type": ["null", "integer", "number"]}, "DOUBLE"),
        ({"type": "string", "format": "time"}, "TIME"),
        ({"type": "string", "format": "email"}, "VARCHAR"),
        ({"type": ["null"]}, "VARCHAR"),
        ({"type": ["object", "string"]}, "JSON"),
        ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, "BIGINT"),
        ({"anyOf": [{"type": "integer"}, {"type": "boolean"}]}, "VARCHAR"),
        ({"oneOf": [{"type": "array"}, {"type": "null"}]}, "JSON"),
        ({"properties": {"a": {"type": "string"}}}, "JSON"),
    ],
)
def test_type_mapping(schema, expected):
    assert types.duckdb_type(schema) == expected


@pytest.mark.parametrize(
    "big", [9007199254740991, 9007199254740992, 9007199254740993, 2**63 - 1, -(2**63)]
)
def test_ids_near_and_beyond_two_to_the_53_are_exact(warehouse: Warehouse, big: int):
    warehouse.run([schema_message("things", PROPS), record("things", {"id": big, "count": big})])
    assert warehouse.one("SELECT id, count, id::VARCHAR FROM engagebay.things") == (
        big,
        big,
        str(big),
    )


def test_empty_string_false_and_zero_are_not_null(warehouse: Warehouse):
    warehouse.run(
        [
            schema_message("things", PROPS),
            record("things", {"id": 1, "name": "", "active": False, "count": 0, "amount": 0}),
            record("things", {"id": 2, "name": None, "active": None, "count": None}),
            record("things", {"id": 3}),  # properties absent: NULL
        ]
    )
    rows = warehouse.all(
        "SELECT id, name, active, count, amount, name IS NULL, active IS NULL "
        "FROM engagebay.things ORDER BY id"
    )
    assert rows == [
        (1, "", False, 0, 0.0, False, False),
        (2, None, None, None, None, True, True),
        (3, None, None, None, None, True, True),
    ]


def test_nul_characters_become_replacement_characters(warehouse: Warehouse):
    warehouse.run(
        [
            schema_message("things", PROPS),
            record("things", {"id": 1, "name": "a\x00b\x00", "address": {"city": "x\x00y"}}),
        ]
    )
    name, city = warehouse.one(
        "SELECT name, json_extract_string(address, '$.city') FROM engagebay.things"
    )
    assert name == "a\ufffdb\ufffd"
    assert city == "x\x00y"  # inside JSON the NUL stays an escape (\u0000), valid JSON text


def test_unicode_is_exact_and_lone_surrogates_are_replaced(warehouse: Warehouse):
    text = "Zoë — 東京 — 😀 — e\u0301 — \u202etxet\u202c — 'quote\" \\ back"
    warehouse.run(
        [
            schema_message("things", PROPS),
            record("things", {"id": 1, "name": text, "tags": [text]}),
            record("things", {"id": 2, "name": "a\ud800b"}),
        ]
    )
    rows = warehouse.all("SELECT id, name, tags->>0 FROM engagebay.things ORDER BY id")
    assert rows == [(1, text, text), (2, "a\ufffdb", None)]


def test_very_long_strings(warehouse: Warehouse):
    long = "x" * (20 * 1024 * 1024)  # beyond DuckDB's default 16 MB JSON object limit
    warehouse.run(
        [
            schema_message("things", PROPS),
            record("things", {"id": 1, "name": long}),
            record("things", {"id": 2, "name": "short"}),
        ]
    )
    assert warehouse.all("SELECT id, length(name) FROM engagebay.things ORDER BY id") == [
        (1, len(long)),
        (2, 5),
    ]


def test_values_for_text_and_json_columns(warehouse: Warehouse):
    warehouse.run(
        [
            schema_message("things", PROPS),
            record("things", {"id": 1, "mixed": 42, "shape": "plain", "anything": 1.5}),
            record("things", {"id": 2, "mixed": "42", "shape": {"a": [1, None]}}),
            record("things", {"id": 3, "amount": 0.1, "address": {"n": 0.1, "big": 2**60}}),
        ]
    )
    rows = warehouse.all(
        "SELECT id, mixed, shape::VARCHAR, anything::VARCHAR, amount, address::VARCHAR "
        "FROM engagebay.things ORDER BY id"
    )
    assert rows == [
        (1, "42", '"plain"', "1.5", None, None),
        (2, "42", '{"a":[1,null]}', None, None, None),
        (3, None, None, None, 0.1, '{"n":0.1,"big":1152921504606846976}'),
    ]


def test_property_names_are_kept_as_given(warehouse: Warehouse):
    props = {
        "id": {"type": "integer"},
        "milestoneLabelName": {"type": "string"},
        "with space": {"type": "string"},
        'quote"d': {"type": "string"},
        "dot.ted": {"type": "string"},
        "select": {"type": "string"},
        "prénom": {"type": "string"},
    }
    rec = {name: name.upper() for name in props if name != "id"}
    warehouse.run([schema_message("odd names", props), record("odd names", {"id": 1, **rec})])
    found = warehouse.all(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'odd names' AND column_name NOT LIKE '\\_sdc\\_%' ESCAPE '\\' "
        "ORDER BY ordinal_position"
    )
    assert [name for (name,) in found] == list(props)
    row = warehouse.one(
        'SELECT "milestoneLabelName", "with space", "quote""d", "dot.ted", "select", "prénom" '
        'FROM engagebay."odd names"'
    )
    assert list(row) == list(rec.values())


def test_names_differing_only_in_case_are_refused(warehouse: Warehouse):
    props = {"id": {"type": "integer"}, "Name": {"type": "string"}, "name": {"type": "string"}}
    with pytest.raises(ValueError, match="differ only in case"):
        warehouse.run([schema_message("things", props), record("things", {"id": 1})])

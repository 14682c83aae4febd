"""Custom-field column names (stable, collision-free, 63 bytes) and typed values."""

from __future__ import annotations

import logging

import pytest

from crm_core.conform import InvalidValueError
from crm_core.custom_fields import (
    CUSTOM_COLUMNS,
    ColumnMap,
    ColumnsStateError,
    columns_for_run,
    kind_of_value,
    kind_of_values,
    known_columns,
    parse_value,
    read_columns_state,
)


def test_names_fold_avoid_collisions_and_fit_63_bytes():
    columns = ColumnMap(reserved={"cf_taken"})
    assert columns.column_for("1", "Deal Size", "number") == "cf_deal_size"
    assert columns.column_for("2", "deal-size", "number").startswith("cf_deal_size_")
    assert columns.column_for("3", "Taken", "string").startswith("cf_taken_")
    assert columns.column_for("4", "☕", "string").startswith("cf_field_")
    long_name = columns.column_for("5", "x" * 100, "string")
    assert len(long_name.encode()) <= 63
    assert columns.column_for("6", "Café", "string") == "cf_cafe"


def test_a_field_keeps_its_column_over_runs_and_renames():
    first = ColumnMap()
    first.column_for("name:Deal Size", "Deal Size", "number")
    later = ColumnMap(known=read_columns_state(first.columns))
    assert later.column_for("name:Deal Size", "Deal Size", "number") == "cf_deal_size"
    assert later.column_for("name:Deal Size", "Size of deal", "number") == "cf_deal_size"
    # a new kind with another column type gets a new column, with a note
    assert later.column_for("name:Deal Size", "Size of deal", "string") == "cf_deal_size_string"
    assert later.notes
    assert set(later.schema_properties()) == {"cf_deal_size", "cf_deal_size_string"}


def test_a_broken_state_map_is_refused_with_a_reason():
    with pytest.raises(ColumnsStateError, match="held by two fields"):
        read_columns_state({
            "a": {"columns": [{"column": "cf_x", "type": "string"}]},
            "b": {"columns": [{"column": "cf_x", "type": "string"}]},
        })  # fmt: skip


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("on", "boolean"),
        (True, "boolean"),
        (1_600_000_000, "date-time"),
        (42, "number"),
        (4.5, "number"),
        ('["1", "2"]', "array"),
        ('{"a": 1}', "object"),
        ("007", "string"),
        ("123", "string"),
        ("[not json", "string"),
        ("", ""),
        (None, ""),
    ],
)
def test_kind_of_value(value, kind):
    assert kind_of_value(value) == kind


def test_mixed_kinds_fall_back_to_string():
    assert kind_of_values(["on", "", "off"]) == "boolean"
    assert kind_of_values(["on", "007"]) == "string"
    assert kind_of_values([]) == "string"


def test_parse_value_is_lossless():
    assert parse_value("string", "007") == "007"
    assert parse_value("boolean", "on") is True
    assert parse_value("date-time", 1_600_000_000) == "2020-09-13T12:26:40+00:00"
    assert parse_value("array", '["a"]') == ["a"]
    assert parse_value("number", "12.50") == 12.5
    assert parse_value("string", 5) == "5"
    assert parse_value("boolean", "") is None
    with pytest.raises(InvalidValueError):
        parse_value("boolean", "maybe")
    with pytest.raises(InvalidValueError):
        parse_value("array", '{"a": 1}')


def test_known_columns_checks_the_state_and_warns_once_when_unreadable(caplog):
    logger = logging.getLogger("test-known-columns")
    good = {"7": {"name": "Size", "columns": [{"column": "cf_size", "type": "text"}]}}
    assert known_columns({CUSTOM_COLUMNS: good}, "contacts", logger) == good
    assert known_columns({}, "contacts", logger) is None
    with caplog.at_level(logging.WARNING, "test-known-columns"):
        assert known_columns({CUSTOM_COLUMNS: 42}, "contacts", logger) is None
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1
    assert "bookmarks.contacts.custom_columns is unreadable" in lines[0]


class _Columns:
    def __init__(self, known):
        self.known = known
        self.map = ColumnMap(known=known)


def test_columns_for_run_builds_from_the_state_warns_each_note_once_and_keeps_the_map(caplog):
    logger = logging.getLogger("test-columns-for-run")
    first = ColumnMap()
    first.column_for("name:Size", "Size", "number")
    state = {CUSTOM_COLUMNS: first.columns}

    def build(known):
        columns = _Columns(known)
        columns.map.column_for("name:Size", "Size", "string")  # a new type: a note
        columns.map.column_for("name:Colour", "Colour", "string")
        return columns

    with caplog.at_level(logging.WARNING, "test-columns-for-run"):
        found = columns_for_run(state, "contacts", logger, build)
    assert found.known == read_columns_state(first.columns)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1
    assert lines[0].startswith("contacts: ")
    assert not found.map.notes
    assert state[CUSTOM_COLUMNS] is found.map.columns
    assert {"name:Size", "name:Colour"} <= set(state[CUSTOM_COLUMNS])

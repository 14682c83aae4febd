"""Custom field values typed by their definitions."""

import pytest

from crm_core.conform import InvalidValueError
from tap_activecampaign.fields import FieldColumns, kind_of, parse


@pytest.mark.parametrize(
    ("field_type", "value", "expected"),
    [
        ("text", "hello", "hello"),
        ("dropdown", "||Gold||", "Gold"),
        ("radio", "Silver", "Silver"),
        ("multiselect", "||a||b||c||", ["a", "b", "c"]),
        ("checkbox", ["x", "y"], ["x", "y"]),
        ("listbox", "solo", ["solo"]),
        ("date", "2025-02-03", "2025-02-03"),
        ("datetime", "2025-02-03T10:00:00-05:00", "2025-02-03T10:00:00-05:00"),
        ("number", "12.50", 12.5),
        ("number", 7, 7),
        ("currency", 9999, 99.99),
        ("currency", "150000", 1500),
        ("date", "", None),
        ("hidden", None, None),
    ],
)
def test_values_are_typed_by_the_definition(field_type, value, expected):
    assert parse(kind_of(field_type), value) == expected


@pytest.mark.parametrize(("field_type", "value"), [("number", "abc"), ("date", "31/12/2024")])
def test_a_value_that_does_not_fit_is_refused(field_type, value):
    with pytest.raises(InvalidValueError):
        parse(kind_of(field_type), value)


def test_columns_are_stable_across_renames_and_kind_changes():
    first = FieldColumns(reserved=["id"], known=None, definitions=[("1", "Deal Size", "number")])
    assert first.schema_properties() == {"cf_deal_size": {"type": ["number", "null"]}}
    later = FieldColumns(
        reserved=["id"], known=first.map.columns, definitions=[("1", "Size (renamed)", "text")]
    )
    assert set(later.schema_properties()) == {"cf_deal_size", "cf_deal_size_string"}
    counter: dict[str, int] = {}
    row = later.flatten([("1", "big"), ("99", "unknown field")], counter, "deals")
    assert row == {"cf_deal_size": None, "cf_deal_size_string": "big"}

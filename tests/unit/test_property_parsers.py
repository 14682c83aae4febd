"""Each field type's parser (chosen once per field) gives exactly these values and types."""

from __future__ import annotations

import pytest

from tap_engagebay.properties import Field, PropertyMap, PropertyParseError

PMAP = PropertyMap("CONTACT", record_keys=["id"], custom_definitions=[])


def parse(field_type, value, name="f"):
    return PMAP.parse(Field("cf_f", name, "CUSTOM", field_type), value)


@pytest.mark.parametrize(
    ("field_type", "value", "expected"),
    [
        ("TEXT", "  kept as sent ", "  kept as sent "),
        ("TEXT", "", None),
        ("TEXT", " \t\n", None),
        ("TEXT", 5, "5"),
        ("TEXT", True, "True"),
        ("TEXT", {"a": 1}, '{"a": 1}'),
        ("URL", None, None),
        ("NUMBER", "1,234", 1234),
        ("NUMBER", " -7 ", -7),
        ("CURRENCY", "8311.41", 8311.41),
        ("NUMBER", "1.5e3", 1500.0),
        ("NUMBER", 12, 12),
        ("NUMBER", "  ", None),
        ("CHECKBOX", "Yes", True),
        ("CHECKBOX", "off", False),
        ("MULTICHECKBOX", " a, b ,,c ", ["a", "b", "c"]),
        ("FILE", '["https://f.example/a.csv"]', ["https://f.example/a.csv"]),
        ("FILE", '{"url": "x"}', [{"url": "x"}]),
        ("FILE", "plain.csv", ["plain.csv"]),
        ("JSON", ' {"city": "München"} ', {"city": "München"}),
        ("JSON", "709 Quebec Way", {"address": "709 Quebec Way"}),
        ("DATE", "22/07/2020", "2020-07-22"),
        ("DATE", "1595376000000", "2020-07-22"),
    ],
)
def test_each_type_parses_to_its_value_and_python_type(field_type, value, expected):
    got = parse(field_type, value)
    assert got == expected
    assert type(got) is type(expected)


def test_the_system_address_is_json_whatever_its_field_type():
    assert parse("TEXT", '{"zip": "20011"}', name="address") == {"zip": "20011"}


@pytest.mark.parametrize(
    ("field_type", "value"),
    [("NUMBER", "n/a"), ("NUMBER", "-"), ("CHECKBOX", "maybe"), ("JSON", "[1]"), ("DATE", "x")],
)
def test_a_value_that_does_not_parse_is_refused(field_type, value):
    with pytest.raises(PropertyParseError):
        parse(field_type, value)

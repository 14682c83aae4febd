"""Properties arrays as typed, collision-free columns."""

import json

from tap_engagebay.properties import PropertyMap, fold

DEFINITIONS = [
    {
        "id": 1,
        "created_time": 10,
        "field_name": "Number_Field",
        "field_label": "Number Field",
        "field_type": "NUMBER",
    },
    {"id": 2, "created_time": 11, "field_label": "Deal Size", "field_type": "CURRENCY"},
    {"id": 3, "created_time": 12, "field_label": "deal_size", "field_type": "TEXT"},
    {"id": 4, "created_time": 13, "field_label": "Checkbox Field", "field_type": "CHECKBOX"},
    {
        "id": 5,
        "created_time": 14,
        "field_label": "Multiple Checkbox Field",
        "field_type": "MULTICHECKBOX",
    },
    {"id": 6, "created_time": 15, "field_label": "DATE", "field_type": "DATE"},
    {"id": 7, "created_time": 16, "field_label": "Files", "field_type": "FILE"},
    {"id": 8, "created_time": 17, "field_label": "Café ☕ été", "field_type": "TEXT"},
    {"id": 9, "created_time": 18, "field_label": "日本語", "field_type": "TEXT"},
    {"id": 10, "created_time": 19, "field_label": "x" * 80, "field_type": "URL"},
    {"id": 11, "created_time": 20, "field_label": "id", "field_type": "TEXT"},
]


def make(date_format="DD/MM/YYYY"):
    return PropertyMap(
        "CONTACT",
        record_keys=["id", "name", "email", "created_time"],
        custom_definitions=DEFINITIONS,
        date_format=date_format,
    )


def prop(name, value, field_type="TEXT", kind="CUSTOM", **extra):
    return {"name": name, "value": value, "field_type": field_type, "type": kind, **extra}


def test_column_names_are_stable_valid_and_collision_free():
    columns = [f.column for f in make().fields]
    assert len(columns) == len(set(columns))
    assert all(len(c.encode()) <= 63 for c in columns)
    assert all(c == fold(c) or c.startswith("cf_") for c in columns)
    names = {f.name: f.column for f in make().fields}
    # SYSTEM names that collide with record keys move aside; others keep their API name.
    assert names["name"] == "name_property"
    assert names["email"] == "email_property"
    assert names["last_name"] == "last_name"
    # The first-created of two fields that fold alike keeps the plain name.
    assert names["Number_Field"] == "cf_number_field"
    assert names["Deal Size"] == "cf_deal_size"
    assert names["deal_size"].startswith("cf_deal_size_")
    assert names["Café ☕ été"] == "cf_cafe_ete"
    assert names["日本語"].startswith("cf_field_")
    assert names["id"] == "cf_id"
    assert names["x" * 80].startswith("cf_xxxx")
    assert len(names["x" * 80]) <= 63
    # Same definitions, same names: a rediscovery renames nothing.
    assert columns == [f.column for f in make().fields]


def test_every_field_type_is_typed():
    schema = make().schema_properties()
    assert schema["cf_number_field"]["type"] == ["number", "null"]
    assert schema["cf_checkbox_field"]["type"] == ["boolean", "null"]
    assert schema["cf_multiple_checkbox_field"]["type"] == ["array", "null"]
    assert schema["cf_date"]["format"] == "date"
    assert schema["cf_files"]["type"] == ["array", "null"]
    assert schema["address"]["type"] == ["object", "null"]
    assert schema["phone"]["type"] == ["string", "null"]


def test_values_are_parsed_from_their_strings():
    columns, leftovers = make().flatten(
        [
            prop("Number Field", "42"),
            prop("Deal Size", "1,234.50", "CURRENCY"),
            prop("Checkbox Field", "true", "CHECKBOX"),
            prop("Multiple Checkbox Field", "box1,box2", "MULTICHECKBOX"),
            prop("DATE", "22/07/2020", "DATE"),
            prop("Files", json.dumps(["https://a/1.csv", "https://a/2.csv"]), "FILE"),
            prop("address", json.dumps({"city": "Mountain House", "zip": "95391"}), kind="SYSTEM"),
            prop("email", "first@x.io", kind="SYSTEM", subtype="primary"),
            prop("email", "second@x.io", kind="SYSTEM", subtype="secondary"),
        ]
    )
    assert columns["cf_number_field"] == 42
    assert columns["cf_deal_size"] == 1234.5
    assert columns["cf_checkbox_field"] is True
    assert columns["cf_multiple_checkbox_field"] == ["box1", "box2"]
    assert columns["cf_date"] == "2020-07-22"
    assert columns["cf_files"] == ["https://a/1.csv", "https://a/2.csv"]
    assert columns["address"] == {"city": "Mountain House", "zip": "95391"}
    assert columns["email_property"] == "first@x.io"
    # The second email is not in a column, so it is kept raw.
    assert leftovers == [prop("email", "second@x.io", kind="SYSTEM", subtype="secondary")]


def test_the_account_date_format_decides_day_and_month():
    us = make("MM/DD/YYYY")
    columns, _ = us.flatten([prop("DATE", "07/22/2020 10:00:00", "DATE")])
    assert columns["cf_date"] == "2020-07-22"
    columns, _ = make().flatten([prop("DATE", "1595376000000", "DATE")])
    assert columns["cf_date"] == "2020-07-22"


def test_malformed_and_unknown_properties_are_kept_and_counted():
    counter = {}
    bad = [
        prop("Number Field", "n/a"),
        prop("DATE", "31/13/2019", "DATE"),
        prop("Checkbox Field", "maybe", "CHECKBOX"),
        prop("Deleted Since", "old value"),
        "not even an object",
    ]
    columns, leftovers = make().flatten(bad, counter=counter, stream="contacts")
    assert columns == {"cf_number_field": None, "cf_date": None, "cf_checkbox_field": None}
    assert leftovers == bad
    assert sum(counter.values()) == 5
    assert "contacts.properties[unknown:Deleted Since]" in counter


def test_empty_values_are_null_not_errors():
    counter = {}
    columns, leftovers = make().flatten(
        [prop("Number Field", ""), prop("DATE", " ", "DATE")], counter=counter
    )
    assert columns == {"cf_number_field": None, "cf_date": None}
    assert leftovers == []
    assert counter == {}


def test_a_system_and_a_custom_property_of_one_name_keep_their_columns_record_after_record():
    custom = {"id": 50, "created_time": 30, "field_label": "country", "field_type": "NUMBER"}
    pmap = PropertyMap("CONTACT", record_keys=["id"], custom_definitions=[custom])
    columns = {f.name: f.column for f in pmap.fields if f.kind == "CUSTOM"}
    for _ in range(2):  # the second record's properties are looked up again, not guessed
        system, _ = pmap.flatten([prop("country", "France", kind="SYSTEM")])
        mine, _ = pmap.flatten([prop("country", "42", "NUMBER")])
        assert system == {"country": "France"}
        assert mine == {columns["country"]: 42}

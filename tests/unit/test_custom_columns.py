"""Custom-field columns stay put across runs: added, renamed, deleted and retyped fields."""

import json

import pytest

from tap_engagebay.properties import CustomColumnsError, PropertyMap, read_custom_columns

DEAL_SIZE = {"id": 2, "created_time": 11, "field_label": "Deal Size", "field_type": "CURRENCY"}
DEAL_SIZE_LOWER = {"id": 3, "created_time": 12, "field_label": "deal_size", "field_type": "TEXT"}
SEATS = {"id": 4, "created_time": 13, "field_label": "Seats", "field_type": "NUMBER"}


def build(definitions, known=None):
    return PropertyMap(
        "DEAL",
        record_keys=["id", "name"],
        custom_definitions=definitions,
        known_columns=known,
    )


def next_run(previous, definitions):
    """What the next run builds from the state the previous one left (a JSON round trip)."""
    state = json.loads(json.dumps(previous.custom_columns))
    return build(definitions, read_custom_columns(state))


def columns(pmap):
    return {field.name: field.column for field in pmap.custom.values()}


def prop(name, value):
    return {"name": name, "value": value, "type": "CUSTOM"}


def test_a_first_run_names_columns_as_before():
    first = build([DEAL_SIZE, DEAL_SIZE_LOWER, SEATS])
    assert columns(first) == {
        "Deal Size": "cf_deal_size",
        "deal_size": "cf_deal_size_6b75ad",
        "Seats": "cf_seats",
    }
    assert build([DEAL_SIZE, DEAL_SIZE_LOWER, SEATS], {}).custom_columns == first.custom_columns


def test_a_deleted_fields_name_never_passes_to_another_field():
    first = build([DEAL_SIZE, DEAL_SIZE_LOWER])
    second = next_run(first, [DEAL_SIZE_LOWER])
    # Without the state the rule would move deal_size into cf_deal_size (issue 17, point 5).
    assert columns(build([DEAL_SIZE_LOWER])) == {"deal_size": "cf_deal_size"}
    assert columns(second) == {"deal_size": "cf_deal_size_6b75ad"}
    assert "cf_deal_size" not in second.schema_properties()
    typed, _ = second.flatten([prop("deal_size", "large")])
    assert typed == {"cf_deal_size_6b75ad": "large"}
    # A field created later with the deleted one's name does not get its column either.
    again = {**DEAL_SIZE, "id": 9, "created_time": 30, "field_type": "TEXT"}
    third = next_run(second, [DEAL_SIZE_LOWER, again])
    assert columns(third)["Deal Size"] not in {"cf_deal_size", "cf_deal_size_6b75ad"}
    assert columns(third)["deal_size"] == "cf_deal_size_6b75ad"
    # The deleted field is still remembered, so its name stays reserved for good.
    assert third.custom_columns["2"]["columns"] == [{"column": "cf_deal_size", "type": "CURRENCY"}]


def test_a_renamed_field_keeps_its_column():
    first = build([DEAL_SIZE, SEATS])
    renamed = {**SEATS, "field_label": "Licensed seats"}
    second = next_run(first, [DEAL_SIZE, renamed])
    assert columns(second) == {"Deal Size": "cf_deal_size", "Licensed seats": "cf_seats"}
    typed, leftovers = second.flatten([prop("Licensed seats", "12")])
    assert typed == {"cf_seats": 12}
    assert not leftovers
    assert second.custom_columns["4"]["name"] == "Licensed seats"


def test_an_added_field_takes_a_free_name_and_moves_nobody():
    first = build([DEAL_SIZE_LOWER])
    # On a first run the field created first would win cf_deal_size; here deal_size has it.
    added = {**DEAL_SIZE, "id": 7, "created_time": 1}
    second = next_run(first, [added, DEAL_SIZE_LOWER, SEATS])
    assert columns(second) == {
        "Deal Size": "cf_deal_size_029971",
        "deal_size": "cf_deal_size",
        "Seats": "cf_seats",
    }


def test_a_retyped_field_gets_a_new_column_and_the_old_keeps_its_type():
    first = build([SEATS])
    second = next_run(first, [{**SEATS, "field_type": "TEXT"}])
    assert columns(second) == {"Seats": "cf_seats_text"}
    assert second.schema_properties()["cf_seats_text"]["type"] == ["string", "null"]
    assert "cf_seats" not in second.schema_properties()
    assert len(second.notes) == 1
    assert "cf_seats_text" in second.notes[0]
    assert "cf_seats (NUMBER)" in second.notes[0]
    typed, _ = second.flatten([prop("Seats", "about ten")])
    assert typed == {"cf_seats_text": "about ten"}
    # Back to a number: back to its number column, no new one.
    third = next_run(second, [{**SEATS, "field_type": "CURRENCY"}])
    assert columns(third) == {"Seats": "cf_seats"}
    assert not third.notes
    assert third.schema_properties()["cf_seats"]["type"] == ["number", "null"]
    # A type with the same column type (TEXT -> URL) keeps the column, silently.
    fourth = next_run(second, [{**SEATS, "field_type": "URL"}])
    assert columns(fourth) == {"Seats": "cf_seats_text"}
    assert not fourth.notes


def test_a_retyped_column_name_never_takes_another_fields_name():
    seats_text = {"id": 5, "created_time": 14, "field_label": "Seats Text", "field_type": "TEXT"}
    first = build([SEATS, seats_text])
    second = next_run(first, [{**SEATS, "field_type": "TEXT"}, seats_text])
    assert columns(second)["Seats Text"] == "cf_seats_text"
    assert columns(second)["Seats"].startswith("cf_seats_text_")


def test_a_field_without_an_id_is_known_by_its_name():
    nameless = {"created_time": 5, "field_label": "Region", "field_type": "TEXT"}
    first = build([nameless])
    assert "name:Region" in first.custom_columns
    assert columns(next_run(first, [nameless])) == {"Region": "cf_region"}


@pytest.mark.parametrize(
    "value",
    [
        [],
        "cf_x",
        {"2": "cf_x"},
        {"2": {"columns": []}},
        {"2": {"columns": [{"column": "cf_x"}]}},
        {"2": {"columns": [{"column": "Robert'); DROP TABLE", "type": "TEXT"}]}},
        {"2": {"columns": [{"column": "x" * 64, "type": "TEXT"}]}},
        {
            "2": {"columns": [{"column": "cf_x", "type": "TEXT"}]},
            "3": {"columns": [{"column": "cf_x", "type": "NUMBER"}]},
        },
    ],
)
def test_an_unreadable_column_map_is_refused_with_a_reason(value):
    with pytest.raises(CustomColumnsError, match=r"\w"):
        read_custom_columns(value)

"""The properties path's shortcuts give exactly what the long way gives.

``PropertyMap.flatten`` reads each distinct text of a number, checkbox or date field once and
remembers the result; the contacts stream checks the properties array for NUL once, for the
raw column and every typed column made from it.
"""

from __future__ import annotations

import sys
import typing as t
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tap_engagebay import properties as props_module
from tap_engagebay.properties import PropertyMap, PropertyParseError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from write_schemas import OfflineTap  # noqa: E402

DEFINITIONS = [
    {"id": 1, "field_name": "Employees", "field_type": "NUMBER"},
    {"id": 2, "field_name": "Newsletter", "field_type": "CHECKBOX"},
    {"id": 3, "field_name": "Renewal", "field_type": "DATE"},
    {"id": 4, "field_name": "Revenue", "field_type": "CURRENCY"},
    {"id": 5, "field_name": "Nickname", "field_type": "TEXT"},
]
TEXTS = ["12", " 12 ", "1,234.5", "n/a", "", "  ", "true", "No", "21/08/2022", "2022-08-21",
         "1661040000", "x", "-3e2"]  # fmt: skip


def reference(pmap: PropertyMap, properties: list[dict[str, t.Any]]) -> tuple[dict, list, dict]:
    """Each property parsed on its own, every time (no memory)."""
    columns: dict[str, t.Any] = {}
    leftovers: list[t.Any] = []
    counter: dict[str, int] = {}
    for prop in properties:
        field = pmap.lookup(prop)
        assert field is not None
        if field.column in columns:
            leftovers.append(prop)
            continue
        try:
            columns[field.column] = pmap.parse(field, prop.get("value"))
        except PropertyParseError:
            columns[field.column] = None
            leftovers.append(prop)
            key = f"c.{field.column}[{field.field_type}]"
            counter[key] = counter.get(key, 0) + 1
    return columns, leftovers, counter


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.sampled_from([d["field_name"] for d in DEFINITIONS]),
                st.sampled_from(TEXTS) | st.integers(0, 3) | st.booleans() | st.none(),
            ),
            max_size=6,
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([2, 4096]),
)
def test_remembered_readings_are_the_readings_of_each_value(records, memo_size):
    pmap = PropertyMap("CONTACT", record_keys=["id"], custom_definitions=DEFINITIONS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(props_module, "_MEMO_SIZE", memo_size)  # forgotten and read again too
        for record in records * 2:
            properties = [{"name": n, "value": v, "type": "CUSTOM"} for n, v in record]
            counter: dict[str, int] = {}
            got = pmap.flatten(properties, counter=counter, stream="c")
            want = reference(pmap, properties)
            assert (*got, counter) == want
            for column, value in got[0].items():
                assert type(value) is type(want[0][column])


@pytest.mark.parametrize("keep_raw", [True, False])
def test_a_nul_in_any_property_is_replaced_in_every_column_made_from_it(keep_raw):
    tap = OfflineTap(
        config={"api_key": "offline", "keep_raw_properties": keep_raw}, validate_config=False
    )
    contacts = tap.streams["contacts"]
    properties = [
        {"name": "name", "value": "A\x00b", "type": "SYSTEM", "field_type": "TEXT"},
        {"name": "address", "value": '{"city": "x\\u0000y"}', "type": "SYSTEM"},
        {"name": "phone", "value": "1", "type": "SYSTEM"},
        {"name": "phone", "value": "2\x00", "type": "SYSTEM"},  # a second one: kept raw
    ]
    out = contacts.post_process({"id": 7, "created_time": 1, "properties": properties})
    assert out is not None
    assert out["name_property"] == "A\ufffdb"
    assert out["address"] == {"city": "x\ufffdy"}
    assert out["phone"] == "1"
    raw = [{**p, "value": p["value"].replace("\x00", "\ufffd")} for p in properties]
    assert out["properties"] == (raw if keep_raw else raw[3:])
    assert not _nul_in(out)


def _nul_in(value: t.Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_nul_in(k) or _nul_in(v) for k, v in value.items())
    return isinstance(value, list) and any(_nul_in(v) for v in value)


def test_a_record_without_nul_keeps_its_properties_as_sent():
    contacts = OfflineTap(config={"api_key": "offline"}, validate_config=False).streams["contacts"]
    properties = [{"name": "name", "value": "Ann", "type": "SYSTEM"}]
    out = contacts.post_process({"id": 7, "properties": properties, "cursor": "c"})
    assert out is not None
    assert out["properties"] == properties
    assert out["name_property"] == "Ann"
    assert "cursor" not in out
    assert "cursor" not in (out.get("extra_fields") or {})

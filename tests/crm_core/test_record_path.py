"""The record path's shortcuts give exactly what the long way gives.

``conform_record`` plans each schema's conversions once and passes values of a type their
column takes as they are; the selection mixin skips the SDK's per-record selection pass when
nothing is deselected. Both must be invisible in the output.
"""

from __future__ import annotations

import typing as t

from hypothesis import given
from hypothesis import strategies as st
from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.streams.core import Stream

from crm_core.conform import EXTRA_FIELDS, InvalidValueError, coerce, conform_record, epoch_to_iso
from crm_core.selection import SkipSelectionWhenAllSelected

# ---- conform_record against the value-by-value rules -----------------------------------------

KINDS = [
    ["integer", "null"],
    ["number", "null"],
    ["boolean", "null"],
    ["string", "null"],
    ["object", "null"],
    ["array", "null"],
    ["integer", "string", "null"],
    ["number", "string", "null"],
    ["boolean", "string", "null"],
    ["object", "string", "null"],
    "string",
    "integer",
    None,
]
specs = st.builds(
    lambda kind, fmt: {
        **({} if kind is None else {"type": kind}),
        **({"format": fmt} if fmt else {}),
    },
    st.sampled_from(KINDS),
    st.sampled_from([None, None, "date-time", "date"]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["", "0", "12", " 7 ", "1.5", "true", "False", "1535538585", "x"]),
)
values = st.one_of(
    scalars, st.lists(scalars, max_size=2), st.dictionaries(st.text(max_size=3), scalars)
)
columns = st.dictionaries(st.sampled_from(list("abcdefgh")), specs, min_size=1, max_size=8)


def reference(row: t.Mapping[str, t.Any], schema: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The rules one value at a time (the plan's answers must be these)."""
    out: dict[str, t.Any] = {}
    extra: dict[str, t.Any] = {}
    for key, value in row.items():
        spec = schema["properties"].get(key)
        if spec is None:
            extra[key] = value
            continue
        try:
            if key == "e":
                out[key] = epoch_to_iso(value)
            elif key == "m":
                out[key] = epoch_to_iso(value, milliseconds=True)
            else:
                out[key] = coerce(value, spec)
        except InvalidValueError:
            out[key] = None
            extra[key] = value
    if extra:
        out[EXTRA_FIELDS] = extra
    return out


@given(
    columns,
    st.dictionaries(st.sampled_from([*"abcdefgh", "e", "m", "zz"]), values, max_size=10),
)
def test_the_planned_conversions_are_the_value_by_value_rules(props, row):
    schema = {"properties": {**props, "e": {"type": ["string", "null"]}, "m": {"type": "string"}}}
    for _ in range(2):  # planned on the first record, reused on the second
        got = conform_record(row, schema, seconds_fields=("e",), ms_fields=("m",))
        assert _same(got, reference(row, schema))


def test_a_schema_changed_in_place_is_planned_again():
    schema: dict[str, t.Any] = {"properties": {"a": {"type": ["string", "null"]}}}
    assert conform_record({"a": "x", "b": "7"}, schema) == {
        "a": "x",
        EXTRA_FIELDS: {"b": "7"},
    }
    schema["properties"]["b"] = {"type": ["integer", "null"]}
    assert conform_record({"a": "x", "b": "7"}, schema) == {"a": "x", "b": 7}


def _same(a: t.Any, b: t.Any) -> bool:
    """Equal, with the same types, NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a and b != b:  # noqa: PLR0124 - NaN
        return True
    return bool(a == b)


# ---- the SDK's selection pass, skipped only when nothing is deselected -------------------------


class People(SkipSelectionWhenAllSelected, Stream):
    name = "people"
    schema = th.PropertiesList(
        th.Property("id", th.IntegerType),
        th.Property("name", th.StringType),
        th.Property(
            "owner",
            th.ObjectType(th.Property("id", th.IntegerType), th.Property("email", th.StringType)),
        ),
    ).to_dict()

    def get_records(self, context: t.Any) -> t.Iterable[dict[str, t.Any]]:  # noqa: ARG002
        return []


class PeopleTap(Tap):
    name = "tap-people"
    config_jsonschema = th.PropertiesList().to_dict()

    def discover_streams(self) -> list[Stream]:
        return [People(self)]


def _stream(*deselected: tuple[str, ...]) -> People:
    catalog = PeopleTap(config={}, validate_config=False).catalog_dict
    for entry in catalog["streams"][0]["metadata"]:
        crumb = tuple(entry["breadcrumb"])
        entry["metadata"]["selected"] = crumb not in deselected
    stream = PeopleTap(config={}, catalog=catalog, validate_config=False).streams["people"]
    assert isinstance(stream, People)
    return stream


RECORD = {"id": 1, "name": "Ann", "owner": {"id": 2, "email": "o@x"}, "extra": 3}


def test_every_property_selected_writes_each_record_as_the_sdk_does():
    stream = _stream()
    assert stream.every_property_selected()
    ours = [m.to_dict() for m in stream._generate_record_messages(dict(RECORD))]
    sdks = [m.to_dict() for m in Stream._generate_record_messages(stream, dict(RECORD))]
    for message in (*ours, *sdks):
        message.pop("time_extracted")
    assert ours == sdks  # the SDK's type conformance still runs: it drops the unknown key
    assert ours[0]["record"] == {"id": 1, "name": "Ann", "owner": {"id": 2, "email": "o@x"}}


def test_a_deselected_property_is_still_removed_top_level_or_nested():
    stream = _stream(("properties", "name"), ("properties", "owner", "properties", "email"))
    assert not stream.every_property_selected()
    (message,) = stream._generate_record_messages(dict(RECORD, owner={"id": 2, "email": "o"}))
    assert message.record == {"id": 1, "owner": {"id": 2}}


@given(st.integers(min_value=1, max_value=253_402_300_799))
def test_whole_epoch_seconds_are_written_as_epoch_to_iso_writes_them(seconds):
    schema = {"properties": {"e": {"type": ["string", "null"], "format": "date-time"}}}
    got = conform_record({"e": seconds}, schema, seconds_fields=("e",))
    assert got == {"e": epoch_to_iso(seconds)}


def test_a_paging_key_is_dropped_even_when_the_schema_has_it():
    schema = {"properties": {"cursor": {"type": ["string", "null"]}, "a": {}}}
    assert conform_record({"cursor": "c", "a": 1}, schema) == {"a": 1}
    assert conform_record({"cursor": "c", "a": 1}, schema, paging_keys={"a"}) == {"cursor": "c"}

"""RECORD lines written without the SDK's message objects are the SDK's lines; maps still apply."""

from __future__ import annotations

import datetime as dt
import json
import typing as t

import pytest
from singer_sdk import Stream, Tap
from singer_sdk import typing as th
from singer_sdk.helpers.conform import TypeConformanceLevel

from crm_core.pipe import LoaderAwareWriter
from crm_core.record_lines import DirectRecordLines


class Rows(DirectRecordLines, Stream):
    name = "rows"
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    schema = th.PropertiesList(
        th.Property("id", th.IntegerType),
        th.Property("name", th.StringType),
        th.Property("owner", th.ObjectType(th.Property("id", th.IntegerType))),
    ).to_dict()

    def get_records(self, context: t.Any) -> t.Iterable[dict[str, t.Any]]:  # noqa: ARG002
        return []


class RowsTap(Tap):
    name = "tap-rows"
    config_jsonschema = th.PropertiesList().to_dict()
    message_writer_class = LoaderAwareWriter

    def discover_streams(self) -> list[Stream]:
        return [Rows(self)]


RECORDS = [
    {"id": 1, "name": "Ann \u00e9\u2603", "owner": {"id": 2}},
    {"id": 2, "name": None, "owner": None, "when": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)},
]


def _stream(config: dict[str, t.Any] | None = None, *deselected: tuple[str, ...]) -> Rows:
    catalog = RowsTap(config={}, validate_config=False).catalog_dict
    for entry in catalog["streams"][0]["metadata"]:
        entry["metadata"]["selected"] = tuple(entry["breadcrumb"]) not in deselected
    tap = RowsTap(config=config or {}, catalog=catalog, validate_config=False)
    stream = tap.streams["rows"]
    assert isinstance(stream, Rows)
    stream._stream_version = 1764800000  # as a full-table sync sets it
    return stream


def _written(stream: Rows, capsysbinary: pytest.CaptureFixture[bytes]) -> list[dict[str, t.Any]]:
    for record in RECORDS:
        stream._write_record_message(dict(record))
    writer = stream._tap.message_writer
    assert isinstance(writer, LoaderAwareWriter)
    writer.flush_records()
    out = capsysbinary.readouterr().out
    return [json.loads(line) for line in out.splitlines()]


def test_lines_are_the_sdks_lines_without_its_message_objects(capsysbinary, monkeypatch):
    stream = _stream()
    assert stream.direct_record_writer() is not None
    ours = _written(stream, capsysbinary)

    sdk_stream = _stream()
    monkeypatch.setattr(Rows, "direct_record_writer", lambda _self: None)
    sdks = _written(sdk_stream, capsysbinary)

    assert [list(m) for m in ours] == [list(m) for m in sdks]  # same keys, same order
    for message in ours:
        when = dt.datetime.fromisoformat(message.pop("time_extracted"))
        assert when.utcoffset() == dt.timedelta(0)
    for message in sdks:
        message.pop("time_extracted")
    assert ours == sdks
    assert ours[0]["version"] == 1764800000


def test_the_direct_path_builds_no_record_message(capsysbinary, monkeypatch):
    def refuse(*_args: object, **_kwargs: object) -> t.NoReturn:
        pytest.fail("a RecordMessage was built")

    monkeypatch.setattr(Rows, "_generate_record_messages", refuse)
    assert [m["record"]["id"] for m in _written(_stream(), capsysbinary)] == [1, 2]


def test_an_alias_or_flattening_takes_the_sdks_path(capsysbinary):
    aliased = _stream({"stream_maps": {"rows": {"__alias__": "people"}}})
    assert aliased.direct_record_writer() is None
    assert {m["stream"] for m in _written(aliased, capsysbinary)} == {"people"}

    flat = _stream({"flattening_enabled": True, "flattening_max_depth": 1})
    assert flat.direct_record_writer() is None
    assert _written(flat, capsysbinary)[0]["record"]["owner__id"] == 2


def test_a_mapped_property_or_a_deselected_one_is_honoured(capsysbinary):
    mapped = _stream({"stream_maps": {"rows": {"name": None, "n": "id * 10"}}})
    assert [m["record"].get("n") for m in _written(mapped, capsysbinary)] == [10, 20]

    deselected = _stream({}, ("properties", "name"))
    assert all("name" not in m["record"] for m in _written(deselected, capsysbinary))


def test_a_captured_writer_still_sees_every_message(monkeypatch):
    stream = _stream()
    seen: list[t.Any] = []
    monkeypatch.setattr(stream._tap.message_writer, "write_message", seen.append)
    for record in RECORDS:
        stream._write_record_message(dict(record))
    assert [m.record["id"] for m in seen] == [1, 2]

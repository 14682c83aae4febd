"""RECORD messages reach stdout in batches; any other message first writes the records before it."""

from __future__ import annotations

from singer_sdk.singerlib import RecordMessage, StateMessage

from crm_core import pipe
from crm_core.pipe import LoaderAwareWriter


def _lines(out: bytes) -> list[bytes]:
    return [line for line in out.split(b"\n") if line]


def test_records_wait_for_the_batch_and_a_state_follows_its_records(capsysbinary):
    writer = LoaderAwareWriter()
    for i in range(3):
        writer.write_message(RecordMessage(stream="contacts", record={"id": i}))
    assert capsysbinary.readouterr().out == b""  # no write (and no loader wake-up) per record
    writer.write_message(StateMessage(value={"bookmarks": {"contacts": {"id": 2}}}))
    lines = _lines(capsysbinary.readouterr().out)
    assert len(lines) == 4
    assert all(b'"RECORD"' in line for line in lines[:3])
    assert b'"STATE"' in lines[3]


def test_a_full_batch_is_written_and_the_rest_at_the_end(capsysbinary, monkeypatch):
    writer = LoaderAwareWriter()
    messages = [
        RecordMessage(stream="contacts", record={"id": i, "x": "y" * 40}) for i in range(10)
    ]
    size = len(writer.format_message(messages[0]))
    monkeypatch.setattr(pipe, "RECORD_BATCH_BYTES", size * 3 + size // 2)  # 4 records a batch
    for message in messages:
        writer.write_message(message)
    written = len(_lines(capsysbinary.readouterr().out))
    assert written == 8
    writer.flush_records()  # also registered to run when the process exits
    assert written + len(_lines(capsysbinary.readouterr().out)) == 10

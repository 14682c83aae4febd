"""A tap whose loader stopped reading ends at once with one line, not a traceback per stream.

A tap writes its messages to a pipe that the loader reads (``meltano run tap target``). When
the loader dies (its own error, a kill), the next write fails with ``BrokenPipeError``; left to
itself the tap would report every stream as failed, one after the other, and send requests
whose records can go nowhere. ``LoaderAwareWriter`` (the SDK's msgspec writer) instead writes
one line to stderr, "the loader stopped reading: see its error above", and ends the process with
exit code 1. Nothing is lost: no state after the last one the loader confirmed was saved, so
the next run reads again from there.

It also writes RECORD messages in batches of about 64 KiB rather than one write (and one wake-up
of the loader) per record: the SDK's writer flushed each message, a system call per record that
cost the tap more CPU than any other single step. Every other message (SCHEMA, STATE...) is
written at once, after the records before it, so a STATE never reaches the loader before its
records, and a tap killed with records in the batch has sent no STATE covering them. The batch
is also written when the process exits. ``write_record`` adds a RECORD line to the batch
without a message object (see ``crm_core.record_lines``).
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import sys
import typing as t
from pathlib import Path

from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.contrib.msgspec import encoder as singer_encoder
from singer_sdk.singerlib import RecordMessage

if t.TYPE_CHECKING:
    from singer_sdk.singerlib import Message

EXIT_LOADER_GONE = 1


def loader_stopped() -> t.NoReturn:
    """Say that the loader stopped reading and end the process (exit 1), with no traceback.

    Raises:
        SystemExit: Never (the process ends), only when ``os._exit`` is replaced in a test.
    """
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "the tap"
    try:
        sys.stderr.write(f"{name}: the loader stopped reading: see its error above\n")
        sys.stderr.flush()
    finally:
        # Not sys.exit: the interpreter's last flush of stdout would fail on the closed pipe
        # again, and threads reading ahead would keep sending requests until they finish.
        os._exit(EXIT_LOADER_GONE)
    raise SystemExit(EXIT_LOADER_GONE)  # pragma: no cover - os._exit does not return


#: Records are written to stdout in batches of about this many bytes.
RECORD_BATCH_BYTES = 64 * 1024


class LoaderAwareWriter(MsgSpecWriter):
    """The SDK's msgspec writer, records in batches; a closed pipe ends the tap with one line."""

    def __init__(self) -> None:
        """Start with an empty batch, written at the latest when the process exits."""
        super().__init__()
        self._batch = bytearray()
        self._time_extracted: dt.datetime | None = None
        atexit.register(self.flush_records)

    def write_record(self, stream: str, record: dict[str, t.Any], version: int | None) -> None:
        """Add a RECORD line to the batch, as the SDK's ``RecordMessage`` would encode it.

        The line is the SDK's (same keys in the same order, same encoder); ``time_extracted``
        is read once per batch (see ``crm_core.record_lines``).

        Args:
            stream: The stream's name.
            record: The record.
            version: The stream's version, or None.
        """
        when = self._time_extracted
        if when is None:
            when = self._time_extracted = dt.datetime.now(dt.UTC)
        message: dict[str, t.Any] = {"type": "RECORD", "stream": stream, "record": record}
        if version is not None:
            message["version"] = version
        message["time_extracted"] = when
        batch = self._batch
        singer_encoder.encode_into(message, batch, -1)
        batch += b"\n"
        if len(batch) >= RECORD_BATCH_BYTES:
            self.flush_records()

    def write_message(self, message: Message) -> None:
        """Write a message to stdout; a RECORD may wait in the batch (at most ~64 KiB).

        Args:
            message: The message.
        """
        line = self.format_message(message)
        if isinstance(message, RecordMessage):
            self._batch += line
            if len(self._batch) < RECORD_BATCH_BYTES:
                return
            line = bytearray()
        try:
            out = sys.stdout.buffer
            if self._batch:
                out.write(self._batch)
                self._batch.clear()
                self._time_extracted = None
            if line:
                out.write(line)
            sys.stdout.flush()
        except BrokenPipeError:
            loader_stopped()

    def flush_records(self) -> None:
        """Write the records still in the batch."""
        if not self._batch:
            return
        try:
            sys.stdout.buffer.write(self._batch)
            self._batch.clear()
            self._time_extracted = None
            sys.stdout.flush()
        except BrokenPipeError:
            loader_stopped()


def write_pending_records(writer: object) -> None:
    """Write the records still waiting in a tap's batch (a writer of another kind has none).

    Args:
        writer: The tap's ``message_writer``.
    """
    if isinstance(writer, LoaderAwareWriter):
        writer.flush_records()

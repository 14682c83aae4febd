"""RECORD lines written straight into the writer's batch, without the SDK's message objects.

For each record the SDK builds a ``RecordMessage`` (a dataclass, checked after init), reads the
clock (``utc_now()``), turns the message back into a dict and encodes it into a buffer that
the writer then copies into its batch: about a tenth of the tap's CPU per contact. When none
of that can change the line, ``DirectRecordLines`` encodes the same dict (type, stream,
record, version, time_extracted, in the SDK's order, with the SDK's own msgspec encoder)
straight onto the end of ``crm_core.pipe.LoaderAwareWriter``'s batch. ``time_extracted`` is
read once per batch of records (about 64 KiB, see ``crm_core.pipe``), not once per record.

The SDK's path runs unchanged whenever the shortcut could differ from it: a property
deselected in the catalog (see ``crm_core.selection``), a type conformance level other than
none, stream maps or aliases or flattening configured (anything but the one default map), a
writer of another kind, or a ``write_message`` replaced on the tap or its writer (tests that
capture messages).
"""

from __future__ import annotations

import typing as t

from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.mapper import SameRecordTransform
from singer_sdk.plugin_base import BaseSingerWriter

from crm_core.pipe import LoaderAwareWriter
from crm_core.selection import SkipSelectionWhenAllSelected

if t.TYPE_CHECKING:
    from singer_sdk.helpers import types


class DirectRecordLines(SkipSelectionWhenAllSelected):
    """Put first in a stream's bases: RECORD lines without a ``RecordMessage`` when it is safe."""

    #: The writer to write lines into, or None for the SDK's path; decided once per mask.
    _direct_writer: LoaderAwareWriter | None = None
    _direct_checked_mask: object = None

    def direct_record_writer(self) -> LoaderAwareWriter | None:
        """The writer that takes this stream's records as lines, when that changes nothing.

        Returns:
            The tap's ``LoaderAwareWriter``, or None when the SDK's own path must run.
        """
        mask = self.mask
        if self._direct_checked_mask is mask:
            return self._direct_writer
        tap = self._tap
        writer = getattr(tap, "message_writer", None)
        maps = self.stream_maps
        ok = (
            isinstance(writer, LoaderAwareWriter)
            and "write_message" not in vars(writer)
            and "write_message" not in vars(tap)
            and type(tap).write_message is BaseSingerWriter.write_message
            and self.TYPE_CONFORMANCE_LEVEL == TypeConformanceLevel.NONE
            and len(maps) == 1
            and type(maps[0]) is SameRecordTransform
            and maps[0].stream_alias == self.name
            and not maps[0].flattening_enabled
            and self.every_property_selected()
        )
        self._direct_writer = writer if ok else None
        self._direct_checked_mask = mask
        return self._direct_writer

    def _write_record_message(self, record: types.Record) -> None:
        """Write a record's RECORD line into the batch, or take the SDK's path when it differs.

        Args:
            record: A record, fitted to the schema.
        """
        writer = self.direct_record_writer()
        if writer is None:
            super()._write_record_message(record)
            return
        writer.write_record(self.name, record, self._stream_version)
        self.state_manager.is_flushed = False

"""The SDK's per-record selection pass, skipped when it cannot remove anything.

For every record the SDK walks the record against the catalog's selection mask to drop
deselected properties (``pop_deselected_record_properties``), nested objects included: about a
sixth of a tap's time per contact, although a catalog usually selects every property. When
every breadcrumb of the stream's mask is selected (a property without a breadcrumb takes its
parent's selection), that pass cannot remove anything, and this mixin leaves it out; the rest of
the SDK's steps (type conformance at the stream's level, stream maps, the RECORD message) are
the SDK's own (singer-sdk 0.54 ``Stream._generate_record_messages``). With any property
deselected, the SDK's path runs unchanged.
"""

from __future__ import annotations

import typing as t

from singer_sdk import singerlib as singer
from singer_sdk.helpers._typing import conform_record_data_types
from singer_sdk.helpers._util import utc_now
from singer_sdk.streams.core import Stream

if t.TYPE_CHECKING:
    from collections.abc import Generator

    from singer_sdk.helpers import types


class SkipSelectionWhenAllSelected(Stream):
    """Put first in a stream's bases: no per-record selection pass when nothing is deselected."""

    _all_selected_mask: object = None

    def every_property_selected(self) -> bool:
        """Whether the catalog selects every property of this stream (checked once per mask).

        Returns:
            True when the SDK's selection pass would keep every key of every record.
        """
        mask = self.mask
        if self._all_selected_mask is not mask:
            self._all_selected = all(mask.values())
            self._all_selected_mask = mask
        return self._all_selected

    def _generate_record_messages(
        self, record: types.Record
    ) -> Generator[singer.RecordMessage, None, None]:
        """The SDK's RECORD messages of a record, without its selection pass when it is a no-op.

        Args:
            record: A record, fitted to the schema.

        Yields:
            RECORD messages.
        """
        if not self.every_property_selected():
            yield from super()._generate_record_messages(record)
            return
        record = conform_record_data_types(
            stream_name=self.name,
            record=record,
            schema=self.effective_schema,
            level=self.TYPE_CONFORMANCE_LEVEL,
            logger=self.logger,
        )
        for stream_map in self.stream_maps:
            mapped_record = stream_map.transform(record)
            if mapped_record is not None:
                yield singer.RecordMessage(
                    stream=stream_map.stream_alias,
                    record=mapped_record,
                    version=self._stream_version,
                    time_extracted=utc_now(),
                )

"""The target: settings, and the SDK's message loop with two ordering guarantees added."""

from __future__ import annotations

import decimal
import sys
import time
import typing as t
import weakref
from pathlib import Path

import msgspec
import simplejson
from singer_sdk import typing as th
from singer_sdk.helpers.capabilities import TargetLoadMethods
from singer_sdk.singerlib.encoding import SimpleSingerReader
from singer_sdk.sql import SQLTarget
from typing_extensions import override

from target_duckdb_sdk.connector import DEFAULT_MEMORY_LIMIT
from target_duckdb_sdk.failure import failure_line
from target_duckdb_sdk.lock import WarehouseBusyError, WarehouseLock
from target_duckdb_sdk.sink import DuckDBSink

if t.TYPE_CHECKING:
    from collections.abc import Sequence

    from singer_sdk.sinks import Sink

DEFAULT_SCHEMA = "engagebay"
#: Seconds between confirmed states when ``state_interval_seconds`` is not set.
STATE_INTERVAL_DEFAULT = 60
#: The clock of ``state_interval_seconds`` (a name of its own so that tests can drive it).
clock = time.monotonic
#: Seconds a loader waits for another run writing the same file (as the README's cron lines).
DEFAULT_LOCK_TIMEOUT = 3000


_DECODER = msgspec.json.Decoder(float_hook=decimal.Decimal)


class MsgSpecDecimalReader(SimpleSingerReader):
    """The SDK's reader, decoding each line with msgspec (about twice as fast).

    The values are the SDK's own: floats as ``Decimal``, every other value as ``json.loads``
    gives it. What msgspec refuses (NaN, lone surrogates, a broken line) goes to the SDK's
    decoder, so the result, or the error, is the SDK's.
    """

    def deserialize_json(self, line: str) -> dict[str, t.Any]:
        """Decode one message.

        Args:
            line: The line.

        Returns:
            The message.
        """
        try:
            message: dict[str, t.Any] = _DECODER.decode(line)
        except msgspec.DecodeError:
            return super().deserialize_json(line)
        return message


class TargetDuckDB(SQLTarget):
    """Singer target for DuckDB: typed columns, merge by key, ACTIVATE_VERSION."""

    name = "target-duckdb-sdk"
    default_sink_class = DuckDBSink
    message_reader_class = MsgSpecDecimalReader
    #: When the last state was confirmed (``clock``); None until the first STATE.
    _state_confirmed_at: float | None = None
    #: The warehouse file of this process's run, once the settings are read.
    warehouse: t.ClassVar[Path | None] = None

    config_jsonschema = th.PropertiesList(
        th.Property(
            "path",
            th.StringType,
            required=True,
            title="Database file",
            description="The DuckDB database file; it and its folder are created if missing.",
        ),
        th.Property(
            "default_target_schema",
            th.StringType,
            default=DEFAULT_SCHEMA,
            title="Default Target Schema",
            description="The schema every stream's table is created in.",
        ),
        th.Property(
            "batch_size_rows",
            th.IntegerType,
            title="Batch Size Rows",
            description=(
                "Records per batch (one staging file, one transaction); "
                f"{DuckDBSink.MAX_SIZE_DEFAULT} when not set."
            ),
        ),
        th.Property(
            "batch_size_bytes",
            th.IntegerType,
            title="Batch Size Bytes",
            description=(
                "A batch also ends when its staged rows reach this many bytes (DuckDB's memory "
                f"for a load follows the batch's bytes); {DuckDBSink.MAX_BYTES_DEFAULT} when "
                "not set."
            ),
        ),
        th.Property(
            "state_interval_seconds",
            th.NumberType,
            title="State Interval Seconds",
            description=(
                "At the first STATE message this many seconds after the last confirmed one, "
                "every pending batch is loaded and that state confirmed (written to stdout, "
                "where Meltano saves it): a killed run resumes from at most about this long "
                f"ago. {STATE_INTERVAL_DEFAULT} when not set; 0 confirms every STATE message."
            ),
        ),
        th.Property(
            "add_record_metadata",
            th.BooleanType,
            default=True,
            title="Add Record Metadata",
            description=(
                "Add the _sdc_* columns (extracted/received/batched/deleted times, sequence, "
                "table version); ACTIVATE_VERSION relies on _sdc_table_version."
            ),
        ),
        th.Property(
            "hard_delete",
            th.BooleanType,
            default=False,
            title="Hard Delete",
            description=(
                "On ACTIVATE_VERSION, delete the rows of older versions instead of setting "
                "their _sdc_deleted_at."
            ),
        ),
        th.Property(
            "load_method",
            th.StringType,
            default=TargetLoadMethods.UPSERT.value,
            allowed_values=[m.value for m in TargetLoadMethods],
            title="Load Method",
            description=(
                "`upsert`: a record whose key exists replaces the row (streams without keys "
                "append); `append-only`: always insert; `overwrite`: drop each table the first "
                "time the run sees its stream, then upsert."
            ),
        ),
        th.Property(
            "memory_limit",
            th.StringType,
            title="DuckDB memory limit",
            description=(
                "DuckDB's memory_limit for the load (e.g. 256MB, 2GB); beyond it DuckDB evicts "
                f"cached blocks and spills to disk. {DEFAULT_MEMORY_LIMIT} when not set. A load "
                "that runs out of memory is rolled back and retried: first at the same limit "
                "after a CHECKPOINT, then with twice the limit (twice), then without it, with a "
                "warning."
            ),
        ),
        th.Property(
            "vacuum",
            th.BooleanType,
            default=False,
            title="Merge small row groups at checkpoints",
            description=(
                "Let DuckDB's checkpoints merge small row groups and rewrite row groups with "
                "deleted rows (DuckDB's own behaviour). Off by default: each merge reads the "
                "row groups it merges into memory, which made the loader's peak memory grow "
                "with the table; without it, a load of many batches leaves row groups of a few "
                "thousand rows, and rows replaced by an upsert keep their space until every row "
                "of their row group is gone."
            ),
        ),
        th.Property(
            "lock_timeout",
            th.IntegerType(minimum=0),
            default=DEFAULT_LOCK_TIMEOUT,
            title="Wait for another run (seconds)",
            description=(
                "One run writes a database file at a time: the loader holds a lock on "
                "`<path>.lock` from start to end. A second run's loader waits up to this many "
                "seconds for the first to end, then stops with a message naming it (0: do not "
                "wait)."
            ),
        ),
        th.Property(
            "temp_dir",
            th.StringType,
            title="Staging folder",
            description="Folder for the per-batch staging files (default: the system's).",
        ),
    ).to_dict()

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:  # noqa: ANN401
        """Validate the settings, then take the warehouse file's lock (waiting for its holder).

        Args:
            args: As for the SDK's target.
            kwargs: As for the SDK's target.
        """
        super().__init__(*args, **kwargs)
        database = Path(str(self.config["path"])).expanduser().resolve()
        type(self).warehouse = database  # named by the failure line, whatever fails later
        self.warehouse_lock = WarehouseLock(database)
        timeout = float(self.config.get("lock_timeout", DEFAULT_LOCK_TIMEOUT))
        self.warehouse_lock.acquire(timeout, self.logger)
        # An in-process caller that never reaches the end of the pipe still lets go of it.
        weakref.finalize(self, self.warehouse_lock.release)

    @override
    def process_endofpipe(self) -> None:
        """Load what is left, then let the next run write."""
        try:
            super().process_endofpipe()
        finally:
            self.warehouse_lock.release()

    @classmethod
    @override
    def invoke(  # type: ignore[override]
        cls,
        *,
        about: bool = False,
        about_format: str | None = None,
        config: t.Any = None,
        file_input: t.IO[str] | None = None,
    ) -> None:
        """Run the target; whatever stops it ends it with one line naming the file and what to do.

        A warehouse kept busy by another run says which; every other failure is put in words
        by ``failure_line`` (the traceback goes to the DEBUG log).

        Args:
            about: Display package metadata and settings.
            about_format: Output style for ``--about``.
            config: Configuration inputs.
            file_input: A file to read messages from instead of standard input.
        """
        try:
            super().invoke(
                about=about, about_format=about_format, config=config, file_input=file_input
            )
        except WarehouseBusyError as exc:
            sys.stderr.write(f"{cls.name}: {exc}\n")
            sys.exit(1)
        except Exception as exc:
            cls.logger.debug("The loader stopped on this error", exc_info=True)
            database = cls.warehouse or Path("(not resolved yet)")
            sys.stderr.write(f"{cls.name}: {failure_line(exc, database)}\n")
            sys.exit(1)

    @property
    @override
    def max_parallelism(self) -> int:
        """Sinks are drained one at a time (DuckDB parallelises each load itself)."""
        return 1

    @max_parallelism.setter
    def max_parallelism(self, new_value: int) -> None:
        _ = new_value

    @property
    def state_interval(self) -> float:
        """Seconds between confirmed states (``state_interval_seconds``)."""
        value = self.config.get("state_interval_seconds")
        return float(STATE_INTERVAL_DEFAULT if value is None else value)

    @override
    def _process_state_message(self, message_dict: dict) -> None:
        """Keep the state; once ``state_interval_seconds`` passed, load everything and confirm it.

        The SDK confirms a state only when it drains every sink: when a record is five minutes
        old (``_MAX_RECORD_AGE_IN_MINUTES``) or at the end. A state is due here, on its own
        message, because every record the tap sent before it has arrived: confirming it at
        once loses nothing, and later records are not yet covered by any state.

        Args:
            message_dict: The STATE message.
        """
        super()._process_state_message(message_dict)
        now = clock()
        if self._state_confirmed_at is None:
            self._state_confirmed_at = now
        waited = now - self._state_confirmed_at
        if waited >= self.state_interval:
            self.logger.info(
                "Loading every batch to confirm the state (%.0f s since the last one)", waited
            )
            self.drain_all()

    @override
    def _write_state_message(self, state: dict[str, t.Any]) -> None:
        """Confirm a state exactly as the tap sent it, numbers with a fraction included.

        The SDK reads those as ``Decimal`` and its own writer (``json.dumps``) cannot write
        them, which stopped the run at the first state confirmed mid-run (tap-engagebay's
        ``resume.started_at``); simplejson writes each with all its digits.

        Args:
            state: The state.
        """
        state_json = simplejson.dumps(state, use_decimal=True)
        self.logger.debug("Emitting completed target state %s", state_json)
        sys.stdout.write(f"{state_json}\n")
        sys.stdout.flush()

    @override
    def _reset_max_record_age(self) -> None:
        """Every full drain confirms the latest state: the interval starts again."""
        super()._reset_max_record_age()
        self._state_confirmed_at = clock()

    @override
    def get_sink(
        self,
        stream_name: str,
        *,
        record: dict | None = None,
        schema: dict | None = None,
        key_properties: Sequence[str] | None = None,
    ) -> Sink:
        """Return the stream's sink; on a new schema, load the old sink's records first.

        The SDK replaces a stream's sink when its schema changes and drains the old one later,
        which could load older records after newer ones. Draining it here keeps arrival order.

        Args:
            stream_name: The stream.
            record: Unused.
            schema: A new SCHEMA message's schema, if any.
            key_properties: Its key properties.

        Returns:
            The sink.
        """
        existing = self._sinks_active.get(stream_name)
        if (
            schema is not None
            and existing is not None
            and (existing.schema != schema or existing.key_properties != key_properties)
        ):
            self.drain_one(existing)
        return super().get_sink(
            stream_name, record=record, schema=schema, key_properties=key_properties
        )


if __name__ == "__main__":
    TargetDuckDB.cli()

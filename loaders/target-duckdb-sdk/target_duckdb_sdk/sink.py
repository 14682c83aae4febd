"""The DuckDB sink: one batch is staged as a file, read with explicit types and merged.

A batch goes through three steps, the last two in one transaction:

1. every record is written as one line of JSON to a staging file (values prepared for the
   column's actual type; property names replaced by positional keys ``c0``, ``c1``...);
2. ``read_json`` reads the file with an explicit type for every column (no sniffing, no
   header detection: a file of one line is one row);
3. for streams with key properties, the batch is reduced to the last version of each key, the
   rows with those keys are deleted from the table and the batch is inserted; streams without
   keys (or ``load_method: append-only``) are appended.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import typing as t
from pathlib import Path

import sqlalchemy as sa
from singer_sdk.helpers.capabilities import TargetLoadMethods
from singer_sdk.helpers.conform import DatetimeErrorTreatmentEnum
from singer_sdk.sql import SQLSink
from typing_extensions import override

from target_duckdb_sdk import types
from target_duckdb_sdk.connector import DuckDBConnector, literal, quote
from target_duckdb_sdk.validation import FastJSONSchemaValidator

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from singer_sdk.sinks.core import BaseJSONSchemaValidator
    from singer_sdk.sql.connector import FullyQualifiedName

_SURROGATE = re.compile("[\ud800-\udfff]")
#: What the message for a load retried after a CHECKPOINT says; the benchmarks count it.
CHECKPOINT_RETRY = "checkpointing, then retrying it at the same limit"
_SEQ = "seq"
_MIN_OBJECT_SIZE = 16 * 1024 * 1024


def _encode(row: dict[str, object]) -> bytes:
    """One staging line, UTF-8; lone surrogates (not encodable) become U+FFFD.

    Args:
        row: The prepared row.

    Returns:
        The line, newline included.
    """
    text = json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=types.json_default)
    try:
        return text.encode() + b"\n"
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text).encode() + b"\n"


def _out_of_memory(error: str) -> bool:
    """Whether a DuckDB error (as SQLAlchemy wraps it) says it ran out of memory.

    Args:
        error: The error's text.

    Returns:
        True for DuckDB's Out of Memory errors.
    """
    return "Out of Memory" in error


class _Plan(t.NamedTuple):
    """How one schema property is written: its column, type and value converter."""

    prop: str
    column: str
    type: str
    convert: Callable[[object], object]


class _Staging:
    """One batch on its way to DuckDB: records are converted and written as they arrive."""

    def __init__(self, path: Path, plan: list[_Plan], table: str | FullyQualifiedName) -> None:
        self.path = path
        self.plan = plan
        self.table = table
        self.count = 0
        self.longest = 0
        self.size = 0
        self._keys = [f"c{i}" for i in range(len(plan))]
        self._props = [(p.prop, p.convert) for p in plan]
        self._out: t.BinaryIO | None = path.open("wb", buffering=1 << 20)

    def add(self, record: dict[str, t.Any]) -> None:
        """Convert one record to a staging line and write it.

        Args:
            record: The parsed record.
        """
        assert self._out is not None  # noqa: S101 - add after close is a bug
        self.count += 1
        row = dict(zip(self._keys, [conv(record.get(prop)) for prop, conv in self._props]))  # noqa: B905
        row[_SEQ] = self.count
        line = _encode(row)
        self.longest = max(self.longest, len(line))
        self.size += len(line)
        self._out.write(line)

    def close(self) -> None:
        """Flush and close the file (idempotent)."""
        if self._out is not None:
            self._out.close()
            self._out = None

    def discard(self) -> None:
        """Close and delete the file."""
        self.close()
        self.path.unlink(missing_ok=True)


class DuckDBSink(SQLSink[DuckDBConnector]):
    """Loads one stream into one DuckDB table."""

    connector_class = DuckDBConnector

    #: Rows per batch when ``batch_size_rows`` is not set. Records wait on disk, not in memory,
    #: but DuckDB's memory for one load grows with the batch, so a batch also ends when its
    #: staging file reaches ``batch_size_bytes`` (wide rows: fewer of them).
    MAX_SIZE_DEFAULT = 10_000
    #: Bytes of staged rows per batch when ``batch_size_bytes`` is not set.
    MAX_BYTES_DEFAULT = 8 * 2**20

    @property
    @override
    def is_full(self) -> bool:
        """A batch is full at ``batch_size_rows`` rows or ``batch_size_bytes`` staged bytes.

        Returns:
            True when the batch should be loaded now.
        """
        if super().is_full:
            return True
        staging: _Staging | None = (self._pending_batch or {}).get("staging")
        limit = int(self.config.get("batch_size_bytes") or self.MAX_BYTES_DEFAULT)
        return staging is not None and staging.size >= limit

    @override
    def get_validator(self) -> BaseJSONSchemaValidator | None:
        """The SDK's jsonschema validator behind a fast path for plainly valid records.

        Returns:
            The validator, or None when ``validate_records`` is false.
        """
        if not self.validate_schema:
            return None
        return FastJSONSchemaValidator(
            self.schema, validate_formats=self.validate_field_string_format
        )

    @property
    @override
    def datetime_error_treatment(self) -> DatetimeErrorTreatmentEnum:
        """An unparsable date or date-time (``""``, ``"0000-00-00"``) is loaded as NULL.

        The SDK logs a warning for each; the record itself is loaded.
        """
        return DatetimeErrorTreatmentEnum.NULL

    @override
    def conform_name(self, name: str, object_type: str | None = None) -> str:
        """Names are kept exactly as given (every identifier is quoted).

        Args:
            name: A stream or property name.
            object_type: Unused.

        Returns:
            The name unchanged.
        """
        _ = object_type
        return name

    @property
    def _quoted_table(self) -> str:
        return self.connector.quoted_table(self.full_table_name)

    @property
    def _upsert(self) -> bool:
        return bool(self.key_properties) and (
            self.config.get("load_method") != TargetLoadMethods.APPEND_ONLY
        )

    # ---- loading ------------------------------------------------------------------------

    @override
    def process_record(self, record: dict, context: dict) -> None:
        """Write the record to the batch's staging file at once (nothing is kept in memory).

        Memory therefore stays flat whatever ``batch_size_rows`` is: a batch lives on disk
        until ``process_batch`` loads it.

        Args:
            record: The parsed record.
            context: The batch's context (holds the open staging file).
        """
        staging = context.get("staging")
        if staging is None:
            staging = context["staging"] = self._open_staging(self.full_table_name, self.schema)
        staging.add(record)

    @override
    def process_batch(self, context: dict) -> None:
        staging: _Staging | None = context.pop("staging", None)
        if staging is None:
            return
        self._load_staged(staging)

    @override
    def clean_up(self) -> None:
        """Remove the staging file of a batch that was never loaded (a failed run)."""
        pending = self._pending_batch or {}
        staging: _Staging | None = pending.pop("staging", None)
        if staging is not None:
            staging.discard()
        super().clean_up()

    def _load_staged(self, staging: _Staging) -> None:
        try:
            staging.close()
            if not staging.count:
                return
            loaded = self._load(staging)
            if loaded < staging.count:
                self.tally_duplicate_merged(staging.count - loaded)
        finally:
            staging.discard()

    def _plan(self, full_table_name: str | FullyQualifiedName, schema: dict) -> list[_Plan]:
        """Match every schema property with its table column and actual type."""
        columns = self.connector.table_columns(full_table_name)
        plan = []
        for prop, prop_schema in schema["properties"].items():
            column = columns.get(prop.lower())
            if column is None:  # a property the table does not have yet
                self.connector.ensure_column(full_table_name, prop, types.duckdb_type(prop_schema))
                column = self.connector.table_columns(full_table_name)[prop.lower()]
            plan.append(_Plan(prop, column.name, column.type, types.converter_for(column.type)))
        return plan

    def _open_staging(self, full_table_name: str | FullyQualifiedName, schema: dict) -> _Staging:
        """Plan the columns and open a new staging file for a batch."""
        plan = self._plan(full_table_name, schema)
        handle, name = tempfile.mkstemp(
            prefix="target-duckdb-", suffix=".ndjson", dir=self.config.get("temp_dir")
        )
        os.close(handle)
        return _Staging(Path(name), plan, full_table_name)

    def _read_json_sql(self, path: Path, plan: list[_Plan], longest: int) -> str:
        """``SELECT`` of the staged batch, typed column by column, named like the table."""
        spec = ", ".join(f"'c{i}': {literal(p.type)}" for i, p in enumerate(plan))
        select = ", ".join(f"c{i} AS {quote(p.column)}" for i, p in enumerate(plan))
        size = max(_MIN_OBJECT_SIZE, 2 * longest)
        return (
            f"SELECT {select} FROM read_json({literal(str(path))}, "  # noqa: S608 - quoted names
            f"format = 'newline_delimited', records = 'true', "
            f"columns = {{{spec}, '{_SEQ}': 'BIGINT'}}, maximum_object_size = {size})"
        )

    @override
    def bulk_insert_records(
        self,
        full_table_name: str | FullyQualifiedName,
        schema: dict,
        records: Iterable[dict[str, t.Any]],
    ) -> int | None:
        """Stage records in a file, then load it in one transaction.

        The target itself stages each record as it arrives (``process_record``); this is the
        SDK's entry point for callers that hold a batch in memory.

        Args:
            full_table_name: The table.
            schema: The stream's schema.
            records: The batch, in arrival order.

        Returns:
            The number of rows written (after keeping the last version of each key).
        """
        staging = self._open_staging(full_table_name, schema)
        try:
            for record in records:
                staging.add(record)
            staging.close()
            return self._load(staging) if staging.count else 0
        finally:
            staging.discard()

    def _load(self, staging: _Staging) -> int:
        """Load a closed staging file; again while DuckDB runs out of memory.

        The first retry follows a CHECKPOINT at the same limit: it writes out the committed
        rows DuckDB still holds in memory, which may be all the load lacked. Later retries
        raise the limit (``relax_memory_limit``).
        """
        checkpointed = False
        while True:
            try:
                return self._load_once(staging)
            except sa.exc.OperationalError as exc:  # the transaction was rolled back
                error = str(exc)
                if not _out_of_memory(error):
                    raise
                if not checkpointed:
                    checkpointed = True
                    if self._checkpoint():
                        continue
                if not self.connector.relax_memory_limit(error):
                    raise

    def _checkpoint(self) -> bool:
        """Write the rows DuckDB holds in memory to the file; False if that ran out too."""
        self.logger.info(
            "A load of %s needed more than memory_limit %s: %s.",
            self.stream_name,
            self.connector.memory_limit,
            CHECKPOINT_RETRY,
        )
        try:
            self.connector.execute("CHECKPOINT")
        except sa.exc.OperationalError as exc:
            if not _out_of_memory(str(exc)):
                raise
            return False
        return True

    def _load_once(self, staging: _Staging) -> int:
        """Load a closed staging file: append, or merge by key; returns the rows written."""
        select = self._read_json_sql(staging.path, staging.plan, staging.longest)
        table = self.connector.quoted_table(staging.table)
        if not self._upsert:
            with self.connector.transaction() as conn:
                conn.exec_driver_sql(f"INSERT INTO {table} BY NAME {select}")
            self.logger.info("Appended %d rows to %s", staging.count, table)
            return staging.count
        return self._merge(table, select, staging.plan, staging.count)

    def _merge(self, table: str, select: str, plan: list[_Plan], count: int) -> int:
        """Keep the last version of each key, replace those keys' rows, in one transaction."""
        by_prop = {p.prop: p.column for p in plan}
        keys = [quote(by_prop.get(k, k)) for k in self.key_properties]
        stage = quote(f"_stage_{self.stream_name}")
        last_of_key = (
            f"QUALIFY row_number() OVER (PARTITION BY {', '.join(keys)} ORDER BY {_SEQ} DESC) = 1"
        )
        match = " AND ".join(f"{table}.{k} IS NOT DISTINCT FROM {stage}.{k}" for k in keys)
        with self.connector.transaction() as conn:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{stage}")
            conn.exec_driver_sql(f"CREATE TEMP TABLE {stage} AS {select} {last_of_key}")
            unique = conn.exec_driver_sql(f"SELECT count(*) FROM {stage}").scalar_one()  # noqa: S608
            conn.exec_driver_sql(f"DELETE FROM {table} USING {stage} WHERE {match}")  # noqa: S608
            conn.exec_driver_sql(f"INSERT INTO {table} BY NAME SELECT * FROM {stage}")  # noqa: S608
            conn.exec_driver_sql(f"DROP TABLE temp.{stage}")
        self.logger.info(
            "Merged %d rows (%d records) into %s by %s", unique, count, table, ", ".join(keys)
        )
        return int(unique)

    # ---- ACTIVATE_VERSION ---------------------------------------------------------------

    def _flush(self) -> None:
        """Load the records received so far, so they are in the table before a version bump."""
        if self.current_size:
            context = self.start_drain()
            self.process_batch(context)
            self.mark_drained()

    @override
    def activate_version(self, new_version: int) -> None:
        """Retire the rows of older table versions (soft or hard delete).

        Records received before the message are loaded first. Rows whose
        ``_sdc_table_version`` is older than ``new_version``, or unknown (NULL: loaded by an
        incremental run, not seen by this full pass), get ``_sdc_deleted_at`` set, or are
        deleted when ``hard_delete`` is true.

        Args:
            new_version: The version being activated.
        """
        self._flush()
        if not self.connector.table_exists(self.full_table_name):
            return
        table = self._quoted_table
        version = quote(self.version_column_name)
        deleted_at = quote(self.soft_delete_column_name)
        self.connector.ensure_column(self.full_table_name, self.version_column_name, types.BIGINT)
        older = f"({version} IS NULL OR {version} < {int(new_version)})"
        if self.config.get("hard_delete", False):
            with self.connector.transaction() as conn:
                result = conn.exec_driver_sql(f"DELETE FROM {table} WHERE {older}")  # noqa: S608
            self.logger.info("Version %s: deleted %s old rows", new_version, result.rowcount)
            return
        self.connector.ensure_column(
            self.full_table_name, self.soft_delete_column_name, types.TIMESTAMPTZ
        )
        now = dt.datetime.now(tz=dt.UTC).isoformat()
        with self.connector.transaction() as conn:
            result = conn.exec_driver_sql(
                f"UPDATE {table} SET {deleted_at} = TIMESTAMPTZ {literal(now)} "  # noqa: S608
                f"WHERE {older} AND {deleted_at} IS NULL"
            )
        self.logger.info("Version %s: marked %s old rows deleted", new_version, result.rowcount)

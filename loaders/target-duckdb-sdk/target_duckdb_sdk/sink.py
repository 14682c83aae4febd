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

from singer_sdk.helpers.capabilities import TargetLoadMethods
from singer_sdk.helpers.conform import DatetimeErrorTreatmentEnum
from singer_sdk.sql import SQLSink
from typing_extensions import override

from target_duckdb_sdk import types
from target_duckdb_sdk.connector import DuckDBConnector, literal, quote

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from singer_sdk.sql.connector import FullyQualifiedName

_SURROGATE = re.compile("[\ud800-\udfff]")
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


class _Plan(t.NamedTuple):
    """How one schema property is written: its column, type and value converter."""

    prop: str
    column: str
    type: str
    convert: Callable[[object], object]


class DuckDBSink(SQLSink[DuckDBConnector]):
    """Loads one stream into one DuckDB table."""

    connector_class = DuckDBConnector

    #: Rows per batch when ``batch_size_rows`` is not set.
    MAX_SIZE_DEFAULT = 100_000

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
    def process_batch(self, context: dict) -> None:
        records = context.get("records", [])
        if not records:
            return
        loaded = self.bulk_insert_records(self.full_table_name, self.schema, records)
        if loaded is not None and loaded < len(records):
            self.tally_duplicate_merged(len(records) - loaded)

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

    def _write_staging_file(
        self, path: Path, plan: list[_Plan], records: Iterable[dict[str, t.Any]]
    ) -> tuple[int, int]:
        """Write the batch; returns (rows, longest line in bytes)."""
        keys = [f"c{i}" for i in range(len(plan))]
        props = [(p.prop, p.convert) for p in plan]
        count = 0
        longest = 0
        with path.open("wb") as out:
            for count, record in enumerate(records, start=1):
                row = dict(
                    zip(keys, [convert(record.get(prop)) for prop, convert in props], strict=True)
                )
                row[_SEQ] = count
                line = _encode(row)
                longest = max(longest, len(line))
                out.write(line)
        return count, longest

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
        """Stage the batch in a file, then load it in one transaction.

        Args:
            full_table_name: The table.
            schema: The stream's schema.
            records: The batch, in arrival order.

        Returns:
            The number of rows written (after keeping the last version of each key).
        """
        plan = self._plan(full_table_name, schema)
        handle, name = tempfile.mkstemp(
            prefix="target-duckdb-", suffix=".ndjson", dir=self.config.get("temp_dir")
        )
        os.close(handle)
        path = Path(name)
        try:
            count, longest = self._write_staging_file(path, plan, records)
            select = self._read_json_sql(path, plan, longest)
            table = self.connector.quoted_table(full_table_name)
            if not self._upsert:
                with self.connector.transaction() as conn:
                    conn.exec_driver_sql(f"INSERT INTO {table} BY NAME {select}")
                self.logger.info("Appended %d rows to %s", count, table)
                return count
            return self._merge(table, select, plan, count)
        finally:
            path.unlink(missing_ok=True)

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

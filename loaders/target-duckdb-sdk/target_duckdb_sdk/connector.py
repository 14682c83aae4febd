"""The DuckDB connector: engine, identifiers, DDL and schema evolution.

Column types come from ``target_duckdb_sdk.types``; the DDL is written here, with every
identifier quoted, so property names are kept exactly as the tap sends them.
"""

from __future__ import annotations

import contextlib
import re
import typing as t
from pathlib import Path

import sqlalchemy as sa
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.helpers.capabilities import TargetLoadMethods
from singer_sdk.sql import SQLConnector
from typing_extensions import override

from target_duckdb_sdk import types

if t.TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from singer_sdk.sql.connector import FullyQualifiedName

#: SQLAlchemy types for the DuckDB types this target creates (for SDK code paths that ask).
_SA_TYPES: dict[str, sa.types.TypeEngine[t.Any]] = {
    types.BIGINT: sa.BIGINT(),
    types.DOUBLE: sa.Double(),
    types.BOOLEAN: sa.BOOLEAN(),
    types.TIMESTAMPTZ: sa.TIMESTAMP(timezone=True),
    types.DATE: sa.DATE(),
    types.TIME: sa.TIME(),
    types.VARCHAR: sa.VARCHAR(),
    types.JSON: sa.JSON(),
}


def quote(name: str) -> str:
    """Quote an identifier for DuckDB, whatever characters it holds.

    Args:
        name: A schema, table or column name.

    Returns:
        The name in double quotes, inner double quotes doubled.
    """
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal.

    Args:
        text: The string.

    Returns:
        The string in single quotes, inner single quotes doubled.
    """
    return "'" + text.replace("'", "''") + "'"


#: DuckDB's memory limit when ``memory_limit`` is not set. Beyond it DuckDB evicts cached table
#: blocks and spills to disk; without it, it keeps the blocks of a growing table cached (up to
#: 80% of the machine's RAM), so the loader's memory grew with the table. One load of an 8 MiB
#: batch and the rows committed since the last checkpoint fit in 96MB once checkpoints no longer
#: merge row groups (see ``create_engine``), or after the sink's checkpoint-first retry: three
#: 1,000,000-contact runs never needed a higher limit (docs/benchmarks.md, section 2).
DEFAULT_MEMORY_LIMIT = "96MB"
#: Times an Out of Memory error doubles the limit before it is lifted.
MAX_DOUBLINGS = 2
#: How the warning for a raised (or lifted) limit begins; the benchmarks count it.
LIMIT_RAISED = "DuckDB ran out of memory within memory_limit"
_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}  # fmt: skip


def limit_bytes(text: str) -> int | None:
    """Bytes of a DuckDB memory size (``256MB``, ``1.5GiB``, ``2 GB``); None if unreadable.

    Args:
        text: The size.

    Returns:
        The size in bytes.
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).upper() not in _UNITS:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def out_of_memory_detail(error: str) -> str:
    """The line of a DuckDB error that says what it failed to allocate (the SQL left out).

    Args:
        error: The error's text, possibly wrapped by SQLAlchemy.

    Returns:
        ``Out of Memory Error: failed to allocate ...``, or ``""`` when there is none.
    """
    for line in error.splitlines():
        start = line.find("Out of Memory Error")
        if start >= 0:
            return line[start:].strip()
    return ""


class Column(t.NamedTuple):
    """A column of an existing table."""

    name: str
    type: str


class DuckDBConnector(SQLConnector):
    """Connects to one DuckDB file and shapes its tables."""

    allow_column_add = True
    allow_column_rename = False
    allow_column_alter = True
    allow_merge_upsert = True
    allow_overwrite = True
    allow_temp_tables = True

    @override
    def get_sqlalchemy_url(self, config: dict[str, t.Any]) -> str:
        """The duckdb-engine URL of the ``path`` setting; creates the file's folder.

        Args:
            config: The target's settings.

        Returns:
            ``duckdb:///<absolute path>``.

        Raises:
            ConfigValidationError: When ``path`` is missing.
        """
        if not config.get("path"):
            msg = "Setting 'path' (the DuckDB database file) is required."
            raise ConfigValidationError(msg)
        path = Path(str(config["path"])).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"duckdb:///{path}"

    @override
    def create_engine(self) -> sa.Engine:
        """An engine whose connections work in UTC, within ``memory_limit``, without vacuum.

        Unless ``vacuum`` is true, checkpoints do not merge row groups. A load of many batches
        makes one small row group per checkpoint, and DuckDB's vacuum merged them pairwise (2,
        4, 8... row groups at a time), reading each merge's rows back into memory: the larger
        merges of a long run took the loader's peak ~45 MiB above a short run's. Row groups
        whose rows are all deleted are still dropped.

        Returns:
            The SQLAlchemy engine.
        """
        engine = sa.create_engine(self.sqlalchemy_url, echo=False)

        @sa.event.listens_for(engine, "connect")
        def _utc(dbapi_connection: t.Any, _record: object) -> None:  # noqa: ANN401
            dbapi_connection.execute("SET TimeZone = 'UTC'")
            if self.memory_limit:
                dbapi_connection.execute(f"SET memory_limit = {literal(self.memory_limit)}")
            if not self.config.get("vacuum", False):
                dbapi_connection.execute("SET max_vacuum_tasks = 0")

        return engine

    @property
    def memory_limit(self) -> str | None:
        """DuckDB's memory limit for this run (None: DuckDB's own default, 80% of RAM)."""
        if not hasattr(self, "_memory_limit"):
            self._memory_limit: str | None = str(
                self.config.get("memory_limit") or DEFAULT_MEMORY_LIMIT
            )
        return self._memory_limit

    def relax_memory_limit(self, error: str = "") -> bool:
        """Double the memory limit after an Out of Memory error (the third time: lift it).

        The limit grows only as far as a load needs, so one large merge does not leave the
        rest of the run without a bound.

        Args:
            error: DuckDB's message, quoted in the warning (what it failed to allocate).

        Returns:
            False when there was no limit to relax (the error is real).
        """
        current = self.memory_limit
        if current is None:
            return False
        self._relaxed = getattr(self, "_relaxed", 0) + 1
        size = limit_bytes(current)
        if self._relaxed > MAX_DOUBLINGS or size is None:
            self._memory_limit = None
            self.execute("RESET memory_limit")
            new = "DuckDB's default (80% of RAM)"
        else:
            self._memory_limit = new = f"{2 * size // 10**6}MB"
            self.execute(f"SET memory_limit = {literal(new)}")
        self.logger.warning(
            "%s %s (%s); retrying with %s for the rest of the run (set memory_limit higher to "
            "avoid this).",
            LIMIT_RAISED,
            current,
            out_of_memory_detail(error) or "no detail",
            new,
        )
        return True

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """A connection inside one transaction: committed on success, rolled back on error.

        Yields:
            The connection.
        """
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def execute(self, sql: str) -> None:
        """Run one statement in its own transaction.

        Args:
            sql: The statement.
        """
        with self.transaction() as conn:
            conn.exec_driver_sql(sql)

    def quoted_table(self, full_table_name: str | FullyQualifiedName) -> str:
        """``"schema"."table"`` with both parts quoted.

        Args:
            full_table_name: The SDK's table name.

        Returns:
            The quoted name.
        """
        _, schema_name, table_name = self.parse_full_table_name(full_table_name)
        if schema_name:
            return f"{quote(schema_name)}.{quote(table_name)}"
        return quote(table_name)

    @override
    def to_sql_type(self, jsonschema_type: dict) -> sa.types.TypeEngine[t.Any]:
        """The SQLAlchemy type matching ``types.duckdb_type`` (for SDK code that asks).

        Args:
            jsonschema_type: A property's JSON Schema.

        Returns:
            A SQLAlchemy type.
        """
        return _SA_TYPES[types.duckdb_type(jsonschema_type)]

    # ---- introspection ------------------------------------------------------------------

    def table_columns(self, full_table_name: str | FullyQualifiedName) -> dict[str, Column]:
        """The columns of a table, by lower-cased name (DuckDB names are case-insensitive).

        Args:
            full_table_name: The SDK's table name.

        Returns:
            ``{lower-cased name: Column}`` in table order; empty when there is no such table.
        """
        _, schema_name, table_name = self.parse_full_table_name(full_table_name)
        sql = (
            "SELECT column_name, data_type FROM information_schema.columns "  # noqa: S608 - literals
            f"WHERE table_schema = {literal(schema_name or 'main')} "
            f"AND table_name = {literal(table_name)} ORDER BY ordinal_position"
        )
        with self._engine.connect() as conn:
            rows = conn.exec_driver_sql(sql).fetchall()
        return {
            str(name).lower(): Column(str(name), types.normalize_type_name(str(kind)))
            for name, kind in rows
        }

    @override
    def table_exists(self, full_table_name: str | FullyQualifiedName) -> bool:
        return bool(self.table_columns(full_table_name))

    @override
    def column_exists(self, full_table_name: str | FullyQualifiedName, column_name: str) -> bool:
        return column_name.lower() in self.table_columns(full_table_name)

    # ---- DDL ----------------------------------------------------------------------------

    @override
    def prepare_schema(self, schema_name: str) -> None:
        self.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema_name)}")

    @override
    def prepare_column(
        self,
        full_table_name: str | FullyQualifiedName,
        column_name: str,
        sql_type: sa.types.TypeEngine[t.Any],
    ) -> None:
        """Add a column if missing (used by the SDK; this target calls ``ensure_column``).

        Args:
            full_table_name: The table.
            column_name: The column.
            sql_type: Its SQLAlchemy type.
        """
        wanted = types.normalize_type_name(sql_type.compile(dialect=self._dialect))
        self.ensure_column(full_table_name, column_name, wanted)

    def ensure_column(
        self, full_table_name: str | FullyQualifiedName, column_name: str, wanted: str
    ) -> None:
        """Make a column able to hold values of type ``wanted``, never losing data.

        A missing column is added (old rows get NULL). An existing column of another type is
        changed as ``types.evolve`` says (a lossless widening, or VARCHAR).

        Args:
            full_table_name: The table.
            column_name: The column (matched case-insensitively, as DuckDB does).
            wanted: The DuckDB type the current schema asks for.
        """
        table = self.quoted_table(full_table_name)
        existing = self.table_columns(full_table_name).get(column_name.lower())
        if existing is None:
            self.logger.info("Adding column %s.%s %s", table, quote(column_name), wanted)
            self.execute(f"ALTER TABLE {table} ADD COLUMN {quote(column_name)} {wanted}")
            return
        new_type = types.evolve(existing.type, wanted)
        if new_type is None:
            return
        self.logger.warning(
            "Column %s.%s is %s but the schema now asks for %s: changing it to %s "
            "(existing values are converted, none are dropped).",
            table,
            quote(existing.name),
            existing.type,
            wanted,
            new_type,
        )
        self.execute(f"ALTER TABLE {table} ALTER COLUMN {quote(existing.name)} TYPE {new_type}")

    @override
    def prepare_table(
        self,
        full_table_name: str | FullyQualifiedName,
        schema: dict,
        primary_keys: Sequence[str],
        partition_keys: list[str] | None = None,
        as_temp_table: bool = False,
    ) -> None:
        """Create the table, or evolve it to hold every property of ``schema``.

        No primary-key constraint is created: keys are enforced by the merge (an index would
        block type changes of key columns and slow bulk loads). With ``load_method`` set to
        ``overwrite`` the table is dropped the first time it is prepared in a run.

        Args:
            full_table_name: The table.
            schema: The stream's JSON Schema (property names as column names).
            primary_keys: The stream's key properties (not enforced by a constraint).
            partition_keys: Unused.
            as_temp_table: Unused.
        """
        _ = (primary_keys, partition_keys, as_temp_table)
        table = self.quoted_table(full_table_name)
        first_time = not self._tables_prepared.get(str(full_table_name), False)
        self._tables_prepared[str(full_table_name)] = True
        if first_time and self.config.get("load_method") == TargetLoadMethods.OVERWRITE:
            self.logger.info("load_method is overwrite: dropping %s", table)
            self.execute(f"DROP TABLE IF EXISTS {table}")
        wanted = {name: types.duckdb_type(prop) for name, prop in schema["properties"].items()}
        self.check_names(wanted)
        if not self.table_exists(full_table_name):
            columns = ", ".join(f"{quote(name)} {kind}" for name, kind in wanted.items())
            self.logger.info("Creating table %s", table)
            self.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
            return
        for name, kind in wanted.items():
            self.ensure_column(full_table_name, name, kind)

    @staticmethod
    def check_names(columns: dict[str, str]) -> None:
        """Refuse property names that differ only in case (DuckDB would see one column).

        Args:
            columns: Column names (and types).

        Raises:
            ValueError: When two names differ only in case.
        """
        seen: dict[str, str] = {}
        for name in columns:
            if (other := seen.setdefault(name.lower(), name)) != name:
                msg = (
                    f"Properties {other!r} and {name!r} differ only in case; DuckDB column "
                    "names are case-insensitive, so they cannot be two columns."
                )
                raise ValueError(msg)

"""target-postgres 0.8.1 with one change: `format: date-time` becomes `timestamptz`.

0.8.1 maps `date-time` to `timestamp without time zone`: the instant is converted to the
session's time zone and the offset dropped, so the stored value means nothing without knowing
that zone. Here the same JSON schema gives `timestamp with time zone`, which stores the instant
itself; the SDK hands the sink zone-aware datetimes, so nothing else changes. The `_sdc_*_at`
metadata columns are `date-time` too and become timestamptz with the rest.

Existing columns are left as they are: 0.8.1 compares types by their generic name (both are
`TIMESTAMP`), so a zoneless column made by plain 0.8.1 is neither altered nor reported. Convert
one once with
`ALTER TABLE t ALTER COLUMN c TYPE timestamptz USING c AT TIME ZONE 'UTC'` (the values were
written as UTC wall times when PGTZ=UTC, as target_config/postgres.meltano.yml sets).
"""

from __future__ import annotations

import typing as t
from functools import cached_property

from sqlalchemy.dialects.postgresql import TIMESTAMP
from target_postgres.connector import PostgresConnector
from target_postgres.sinks import PostgresSink
from target_postgres.target import TargetPostgres

if t.TYPE_CHECKING:
    from singer_sdk.sql.connector import JSONSchemaToSQL


def timestamptz(_schema: dict[str, t.Any]) -> TIMESTAMP:
    """The SQL type of a `format: date-time` string.

    Args:
        _schema: The property's JSON schema (unused).

    Returns:
        `timestamp with time zone`.
    """
    return TIMESTAMP(timezone=True)


class PostgresTZConnector(PostgresConnector):
    """The 0.8.1 connector, with `date-time` mapped to timestamptz."""

    @cached_property
    def jsonschema_to_sql(self) -> JSONSchemaToSQL:
        """The 0.8.1 JSON schema -> SQL type mapping, with the date-time handler replaced.

        Returns:
            The mapping.
        """
        to_sql = PostgresConnector.jsonschema_to_sql.func(self)  # type: ignore[attr-defined]
        to_sql.register_format_handler("date-time", timestamptz)
        return t.cast("JSONSchemaToSQL", to_sql)


class PostgresTZSink(PostgresSink):
    """The 0.8.1 sink on the patched connector."""

    connector_class = PostgresTZConnector


class TargetPostgresTZ(TargetPostgres):
    """target-postgres 0.8.1 writing `date-time` as timestamptz.

    The name stays `target-postgres`, so settings and their `TARGET_POSTGRES_*` variables are
    those of 0.8.1; `--version` reports this package.
    """

    package_name = "target-postgres-tz"
    default_sink_class = PostgresTZSink

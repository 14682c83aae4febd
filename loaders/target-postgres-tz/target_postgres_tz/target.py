"""target-postgres 0.8.1 with two changes: `date-time` is timestamptz; soft deletes always work.

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

Soft deletes: 0.8.1's ACTIVATE_VERSION (hard_delete false) binds the new version as a parameter
named `version`, which SQLAlchemy refuses in an UPDATE of a table that has a column `version`
("bindparam() name 'version' is reserved"): every full pass then fails on such a table
(tap-engagebay's custom_fields and forms). The same UPDATE is built here with generated names.
"""

from __future__ import annotations

import datetime as dt
import time
import typing as t
from functools import cached_property

import sqlalchemy
from sqlalchemy.dialects.postgresql import TIMESTAMP
from target_postgres.connector import PostgresConnector
from target_postgres.sinks import PostgresSink
from target_postgres.target import TargetPostgres

if t.TYPE_CHECKING:
    from singer_sdk.sql.connector import JSONSchemaToSQL

#: Seconds between confirmed states when ``state_interval_seconds`` is not set.
STATE_INTERVAL_DEFAULT = 60


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
        to_sql = super().jsonschema_to_sql
        to_sql.register_format_handler("date-time", timestamptz)
        return to_sql


class PostgresTZSink(PostgresSink):
    """The 0.8.1 sink on the patched connector, with a soft delete that any table accepts."""

    connector_class = PostgresTZConnector

    def activate_version(self, new_version: int) -> None:
        """Mark rows of older versions deleted (0.8.1's logic, without the `version` bind name).

        Args:
            new_version: The version number to activate.
        """
        if not self.config["activate_version"] or self.config["hard_delete"]:
            super().activate_version(new_version)  # a warning, or a DELETE with no clash
            return
        if self._pending_batch:
            self.logger.info(
                "An activate version message for '%s' was received. Draining...",
                self.stream_name,
            )
            draining_status = self.start_drain()
            self.process_batch(draining_status)
            self.mark_drained()
        if not self.connector.table_exists(self.full_table_name):
            return  # first load of the stream: nothing older to mark
        deleted_at = dt.datetime.now(tz=dt.UTC)
        with self.connector._connect() as connection, connection.begin():  # noqa: SLF001
            table = sqlalchemy.Table(
                self.table_name,
                sqlalchemy.MetaData(),
                autoload_with=connection.engine,
                schema=self.schema_name,
            )
            version = table.c[self.version_column_name]
            deleted = table.c[self.soft_delete_column_name]
            # Plain values: SQLAlchemy names their parameters after the columns
            # (_sdc_deleted_at, _sdc_table_version_1), which no record column can take.
            connection.execute(
                sqlalchemy.update(table)
                .values({deleted: deleted_at})
                .where(
                    sqlalchemy.or_(version < new_version, version.is_(None)),
                    deleted.is_(None),
                )
            )


class TargetPostgresTZ(TargetPostgres):
    """target-postgres 0.8.1 writing `date-time` as timestamptz.

    The name stays `target-postgres`, so settings and their `TARGET_POSTGRES_*` variables are
    those of 0.8.1; `--version` reports this package.
    """

    package_name = "target-postgres-tz"
    default_sink_class = PostgresTZSink
    config_jsonschema: t.ClassVar[dict[str, t.Any]] = {
        **TargetPostgres.config_jsonschema,
        "properties": {
            **TargetPostgres.config_jsonschema["properties"],
            "state_interval_seconds": {
                "type": ["number", "null"],
                "title": "State Interval Seconds",
                "description": (
                    "At the first STATE message this many seconds after the last confirmed one, "
                    "every pending batch is loaded and that state confirmed: a killed run "
                    f"resumes from at most about this long ago. {STATE_INTERVAL_DEFAULT} when "
                    "not set; 0 confirms every STATE message."
                ),
            },
        },
    }
    #: When the last state was confirmed (``time.monotonic``); None until the first STATE.
    _state_confirmed_at: float | None = None

    def _process_state_message(self, message_dict: dict[str, t.Any]) -> None:
        """Keep the state; once ``state_interval_seconds`` passed, load everything and confirm it.

        The SDK alone confirms a state only when a record is five minutes old or at the end
        (the same change as in target-duckdb-sdk).

        Args:
            message_dict: The STATE message.
        """
        super()._process_state_message(message_dict)
        value = self.config.get("state_interval_seconds")
        interval = float(STATE_INTERVAL_DEFAULT if value is None else value)
        now = time.monotonic()
        if self._state_confirmed_at is None:
            self._state_confirmed_at = now
        if now - self._state_confirmed_at >= interval:
            self.drain_all()

    def _reset_max_record_age(self) -> None:
        """Every full drain confirms the latest state: the interval starts again."""
        super()._reset_max_record_age()
        self._state_confirmed_at = time.monotonic()

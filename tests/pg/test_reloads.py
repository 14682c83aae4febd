"""A second load into the same tables: upserts, appends, ACTIVATE_VERSION, altered columns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.pg.harness import (
    ID,
    NUMBER,
    TEXT,
    TIME,
    activate_version,
    column_types,
    fetch,
    long_name,
    record,
    schema_message,
)

pytestmark = pytest.mark.postgres

NAME_63 = long_name(63)
SCHEMAS = [
    schema_message("contacts", {"id": ID, "name": TEXT, "score": NUMBER}),
    schema_message("log", {"id": ID}, key_properties=()),
    schema_message("deals", {"id": ID}),
    schema_message("fields", {"id": ID, NAME_63: TEXT}),
]
FIRST = [
    *SCHEMAS,
    *(record("contacts", {"id": i, "name": f"v1-{i}", "score": i}) for i in (1, 2, 3)),
    record("log", {"id": 1}),
    record("log", {"id": 1}),
    activate_version("deals", 1),
    *(record("deals", {"id": i}, version=1) for i in (1, 2, 3)),
    activate_version("deals", 1),
    record("fields", {"id": 1, NAME_63: "one"}),
]
SECOND = [
    *SCHEMAS,
    record("contacts", {"id": 2, "name": "v2-2", "score": 20}),
    record("contacts", {"id": 3, "name": "v2-3", "score": None}),
    record("contacts", {"id": 4, "name": "v2-4-first", "score": 4}),
    record("contacts", {"id": 4, "name": "v2-4-last", "score": 40}),  # same key, same batch
    record("log", {"id": 1}),
    record("log", {"id": 1}),
    activate_version("deals", 2),
    *(record("deals", {"id": i}, version=2) for i in (1, 3)),
    activate_version("deals", 2),
    record("fields", {"id": 1, NAME_63: "two"}),
]


@pytest.fixture(scope="module")
def reloaded(make_target, pg_server):
    target = make_target("reloads")
    target.run(FIRST).ok()
    target.run(SECOND).ok()
    with pg_server.connect() as conn:
        yield target.schema, conn


def test_a_rerun_upserts_by_key_properties(reloaded):
    schema, conn = reloaded
    rows = fetch(conn, f"SELECT id, name, score FROM {schema}.contacts ORDER BY id")
    assert rows == [
        (1, "v1-1", Decimal(1)),
        (2, "v2-2", Decimal(20)),
        (3, "v2-3", None),
        (4, "v2-4-last", Decimal(40)),
    ]
    [(primary_key,)] = fetch(
        conn,
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'p'",
        f"{schema}.contacts",
    )
    assert primary_key == "PRIMARY KEY (id)"


def test_streams_without_key_properties_are_appended(reloaded):
    schema, conn = reloaded
    assert fetch(conn, f"SELECT count(*) FROM {schema}.log") == [(4,)]


def test_activate_version_marks_rows_left_out_as_deleted(reloaded):
    schema, conn = reloaded  # hard_delete: false in the declaration
    rows = fetch(
        conn,
        f"SELECT id, _sdc_table_version, _sdc_deleted_at IS NOT NULL FROM {schema}.deals"
        " ORDER BY id",
    )
    assert rows == [(1, 2, False), (2, 1, True), (3, 2, False)]


def test_a_63_byte_column_name_reloads(reloaded):
    schema, conn = reloaded
    assert fetch(conn, f'SELECT id, "{NAME_63}" FROM {schema}.fields') == [(1, "two")]


TIMES = [
    schema_message("times", {"id": ID, "at": TIME}),
    record("times", {"id": 1, "at": "2024-03-01T10:00:00+00:00"}),
    record("times", {"id": 2, "at": "2024-03-01T15:30:00+05:30"}),
]


def test_without_pgtz_date_times_are_still_the_same_instants(target, pg_server):
    # timestamptz stores the instant: the session's zone (here the server's, Asia/Kolkata) no
    # longer matters. (Plain 0.8.1 stored 15:30, the Kolkata wall time, in a zoneless column.)
    target.run(TIMES, env={"PGTZ": None}).ok()
    with pg_server.connect() as conn:
        rows = fetch(conn, f"SELECT DISTINCT at FROM {target.schema}.times")
    assert rows == [(dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.UTC),)]


def test_a_zoneless_column_left_by_plain_0_8_1_is_kept_and_written_in_utc(target, pg_server):
    # A warehouse first loaded by plain 0.8.1: the patch neither alters its `timestamp` columns
    # nor fails on them (both types are TIMESTAMP to the target's type comparison), and with the
    # declared PGTZ=UTC it keeps writing UTC wall times into them.
    target.run(TIMES).ok()
    with pg_server.connect() as conn:
        conn.execute(
            f"ALTER TABLE {target.schema}.times ALTER COLUMN at TYPE timestamp"
            " USING at AT TIME ZONE 'UTC'"
        )
    later = [
        TIMES[0],
        record("times", {"id": 3, "at": "2024-03-02T10:00:00+00:00"}),
        record("times", {"id": 1, "at": "2024-03-01T11:00:00+01:00"}),
    ]
    target.run(later).ok()
    with pg_server.connect() as conn:
        types = column_types(conn, target.schema, "times")
        rows = fetch(conn, f"SELECT id, at FROM {target.schema}.times ORDER BY id")
    assert types["at"] == "timestamp without time zone"
    assert rows == [
        (1, dt.datetime(2024, 3, 1, 10, 0)),  # noqa: DTZ001
        (2, dt.datetime(2024, 3, 1, 10, 0)),  # noqa: DTZ001
        (3, dt.datetime(2024, 3, 2, 10, 0)),  # noqa: DTZ001
    ]


def test_activate_version_marks_deleted_rows_of_a_table_with_a_version_column(target, pg_server):
    # Plain 0.8.1 fails here ("bindparam() name 'version' is reserved ..."): tap-engagebay's
    # custom_fields and forms have a `version` column. The patch builds the UPDATE without it.
    forms = schema_message("forms", {"id": ID, "version": ID})

    def load(version: int, ids: tuple[int, ...]) -> list[dict[str, object]]:
        return [
            forms,
            activate_version("forms", version),
            *(record("forms", {"id": i, "version": 7}, version=version) for i in ids),
            activate_version("forms", version),
        ]

    target.run(load(1, (1, 2))).ok()
    target.run(load(2, (2,))).ok()
    with pg_server.connect() as conn:
        rows = fetch(
            conn,
            f"SELECT id, version, _sdc_table_version, _sdc_deleted_at IS NOT NULL"
            f" FROM {target.schema}.forms ORDER BY id",
        )
    assert rows == [(1, 7, 1, True), (2, 7, 2, False)]

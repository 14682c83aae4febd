"""The full pass (``reconcile: true``) into PostgreSQL: deletions that never hurt good rows.

The story of tests/e2e/deletions.py, loaded by the patched target-postgres.
"""

from __future__ import annotations

import typing as t

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.e2e.deletions import (
    ACCOUNT,
    KEYS,
    QUOTA_MIDWAY,
    TAP_CONFIG,
    delete_one_of_each,
    live_keys,
    marked_deleted,
    sim_keys,
)
from tests.pg.harness import fetch

if t.TYPE_CHECKING:
    import psycopg

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def warehouse(conn: psycopg.Connection[t.Any], schema: str) -> tuple[t.Any, t.Any, str]:
    def query(sql: str) -> list[tuple[t.Any, ...]]:
        return fetch(conn, sql)

    def has_column(table: str, column: str) -> bool:
        rows = fetch(
            conn,
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s AND column_name = %s",
            schema,
            table,
            column,
        )
        return bool(rows)

    return query, has_column, schema


def test_a_stopped_full_pass_marks_nothing_and_a_complete_one_marks_exactly_the_deleted(
    target, pg_server
):
    with Simulator(SimConfig(**ACCOUNT)) as sim, pg_server.connect() as conn:
        tap_config = {"api_key": sim.config.api_key, "api_url": sim.url, **TAP_CONFIG}
        tables = warehouse(conn, target.schema)
        first = target.run_tap(tap_config)
        assert live_keys(*tables) == {table: sim_keys(sim, table) for table in KEYS}
        gone = delete_one_of_each(sim)

        sim.set_faults(QUOTA_MIDWAY)
        reconcile = {**tap_config, "reconcile": True}
        stopped = target.run_tap(reconcile, state=first.state, tap_returncode=75)
        # Stopped while reading the contacts' notes: no row at all looks deleted.
        assert marked_deleted(*tables) == {table: set() for table in KEYS}

        sim.clear_faults()
        sim.new_day()
        target.run_tap(reconcile, state=stopped.state)
        assert marked_deleted(*tables) == gone
        assert live_keys(*tables) == {table: sim_keys(sim, table) for table in KEYS}
        rows = fetch(
            conn,
            f"SELECT count(*) FROM {target.schema}.notes WHERE contact_id IS NULL "
            f"UNION ALL SELECT count(*) FROM {target.schema}.call_logs WHERE contact_id IS NULL",
        )
        assert rows == [(0,), (0,)]

"""Each stream exactly once against the simulator's truth in DuckDB; deletions only after a
complete read (per stream); overview snapshots accumulate."""

from __future__ import annotations

from tests.epixel.pipeline import SCHEMA, query, run_pipeline, tap_config


def _live(database, table, key):
    return {
        row[0]
        for row in query(
            database, f"SELECT {key} FROM {SCHEMA}.{table} WHERE _sdc_deleted_at IS NULL"
        )
    }


def _deleted(database, table, key):
    return {
        row[0]
        for row in query(
            database, f"SELECT {key} FROM {SCHEMA}.{table} WHERE _sdc_deleted_at IS NOT NULL"
        )
    }


def test_exactly_once_then_deletions_only_where_the_read_was_complete(tmp_path, epixel):
    first = run_pipeline(tmp_path, tap_config(epixel), label="first")
    assert first.tap_rc == 0, first.tap_stderr[-3000:]
    assert first.target_rc == 0, first.target_stderr[-3000:]
    db = first.database
    rows = query(db, f"SELECT slug, relation FROM {SCHEMA}.leads")
    assert len(rows) == len(epixel.leads_truth())
    assert dict(rows) == epixel.leads_truth()
    ids = [r[0] for r in query(db, f"SELECT id FROM {SCHEMA}.appointments")]
    assert sorted(ids) == sorted(epixel.ids("appointments"))

    lead = next(s for s, rel in epixel.leads_truth().items() if rel == "own")
    epixel.delete("leads", epixel.lead_by_slug(lead)["id"])
    appointment = max(epixel.ids("appointments"))
    epixel.delete("appointments", appointment)

    # A read that stops midway (the assigned list fails) marks nothing deleted.
    epixel.set_faults([{"kind": "500", "rate": 1.0, "path": "/leads/list"}])
    stopped = run_pipeline(tmp_path, tap_config(epixel, max_retries=0), label="stopped")
    assert stopped.tap_rc == 1
    assert stopped.target_rc == 0, stopped.target_stderr[-3000:]
    assert _deleted(db, "leads", "slug") == set()
    assert _deleted(db, "appointments", "id") == {appointment}  # that list was complete

    # The leads marked once a read is complete: tests/pg/test_epixel.py (into PostgreSQL).
    assert _live(db, "leads", "slug") == set(epixel.leads_truth()) | {lead}
    assert _live(db, "appointments", "id") == epixel.ids("appointments")
    snapshots = query(db, f"SELECT snapshot_time FROM {SCHEMA}.lead_overview")
    assert len(snapshots) == 2

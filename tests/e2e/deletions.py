"""The full pass's deletions story, shared by the DuckDB and the PostgreSQL tests.

A small account is loaded; one record of each kind of stream is deleted in the simulator; a
full pass (``reconcile: true``) stopped by the daily quota while it reads the contacts' notes
marks nothing deleted; a later complete pass marks exactly the deleted records.
"""

from __future__ import annotations

import typing as t

from tests.e2e.pipeline import KEYS

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from engagebay_sim import Simulator

ACCOUNT = {
    "seed": 5,
    "contacts": 24,
    "companies": 4,
    "tracks": 2,
    "deals_per_track": 4,
    "tasks": 3,
    "tickets": 3,
    "products": 3,
    "owners": 3,
    "tags": 4,
    "lists": 2,
    "forms": 2,
    "events": 8,
}
#: Before all the simulator's data (2019 on): fewer empty calendar windows to walk.
TAP_CONFIG = {"start_date": "2019-01-01", "retry_wait_base_ms": 10}
#: The quota runs out at the 6th request for notes: in the middle of the contacts' pass.
QUOTA_MIDWAY = [{"kind": "quota", "path": "/notes", "nth": [6]}]
#: One record deleted in each kind of stream: a cursor list, a per-track list, both children
#: of contacts, the calendar, and three small unpaged lists.
DELETED_KINDS = ("contacts", "deals", "notes", "call_logs", "events", "tags", "owners", "forms")
#: Runs a query on the warehouse: (sql) -> rows.
Query = t.Callable[[str], list[tuple[t.Any, ...]]]


def sim_keys(sim: Simulator, table: str) -> set[str]:
    """The keys of a stream's current records, as text (ids may be sent as strings)."""
    return {str(record[KEYS[table]]) for record in sim.truth(table)}


def delete_one_of_each(sim: Simulator) -> dict[str, set[str]]:
    """Delete one record of each kind in ``DELETED_KINDS``.

    The contact deleted is one without notes or call logs, so that exactly one row of each
    table should be marked deleted.

    Returns:
        The keys that disappeared from the simulator, per table (every table listed).
    """
    before = {table: sim_keys(sim, table) for table in KEYS}
    with_children = {str(r["parentId"]) for r in sim.truth("notes")} | {
        str(r["contact_id"]) for r in sim.truth("call_logs")
    }
    contact = next(r["id"] for r in sim.truth("contacts") if str(r["id"]) not in with_children)
    last_track = max(sim.ids("tracks"))
    deal = next(r["id"] for r in sim.truth("deals") if int(r["track_id"]) == last_track)
    picks: dict[str, t.Any] = {"contacts": contact, "deals": deal}
    for table in DELETED_KINDS:
        if table not in picks:
            picks[table] = min(sim.ids(table))
    for table, record_id in picks.items():
        sim.delete(table, record_id)
    gone = {table: before[table] - sim_keys(sim, table) for table in KEYS}
    assert all(len(gone[table]) == 1 for table in DELETED_KINDS), gone
    return gone


def marked_deleted(
    query: Query, has_column: Callable[[str, str], bool], schema: str = "engagebay"
) -> dict[str, set[str]]:
    """The keys of the rows marked deleted, per table."""
    marked: dict[str, set[str]] = {}
    for table, key in KEYS.items():
        if not has_column(table, "_sdc_deleted_at"):
            marked[table] = set()
            continue
        rows = query(f'SELECT "{key}" FROM {schema}.{table} WHERE _sdc_deleted_at IS NOT NULL')
        marked[table] = {str(row[0]) for row in rows}
    return marked


def live_keys(
    query: Query, has_column: Callable[[str, str], bool], schema: str = "engagebay"
) -> dict[str, set[str]]:
    """The keys of the rows not marked deleted, per table."""
    live: dict[str, set[str]] = {}
    for table, key in KEYS.items():
        where = " WHERE _sdc_deleted_at IS NULL" if has_column(table, "_sdc_deleted_at") else ""
        rows = query(f'SELECT "{key}" FROM {schema}.{table}{where}')
        live[table] = {str(row[0]) for row in rows}
    return live

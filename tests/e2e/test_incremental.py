"""Incremental syncs against a changing account: nothing missed, few requests."""

from __future__ import annotations

import datetime as dt

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.e2e.pipeline import query, run_pipeline, table_ids

LISTS = ["subscribers", "companies", "deals", "tasks", "tickets", "products"]
ACCOUNT = {
    "seed": 11,
    "contacts": 2000,
    "companies": 40,
    "tracks": 3,
    "deals_per_track": 30,
    "tasks": 30,
    "tickets": 30,
    "products": 10,
    "events": 20,
}


def list_requests(sim, name):
    return [r for r in sim.requests() if r["path"].rstrip("/") == f"/dev/api/panel/{name}"]


def live_ids(database, table):
    rows = query(database, f"SELECT id FROM engagebay.{table} WHERE _sdc_deleted_at IS NULL")
    return {row[0] for row in rows}


def ok(run):
    assert run.tap_rc == 0, run.tap_stderr[-3000:]
    assert run.target_rc == 0, run.target_stderr[-3000:]
    return run


@pytest.fixture
def sim():
    with Simulator(SimConfig(**ACCOUNT)) as simulator:
        yield simulator


def test_an_unchanged_account_costs_about_one_page_per_pass(tmp_path, sim):
    first = ok(run_pipeline(tmp_path / "1", sim.url, api_key=sim.config.api_key))
    assert len(list_requests(sim, "subscribers")) == 20  # 2,000 contacts, 100 a page
    sim.clear_requests()
    ok(run_pipeline(tmp_path / "2", sim.url, api_key=sim.config.api_key, state=first.state))
    for name in LISTS:
        per_partition = 3 if name == "deals" else 1
        assert len(list_requests(sim, name)) <= 2 * per_partition, name
    # No contact changed: only the newest one (within the lookback window of the bookmark)
    # is read again, with its notes and call logs; not every contact's.
    assert 1 <= len(list_requests(sim, "notes")) <= 3
    assert 1 <= len(list_requests(sim, "call-logs")) <= 3


def test_updates_new_records_and_deletions_reach_the_warehouse(tmp_path, sim):
    first = ok(run_pipeline(tmp_path / "1", sim.url, api_key=sim.config.api_key))
    contacts = [int(r["id"]) for r in sim.truth("contacts")]  # oldest first
    deals = sorted(int(i) for i in sim.ids("deals"))
    sim.advance(5)
    sim.update("contacts", contacts[0], name="Renamed oldest")
    sim.update("contacts", contacts[-1], name="Renamed newest")
    sim.update("deals", deals[len(deals) // 2], name="Renamed deal")
    created = sim.create("contacts", n=3)
    sim.delete("contacts", contacts[5])
    second = ok(
        run_pipeline(tmp_path / "1", sim.url, api_key=sim.config.api_key, state=first.state)
    )
    db = second.database
    names = dict(query(db, "SELECT id, name FROM engagebay.contacts"))
    assert names[contacts[0]] == "Renamed oldest"
    assert names[contacts[-1]] == "Renamed newest"
    assert {int(r["id"]) for r in created} <= set(names)
    [(deal_name,)] = query(
        db, f"SELECT name FROM engagebay.deals WHERE id = {deals[len(deals) // 2]}"
    )
    assert deal_name == "Renamed deal"
    rows, ids = table_ids(db, "contacts")
    assert rows == len(ids)
    # Without reconciliation a deleted contact stays; the full pass marks it.
    assert contacts[5] in ids
    ok(
        run_pipeline(
            tmp_path / "1",
            sim.url,
            api_key=sim.config.api_key,
            state=second.state,
            tap_config={"reconcile": True},
        )
    )
    assert live_ids(db, "contacts") == {int(i) for i in sim.ids("contacts")}
    assert contacts[5] not in live_ids(db, "contacts")


def test_a_record_updated_during_a_run_is_caught_by_the_next(tmp_path, sim):
    contacts = [int(r["id"]) for r in sim.truth("contacts")]  # oldest first
    # After the first page of contacts was read, the oldest contact changes.
    sim.after_requests(12, lambda s: s.update("contacts", contacts[0], name="Changed mid-run"))
    first = ok(run_pipeline(tmp_path / "1", sim.url, api_key=sim.config.api_key))
    names = dict(query(first.database, "SELECT id, name FROM engagebay.contacts"))
    assert names[contacts[0]] != "Changed mid-run"  # read before the change
    second = ok(
        run_pipeline(tmp_path / "1", sim.url, api_key=sim.config.api_key, state=first.state)
    )
    names = dict(query(second.database, "SELECT id, name FROM engagebay.contacts"))
    assert names[contacts[0]] == "Changed mid-run"


def test_a_run_stopped_midway_resumes_with_nothing_missing_or_twice(tmp_path, sim):
    # The lookups and the first reads of every stream, then each page of 100 contacts and its
    # 200 notes and call-log requests: the quota runs out a few pages into the contacts.
    sim.set_faults([{"kind": "quota", "nth": [1000]}])
    first = run_pipeline(tmp_path / "1", sim.url, api_key=sim.config.api_key)
    assert first.tap_rc == 75, first.tap_stderr[-2000:]
    assert first.state is not None
    rows_before, _ = table_ids(first.database, "contacts")
    assert 0 < rows_before < 2000
    sim.clear_faults()
    sim.new_day()
    sim.clear_requests()
    second = ok(
        run_pipeline(tmp_path / "1", sim.url, api_key=sim.config.api_key, state=first.state)
    )
    # It resumed from the saved cursor instead of starting over.
    saved = first.state["bookmarks"]["contacts"]["resume"]["cursor"]
    pages = list_requests(sim, "subscribers")
    assert pages[0]["form"].get("cursor") == saved
    # Only the pages not yet loaded (and the last one loaded, if its last contact's notes
    # were being read when the quota ran out).
    done = rows_before // 100
    assert 20 - done <= len(pages) <= 21 - done
    for table in ("contacts", "companies", "deals", "notes"):
        rows, ids = table_ids(second.database, table)
        assert rows == len(ids), table
        assert ids == {int(i) for i in sim.ids(table)}, table


def test_start_date_skips_what_was_last_modified_before_it(tmp_path):
    with Simulator(
        SimConfig(
            seed=4,
            contacts=300,
            companies=5,
            tracks=2,
            deals_per_track=5,
            tasks=5,
            tickets=5,
            products=5,
            events=5,
        )
    ) as sim:
        records = list(sim.truth("contacts"))
        times = sorted(
            max(int(r["created_time"]), int(r.get("updated_time") or 0)) for r in records
        )
        cut = times[len(times) // 2]
        start = dt.datetime.fromtimestamp(cut, tz=dt.UTC).isoformat()
        run = ok(
            run_pipeline(
                tmp_path, sim.url, api_key=sim.config.api_key, tap_config={"start_date": start}
            )
        )
        expected = {
            int(r["id"])
            for r in records
            if max(int(r["created_time"]), int(r.get("updated_time") or 0)) >= cut
        }
        rows, ids = table_ids(run.database, "contacts")
        assert ids == expected
        assert rows == len(ids) < len(records)

"""Contacts into DuckDB exactly once, typed; deletions only after a complete read."""

from __future__ import annotations

import json

from tests.whautomate.pipeline import load, query, run_tap, tap_config


def check_exactly_once_and_typed(database, whautomate):
    rows = query(database, "SELECT id FROM whautomate.contacts")
    assert len(rows) == whautomate.count("contacts")
    assert {r[0] for r in rows} == whautomate.ids("contacts")
    types = dict(
        query(
            database,
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'whautomate' AND table_name = 'contacts'",
        )
    )
    assert types["id"] == "VARCHAR"
    assert types["cf_member_code"] == "VARCHAR"
    assert types["cf_age"] in {"DOUBLE", "DECIMAL(38,9)", "BIGINT"}
    assert types["cf_vip"] == "BOOLEAN"
    truth = {r["id"]: r for r in whautomate.records("contacts")}
    got = query(
        database,
        "SELECT id, name, phoneNumber, stage, notes, tags, location, customFields, "
        "cf_member_code, cf_age, cf_vip, cf_interests, cf_refere_par FROM whautomate.contacts",
    )
    codes = 0
    for (
        cid,
        name,
        phone,
        stage,
        notes,
        tags,
        location,
        custom,
        code,
        age,
        vip,
        interests,
        ref,
    ) in got:
        contact = truth[cid]
        fields = contact["customFields"]
        assert (name, phone, stage, notes) == (
            contact["name"], contact["phoneNumber"], contact["stage"], contact["notes"],
        )  # fmt: skip
        assert json.loads(tags) == contact["tags"]
        assert json.loads(location) == contact["location"]
        assert json.loads(custom) == fields  # every field as sent, always
        assert code == fields.get("Member Code")
        codes += bool(code and code.startswith("0"))
        assert age == fields.get("Age")
        assert vip == fields.get("VIP")
        assert (json.loads(interests) if interests else None) == fields.get("Interests")
        assert ref == fields.get("Référé par")
    assert codes  # digit strings keep their leading zeros


def _marked(database):
    rows = query(database, "SELECT id, _sdc_deleted_at FROM whautomate.contacts")
    return {cid for cid, gone in rows if gone is not None}, {cid for cid, gone in rows if not gone}


def test_exactly_once_typed_then_deletions_marked_after_a_complete_read_only(tmp_path, whautomate):
    """One story, to load as few times as it can (each load starts the loader anew)."""
    database = tmp_path / "warehouse.duckdb"
    config = tap_config(whautomate)
    first = run_tap(tmp_path / "1", config)
    assert first.rc == 0, first.stderr[-2000:]
    load(tmp_path / "1", first, database)
    check_exactly_once_and_typed(database, whautomate)
    ids = [r["id"] for r in whautomate.records("contacts")]
    gone = {ids[1], ids[-2]}
    for cid in gone:
        whautomate.delete("contacts", cid)

    # A read stopped midway (a 500 on the 5th request, no retries) marks nothing deleted.
    whautomate.set_faults([{"kind": "500", "nth": [5]}])
    stopped = run_tap(tmp_path / "2", {**config, "max_retries": 0})
    assert stopped.rc == 1
    assert 0 < len(stopped.records()) < len(ids) - len(gone)
    assert "ACTIVATE_VERSION" not in stopped.kinds()
    load(tmp_path / "2", stopped, database)
    marked, live = _marked(database)
    assert marked == set()
    assert live == set(ids)

    whautomate.clear_faults()
    complete = run_tap(tmp_path / "3", config)
    assert complete.rc == 0, complete.stderr[-2000:]
    load(tmp_path / "3", complete, database)
    marked, live = _marked(database)
    assert marked == gone
    assert live == whautomate.ids("contacts")


def test_the_quota_stops_the_run_with_exit_75_and_marks_nothing(tmp_path, make_whautomate):
    sim = make_whautomate(quota=3)
    run = run_tap(tmp_path, tap_config(sim))
    assert run.rc == 75, run.stderr[-2000:]
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-whautomate: Whautomate's API call limit is reached (")
    assert "marked nothing deleted" in last
    assert "ACTIVATE_VERSION" not in run.kinds()

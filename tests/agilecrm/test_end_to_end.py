"""Every stream, each record exactly once, against the simulator's ground truth in DuckDB."""

from __future__ import annotations

import json

from tests.agilecrm.pipeline import STREAMS, query, run_pipeline, run_tap, table_ids, tap_config


def test_every_stream_exactly_once_in_duckdb(tmp_path, agile):
    run = run_pipeline(tmp_path, tap_config(agile))
    assert run.tap_rc == 0, run.tap_stderr[-3000:]
    assert run.target_rc == 0, run.target_stderr[-3000:]
    for stream in STREAMS:
        rows, ids = table_ids(run.database, stream)
        assert rows == len(ids) == agile.count(stream), stream
        assert ids == agile.ids(stream), stream
    filters = {int(f["id"]) for f in agile.data.ticket_filters()}
    assert table_ids(run.database, "ticket_filters") == (len(filters), filters)


def test_children_name_their_parent(tmp_path, agile):
    run = run_pipeline(tmp_path, tap_config(agile))
    assert run.tap_rc == 0, run.tap_stderr[-3000:]
    for stream, key, parents in (
        ("notes", "contact_id", "contacts"),
        ("documents", "contact_id", "contacts"),
        ("deal_notes", "deal_id", "deals"),
        ("ticket_messages", "ticket_id", "tickets"),
    ):
        table = agile.table(stream)
        truth = {table.ids.id_of(i): table.parent.ids.id_of(table.parent_of(i))
                 for i in table.indexes()}  # fmt: skip
        got = dict(query(run.database, f"SELECT id, {key} FROM agilecrm.{stream}"))
        assert got == {k: int(v) for k, v in truth.items()}, (stream, parents)


def test_custom_fields_are_typed_from_their_values(tmp_path, agile):
    run = run_pipeline(tmp_path, tap_config(agile))
    assert run.tap_rc == 0, run.tap_stderr[-3000:]
    truth = {int(r["id"]): r for r in agile.records("contacts")}
    rows = query(
        run.database,
        "SELECT id, cf_employee_code, cf_accept_terms, cf_date_of_joining, cf_companies_worked,"
        " cf_team_size, first_name, address FROM agilecrm.contacts",
    )
    checked = 0
    for cid, code, terms, joined, worked, team, first, address in rows:
        custom = {p["name"]: p["value"] for p in truth[cid]["properties"] if p["type"] == "CUSTOM"}
        system = {p["name"]: p["value"] for p in truth[cid]["properties"] if p["type"] == "SYSTEM"}
        assert code == custom.get("Employee code")  # digit strings kept exact: "007"
        assert team == custom.get("Team Size")
        assert terms == (True if "Accept terms" in custom else None)
        if "Date of Joining" in custom:
            assert int(joined.timestamp()) == custom["Date of Joining"]
            checked += 1
        if "Companies worked" in custom:
            assert json.loads(worked) == json.loads(custom["Companies worked"])
        assert first == system["first_name"]
        assert json.loads(address) == json.loads(system["address"])
    assert checked > 0
    codes = [r[1] for r in rows if r[1] is not None]
    assert any(c.startswith("0") for c in codes)
    deal_truth = {int(r["id"]): {c["name"]: c["value"] for c in r["custom_data"]}
                  for r in agile.records("deals")}  # fmt: skip
    deals = query(run.database, "SELECT id, cf_code, cf_seats, cf_deal_source FROM agilecrm.deals")
    assert deals
    for deal_id, code, seats, source in deals:
        custom = deal_truth[deal_id]
        assert (code, seats, source) == (
            custom.get("Code"),
            custom.get("Seats"),
            custom.get("Deal source"),
        )


def test_the_full_pass_activates_each_version_after_its_records(tmp_path, agile):
    run = run_tap(tmp_path, tap_config(agile, reconcile=True))
    assert run.rc == 0, run.stderr[-2000:]
    for stream in ("contacts", "notes", "deal_notes", "tickets", "ticket_messages", "events"):
        kinds = [m["type"] for m in run.messages if m.get("stream") == stream]
        assert kinds.count("ACTIVATE_VERSION") == 1, stream
        assert kinds[-1] == "ACTIVATE_VERSION", stream
        assert "RECORD" in kinds, stream


def test_a_failed_full_pass_marks_nothing_deleted(tmp_path, agile):
    agile.set_faults([{"kind": "500", "rate": 1.0, "path": "/docs"}])
    run = run_tap(tmp_path, tap_config(agile, reconcile=True, max_retries=0))
    assert run.rc == 1
    for stream in ("contacts", "notes", "documents"):
        kinds = [m["type"] for m in run.messages if m.get("stream") == stream]
        assert "ACTIVATE_VERSION" not in kinds, stream
    assert any(m["type"] == "ACTIVATE_VERSION" for m in run.messages if m.get("stream") == "deals")


def test_the_tap_sends_each_record_once(tmp_path, agile):
    # The loader keeps one row per key, so a record sent twice never shows in the warehouse:
    # this reads the tap's own messages (tickets held by several filters, above all).
    run = run_tap(tmp_path, tap_config(agile))
    assert run.rc == 0, run.stderr[-2000:]
    for stream in STREAMS:
        ids = run.ids(stream)
        assert sorted(ids) == sorted(agile.ids(stream)), stream

"""A second run finds updated records and new never-updated ones, with few requests."""

from __future__ import annotations

import datetime as dt

from tests.agilecrm.pipeline import run_tap, tap_config


def _ids(run, stream):
    return {int(r["id"]) for r in run.records(stream)}


def test_incremental_run_finds_updated_and_new_records_with_few_requests(tmp_path, agile):
    config = tap_config(agile, page_size=20)
    first = run_tap(tmp_path / "1", config)
    assert first.rc == 0, first.stderr[-3000:]
    assert _ids(first, "contacts") == agile.ids("contacts")
    state = first.state
    assert state["bookmarks"]["contacts"]["replication_key_value"]

    agile.advance(3600)
    contact = sorted(agile.ids("contacts"))[5]
    company = sorted(agile.ids("companies"))[2]
    deal = sorted(agile.ids("deals"))[4]
    agile.update("contacts", contact, star_value=5)
    agile.update("companies", company, star_value=4)
    agile.update("deals", deal, probability=77)
    new_contacts = {int(r["id"]) for r in agile.create("contacts", n=2)}
    new_deal = {int(r["id"]) for r in agile.create("deals", n=1)}
    agile.clear_requests()

    second = run_tap(tmp_path / "2", config, state=state)
    assert second.rc == 0, second.stderr[-3000:]
    for stream, expected in (
        ("contacts", {contact} | new_contacts),
        ("companies", {company}),
        ("deals", {deal} | new_deal),
    ):
        got = _ids(second, stream)
        assert expected <= got, stream
        # besides them, only what changed within the lookback window before the bookmark
        bookmark = dt.datetime.fromisoformat(state["bookmarks"][stream]["replication_key_value"])
        assert got == agile.changed_since(stream, int(bookmark.timestamp()) - 600), stream
    # the new records were never updated (updated_time 0): only the created_time rule finds them
    assert {int(r["updated_time"]) for r in agile.records("contacts")
            if int(r["id"]) in new_contacts} == {0}  # fmt: skip
    # children only for the parents that changed
    notes_paths = {e["path"] for e in agile.requests("contacts/") if e["path"].endswith("/notes")}
    assert notes_paths == {f"/dev/api/contacts/{i}/notes" for i in _ids(second, "contacts")}
    assert len(notes_paths) < 6
    # the changes cost one dynamic-filter page per stream (plus one sample page for typing)
    assert len(agile.requests("filters/filter/dynamic-filter")) == 3
    assert len([e for e in agile.requests("contacts") if e["path"] == "/dev/api/contacts"]) == 1
    assert (
        second.state["bookmarks"]["contacts"]["replication_key_value"]
        >= (state["bookmarks"]["contacts"]["replication_key_value"])
    )


def test_custom_columns_are_kept_in_the_state_and_stay_stable(tmp_path, agile):
    config = tap_config(agile)
    first = run_tap(tmp_path / "1", config)
    assert first.rc == 0, first.stderr[-3000:]
    columns = first.state["bookmarks"]["contacts"]["custom_columns"]
    assert columns["name:Employee code"]["columns"] == [
        {"column": "cf_employee_code", "type": "string"}
    ]
    assert columns["name:Accept terms"]["columns"][0]["type"] == "boolean"
    assert columns["name:Date of Joining"]["columns"][0]["type"] == "date-time"
    second = run_tap(tmp_path / "2", config, state=first.state)
    assert second.state["bookmarks"]["contacts"]["custom_columns"] == columns

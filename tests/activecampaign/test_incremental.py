"""Incremental runs (updated, new, changed field values, few requests) and first syncs paged by
id while records are inserted during the read."""

from __future__ import annotations

import datetime as dt

from tests.activecampaign.pipeline import run_tap, tap_config


def test_incremental_run_finds_updated_new_and_changed_field_values(tmp_path, make_ac):
    sim = make_ac()
    config = tap_config(sim, page_size=20)
    first = run_tap(tmp_path / "1", config)
    assert first.rc == 0, first.stderr[-3000:]
    assert set(first.ids("contacts")) == sim.ids("contacts")
    state = first.state
    read_until = state["bookmarks"]["contacts"]["read_until"]
    assert read_until.endswith("+00:00")

    sim.advance(3600)
    contacts = sorted(sim.ids("contacts"))
    deals = sorted(sim.ids("deals"))
    sim.update("contacts", contacts[3], firstName="Renamed")
    sim.update("deals", deals[2], title="Retitled")
    new_contacts = {int(r["id"]) for r in sim.create("contacts", n=2)}
    new_deals = {int(r["id"]) for r in sim.create("deals", n=1)}
    field = min(sim.ids("fields"))
    touched = contacts[7]
    sim.set_field_value(touched, field, "changed value")
    text = next(m for m in sim.records("deal_custom_field_meta") if m["fieldType"] == "text")
    deal_touched = deals[5]
    sim.set_custom_value("deal_custom_field_data", deal_touched, text["id"], "new deal text")
    sim.clear_requests()

    second = run_tap(tmp_path / "2", config, state=state)
    assert second.rc == 0, second.stderr[-3000:]
    got = {int(r["id"]): r for r in second.records("contacts")}
    # the field value's contact did not move its udate, and is read again all the same
    assert {contacts[3], touched} | new_contacts <= set(got)
    since = int(dt.datetime.fromisoformat(read_until).timestamp()) - 600
    assert set(got) == sim.changed_since("contacts", since) | {touched}
    assert {deals[2]} | new_deals <= set(second.ids("deals"))
    assert set(second.ids("deals")) == sim.changed_since("deals", since) | {deal_touched}
    deal = next(r for r in second.records("deals") if int(r["id"]) == deal_touched)
    assert "new deal text" in deal.values()
    column = next(c for c in got[touched] if c.startswith("cf_") and got[touched][c])
    assert "changed value" in str(got[touched][column])
    # the filters carry an explicit UTC offset; contacts cost one page per filter and the
    # contact read again
    pages = [e for e in sim.requests("contacts") if e["path"] == "/api/3/contacts"]
    assert len(pages) == 2
    stamps = {v for e in pages for k, v in e["query"].items() if k.startswith("filters[")}
    assert stamps == {dt.datetime.fromtimestamp(since, dt.UTC).isoformat()}
    assert [e["path"] for e in sim.requests("contacts/")] == [f"/api/3/contacts/{touched}"]
    assert len([e for e in sim.requests("deals") if e["path"] == "/api/3/deals"]) == 2
    assert [e["path"] for e in sim.requests("deals/")] == [f"/api/3/deals/{deal_touched}"]


def test_first_sync_by_id_skips_and_repeats_nothing_while_records_are_added(tmp_path, make_ac):
    sim = make_ac(contacts=60)
    config = tap_config(sim, page_size=10)
    before = sim.ids("contacts")
    inserted = []

    def insert_at_the_second_page(s):
        pages = [e for e in s.requests("contacts") if e["path"] == "/api/3/contacts"]
        if len(pages) < 2:
            s.after_requests(1, insert_at_the_second_page)
            return
        # 2 new contacts at free ids below the ones read, 3 above them
        inserted.extend(int(r["id"]) for r in sim.insert_low("contacts", 2))
        inserted.extend(int(r["id"]) for r in sim.create("contacts", 3))

    sim.after_requests(1, insert_at_the_second_page)
    first = run_tap(tmp_path / "1", config)
    assert first.rc == 0, first.stderr[-3000:]
    ids = first.ids("contacts")
    assert len(ids) == len(set(ids))  # nothing twice
    after = sim.ids("contacts")
    added = after - before
    assert len(added) == 5
    assert added == set(inserted)
    assert min(added) < max(ids[:10])  # some were added below the first page read
    # every contact there before, and the ones added above the read, in this run
    assert before | {i for i in added if i > max(before)} <= set(ids)
    # the ones added below the ids already read come with the next run (created since)
    second = run_tap(tmp_path / "2", config, state=first.state)
    assert second.rc == 0, second.stderr[-3000:]
    assert set(ids) | set(second.ids("contacts")) == after

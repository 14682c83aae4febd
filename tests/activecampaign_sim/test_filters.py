"""Time and id filters, the account's time zone, changes, and records added during a read."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from tests.activecampaign_sim.helpers import call, ids_in, read_all

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def _times(sim, stream, which):
    table = sim.table(stream)
    pos = 0 if which == "created" else 1
    return {table.ids.id_of(i): table.times_of(i)[pos] for i in table.indexes()}


def test_times_carry_the_account_offset_with_dst(ac):
    offsets = {c["cdate"][-6:] for c in ac.records("contacts")}
    assert offsets == {"-06:00", "-05:00"}  # winter and summer in Chicago
    deal = next(iter(ac.records("deals")))
    assert dt.datetime.fromisoformat(deal["mdate"]).tzinfo is not None


def test_updated_after_with_an_offset_is_exact(ac):
    times = _times(ac, "contacts", "updated")
    cut = sorted(times.values())[len(times) // 2]
    since = dt.datetime.fromtimestamp(cut, dt.UTC).isoformat()
    got = ids_in(read_all(ac, "contacts", {"filters[updated_after]": since}), "contacts")
    assert set(got) == {i for i, u in times.items() if u > cut}
    deal_times = _times(ac, "deals", "updated")
    dcut = sorted(deal_times.values())[len(deal_times) // 2]
    dsince = dt.datetime.fromtimestamp(dcut, CHICAGO).isoformat()
    deals = ids_in(read_all(ac, "deals", {"filters[updated_after]": dsince}), "deals")
    assert set(deals) == {i for i, u in deal_times.items() if u >= dcut}  # deals: >=


def test_a_filter_time_without_offset_is_read_in_the_account_zone(ac):
    times = _times(ac, "contacts", "created")
    cut = sorted(times.values())[len(times) // 2]
    naive_utc = dt.datetime.fromtimestamp(cut, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    naive_local = dt.datetime.fromtimestamp(cut, CHICAGO).strftime("%Y-%m-%dT%H:%M:%S")
    local = ids_in(read_all(ac, "contacts", {"filters[created_after]": naive_local}), "contacts")
    assert set(local) == {i for i, c in times.items() if c > cut}
    # The same wall time taken as UTC is 5 or 6 hours later in Chicago: a client that sends
    # naive UTC asks for a later instant than it means.
    utc_as_local = int(dt.datetime.fromisoformat(naive_utc).replace(tzinfo=CHICAGO).timestamp())
    assert utc_as_local - cut in {5 * 3600, 6 * 3600}
    wrong = ids_in(read_all(ac, "contacts", {"filters[created_after]": naive_utc}), "contacts")
    assert set(wrong) == {i for i, c in times.items() if c > utc_as_local}


def test_id_greater_pages_by_id(ac):
    seen: list[int] = []
    last = 0
    while True:
        page = call(ac, "contacts", {"orders[id]": "ASC", "id_greater": last, "limit": 6})
        body = page.json()
        if not body["contacts"]:
            break
        ids = [int(c["id"]) for c in body["contacts"]]
        assert body["meta"]["total"] == str(len([i for i in ac.ids("contacts") if i > last]))
        seen += ids
        last = ids[-1]
    assert seen == sorted(ac.ids("contacts"))


def test_an_update_moves_udate_and_is_found(ac):
    cid = sorted(ac.ids("contacts"))[3]
    ac.advance(10 * 365 * 86_400)
    before = ac.now() - 5
    updated = ac.update("contacts", cid, firstName="Zed")
    assert updated["udate"] == updated["updated_timestamp"]
    since = dt.datetime.fromtimestamp(before, dt.UTC).isoformat()
    body = call(ac, "contacts", {"filters[updated_after]": since}).json()
    assert [c["id"] for c in body["contacts"]] == [str(cid)]
    new = ac.create("contacts", 2)
    body = call(ac, "contacts", {"filters[created_after]": since}).json()
    assert [c["id"] for c in body["contacts"]] == [r["id"] for r in new]


def test_a_field_value_change_moves_only_the_value_udate_by_default(make_ac):
    for touches in (False, True):
        sim = make_ac(field_value_touches_contact=touches)
        cid = sorted(sim.ids("contacts"))[2]
        before = call(sim, f"contacts/{cid}").json()["contact"]["udate"]
        sim.advance(10 * 365 * 86_400)
        value = sim.set_field_value(cid, 10, "Zed")
        assert value["value"] == "Zed"
        assert value["udate"] != before
        after = call(sim, f"contacts/{cid}").json()
        assert {v["field"]: v["value"] for v in after["fieldValues"]}["10"] == "Zed"
        assert (after["contact"]["udate"] != before) is touches


def test_records_inserted_during_an_offset_read_are_repeated_not_by_id(make_ac):
    sim = make_ac(contacts=60)
    truth_before = sim.ids("contacts")
    sim.insert_during_read(2, "contacts", low=2, high=3)
    by_offset = ids_in(read_all(sim, "contacts", size=10), "contacts")
    assert len(by_offset) != len(set(by_offset))  # a low insert pushed a record into the next page
    low = sorted(sim.ids("contacts") - truth_before)[:2]
    assert all(i < max(truth_before) for i in low)
    created = {int(r["id"]): r for r in sim.records("contacts") if int(r["id"]) in low}
    assert all(r["cdate"] > "2025" for r in created.values())  # created now, below older ids
    sim2 = make_ac(contacts=60)
    sim2.insert_during_read(2, "contacts", low=2, high=3)
    seen, last = [], 0
    while body := call(sim2, "contacts", {"id_greater": last, "limit": 10}).json()["contacts"]:
        seen += [int(c["id"]) for c in body]
        last = seen[-1]
    assert len(seen) == len(set(seen))
    assert truth_before <= set(seen)


def test_time_filters_page_exactly_after_changes(make_ac):
    sim = make_ac(contacts=90, deals=45)
    contacts = sorted(sim.ids("contacts"))
    for cid in contacts[5:60:9]:
        sim.update("contacts", cid, lastName="Changed")
    sim.delete("contacts", contacts[30])
    sim.delete("contacts", contacts[70])
    sim.insert_low("contacts", 2)
    sim.create("contacts", 3)
    sim.update("deals", min(sim.ids("deals")), title="Changed")
    for stream in ("contacts", "deals"):
        table = sim.table(stream)
        times = {table.ids.id_of(i): table.times_of(i) for i in table.indexes()}
        stamps = sorted({t for pair in times.values() for t in pair})
        for cut in [stamps[0] - 1, *stamps[:: max(1, len(stamps) // 6)], stamps[-1] + 1]:
            since = dt.datetime.fromtimestamp(cut, dt.UTC).isoformat()
            for which, pos in (("updated", 1), ("created", 0)):
                op = (lambda a, b: a > b) if stream == "contacts" else (lambda a, b: a >= b)
                want = sorted(i for i, pair in times.items() if op(pair[pos], cut))
                for extra in ({}, {"id_greater": contacts[20]})[: 2 if stream == "contacts" else 1]:
                    params = {f"filters[{which}_after]": since, **extra}
                    bodies = read_all(sim, stream, params, size=20)
                    got = ids_in(bodies, stream)
                    exp = [i for i in want if i > int(extra.get("id_greater", 0))]
                    assert got == exp, (stream, which, cut, extra)
                    assert bodies[0]["meta"]["total"] == str(len(exp))


def test_deal_and_account_custom_values_change_without_their_parent(make_ac):
    for touches in (False, True):
        sim = make_ac(field_value_touches_contact=touches)
        deal = min(sim.ids("deals"))
        before = call(sim, f"deals/{deal}").json()["deal"]["mdate"]
        sim.advance(10 * 365 * 86_400)
        value = sim.set_custom_value("deal_custom_field_data", deal, 11, 12345)
        assert value["fieldValue"] == 12345
        assert value["customFieldId"] == 11
        assert value["dealId"] == str(deal)
        rows = call(sim, "dealCustomFieldData", {"filters[dealId]": deal}).json()
        mine = [r for r in rows["dealCustomFieldData"] if r["customFieldId"] == 11]
        assert [r["fieldValue"] for r in mine] == [12345]  # changed, or added once
        assert mine[0]["updatedTimestamp"] > "2030"
        assert (call(sim, f"deals/{deal}").json()["deal"]["mdate"] != before) is touches
        account = min(sim.ids("accounts"))
        sim.set_custom_value("account_custom_field_data", account, 2, ["EU"])
        data = call(sim, "accountCustomFieldData", {"filters[customerAccountId]": account})
        got = {r["customFieldId"]: r["fieldValue"] for r in data.json()["accountCustomFieldData"]}
        assert got[2] == ["EU"]


def test_orders_cdate_puts_records_inserted_at_lower_ids_last(make_ac):
    sim = make_ac(contacts=60, deals=30)
    sim.advance(86_400)
    low = sim.insert_low("deals", 2)
    sim.advance(60)
    top = sim.create("deals", 1)
    sim.advance(60)
    low += sim.insert_low("deals", 1)
    table = sim.table("deals")
    want = sorted(sim.ids("deals"), key=lambda i: (table.times_of(table.index_for(i))[0], i))
    assert want[-4:] == [int(low[0]["id"]), int(low[1]["id"]), int(top[0]["id"]), int(low[2]["id"])]
    for size in (4, 7, 50):
        got = ids_in(read_all(sim, "deals", {"orders[cdate]": "ASC"}, size=size), "deals")
        assert got == want
    down = call(sim, "deals", {"orders[cdate]": "DESC", "limit": 5, "offset": 1}).json()
    assert [int(d["id"]) for d in down["deals"]] == want[::-1][1:6]
    by_id = ids_in(read_all(sim, "deals", {"orders[id]": "ASC"}, size=7), "deals")
    assert by_id == sorted(want)
    since = dt.datetime.fromtimestamp(sim.now() - 3600, dt.UTC).isoformat()
    new = call(sim, "deals", {"orders[cdate]": "ASC", "filters[created_after]": since}).json()
    assert [int(d["id"]) for d in new["deals"]] == want[-4:]


def test_a_repeated_filter_sees_changes_made_between_reads(ac):
    times = _times(ac, "contacts", "updated")
    cut = sorted(times.values())[len(times) // 2]
    since = dt.datetime.fromtimestamp(cut, dt.UTC).isoformat()
    params = {"filters[updated_after]": since, "limit": 100}
    first = {c["id"] for c in call(ac, "contacts", params).json()["contacts"]}
    old = min(i for i, u in times.items() if u <= cut)
    assert str(old) not in first
    ac.update("contacts", old, firstName="Again")
    gone = min(int(i) for i in first)
    ac.delete("contacts", gone)
    second = {c["id"] for c in call(ac, "contacts", params).json()["contacts"]}
    assert second == (first | {str(old)}) - {str(gone)}

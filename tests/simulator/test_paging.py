"""Paging contract: page_size, sort_key, cursor on the last record only, every record once."""

from __future__ import annotations

import pytest

from tests.simulator.helpers import call, page_all

PAGED = {"subscribers": "contacts", "companies": "companies", "tasks": "tasks",
         "tickets": "tickets", "products": "products"}  # fmt: skip
SORTS = ("created_time", "updated_time", "-created_time", "-updated_time")


def _key(rec, field):
    return int(rec.get(field) or 0), int(rec["id"])


@pytest.mark.parametrize("sort_key", SORTS)
@pytest.mark.parametrize("path", sorted(PAGED))
def test_every_record_exactly_once_in_order(simulator, path, sort_key):
    pages = page_all(simulator, path, sort_key=sort_key, size=4)
    records = [r for p in pages for r in p]
    ids = [int(r["id"]) for r in records]
    assert len(ids) == len(set(ids))
    assert set(ids) == simulator.ids(PAGED[path])
    field = sort_key.lstrip("-")
    values = [int(r.get(field) or 0) for r in records]
    assert values == sorted(values, reverse=sort_key.startswith("-"))
    for page in pages[:-1]:
        assert all("cursor" not in r for r in page[:-1])
        assert isinstance(page[-1]["cursor"], str)
    assert all("cursor" not in r for r in pages[-1])


def test_descending_updated_lists_never_updated_last(simulator):
    records = [r for p in page_all(simulator, "subscribers", sort_key="-updated_time") for r in p]
    updated = [bool(r.get("updated_time")) for r in records]
    first_never = updated.index(False)
    assert all(updated[:first_never])
    assert not any(updated[first_never:])
    assert any("updated_time" not in r for r in records), "some records omit updated_time"
    assert 0.25 < updated.count(False) / len(updated) < 0.6


def test_full_last_page_has_no_cursor(make_simulator):
    sim = make_simulator(contacts=20)
    pages = page_all(sim, "subscribers", size=10)
    assert [len(p) for p in pages] == [10, 10]
    assert "cursor" in pages[0][-1]
    assert "cursor" not in pages[1][-1]


def test_page_size_default_and_clamp(make_simulator):
    sim = make_simulator(contacts=150)
    assert len(call(sim, "subscribers", {}).json()) == 20
    assert len(call(sim, "subscribers", {"page_size": 500}).json()) == 100
    assert len(call(sim, "subscribers", params={"page_size": 3}).json()) == 3


@pytest.mark.parametrize("form", [{"page_size": "ten"}, {"page_size": "0"},
                                  {"sort_key": "name"}, {"sort_key": "created"}])  # fmt: skip
def test_bad_params_are_400(simulator, form):
    resp = call(simulator, "subscribers", form)
    assert resp.status_code == 400
    assert resp.json()["error"].startswith("Invalid input.")


def test_invalid_cursors_are_500(simulator):
    first = call(simulator, "subscribers", {"page_size": 5}).json()
    cursor = first[-1]["cursor"]
    tampered = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
    for bad in ("garbage", "!!!", tampered, cursor + "x"):
        assert call(simulator, "subscribers", {"cursor": bad}).status_code == 500
    other_sort = call(simulator, "subscribers", {"cursor": cursor, "sort_key": "-created_time"})
    assert other_sort.status_code == 500
    other_stream = call(simulator, "companies", {"cursor": cursor})
    assert other_stream.status_code == 500
    assert call(simulator, "subscribers", {"cursor": cursor, "page_size": 5}).status_code == 200


def test_deals_default_track_and_track_id(simulator):
    tracks = call(simulator, "tracks").json()
    assert [t["isDefault"] for t in tracks] == [True, False]
    default = [r for p in page_all(simulator, "deals") for r in p]
    assert {int(d["track_id"]) for d in default} == {int(tracks[0]["id"])}
    second = [r for p in page_all(simulator, "deals", track_id=tracks[1]["id"]) for r in p]
    assert {int(d["track_id"]) for d in second} == {int(tracks[1]["id"])}
    assert len(default) + len(second) == simulator.count("deals") == 24
    labels = {m["labelName"] for m in tracks[1]["milestones"]}
    assert {d["milestoneLabelName"] for d in second} <= labels
    assert call(simulator, "deals", {"track_id": "abc"}).status_code == 400


def test_notes_and_call_logs_per_contact(simulator):
    total_notes = total_calls = 0
    counts = set()
    for contact in simulator.truth("contacts"):
        cid = int(contact["id"])
        notes = [r for p in page_all(simulator, "notes", size=2, parentId=cid) for r in p]
        calls = [r for p in page_all(simulator, "call-logs", size=1, contact_id=cid) for r in p]
        assert all(int(n["parentId"]) == cid for n in notes)
        assert all(int(c["contact_id"]) == cid for c in calls)
        assert len(notes) <= 3
        assert len(calls) <= 2
        counts.add(len(notes))
        total_notes += len(notes)
        total_calls += len(calls)
    assert counts == {0, 1, 2, 3}
    assert total_notes == simulator.count("notes")
    assert total_calls == simulator.count("call_logs")
    assert call(simulator, "notes").status_code == 400
    assert call(simulator, "notes", params={"parentId": 4503599627370497}).json() == []
    some = int(next(iter(simulator.ids("contacts"))))
    alias = call(simulator, "notes", params={"contactId": some})
    assert alias.status_code == 200


def test_events_window_in_milliseconds(simulator):
    events = list(simulator.truth("events"))
    starts = sorted(e["start_time"] for e in events)
    assert all(s > 10**12 for s in starts), "milliseconds"
    lo, hi = starts[5], starts[15]
    got = call(simulator, "calendar/event/list",
               params={"start_time": lo, "end_time": hi, "source_type": "API"}).json()  # fmt: skip
    assert sorted(e["start_time"] for e in got) == [s for s in starts if lo <= s <= hi]
    assert len(got) == 11
    assert call(simulator, "calendar/event/list", params={"start_time": lo}).status_code == 400

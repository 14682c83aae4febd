"""Each endpoint against the Agile CRM API document: shapes, paging, 204, XML and auth."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET

import pytest
import requests

from tests.agilecrm_sim.helpers import EMAIL, KEY, call, ids_of, read_all

PAGED = [
    ("contacts", None, False, "contacts"),
    ("contacts/companies/list", {"global_sort_key": "-created_time"}, True, "companies"),
    ("opportunity", None, False, "deals"),
    ("opportunity/based", {"pipeline_id": "1"}, False, "deals"),
    ("tasks", None, False, "tasks"),
    ("tasks/based", None, False, "tasks"),
    ("workflows", None, False, "campaigns"),
]


@pytest.mark.parametrize(("path", "params", "form", "stream"), PAGED)
def test_paging_reads_every_record_once(agile, path, params, form, stream):
    pages = read_all(agile, path, params, form=form, size=4)
    ids = ids_of(pages)
    assert len(ids) == len(set(ids))
    assert set(ids) == agile.ids(stream)
    for page in pages:  # the cursor is on the last record of every full page, and only there
        assert all("cursor" not in r for r in page[:-1])
        assert ("cursor" in page[-1]) == (len(page) == 4)


def test_contacts_are_in_creation_order_with_the_count_on_the_first(agile):
    pages = read_all(agile, "contacts", size=10)
    assert [len(p) for p in pages] == [10, 10, 10, 10]  # 40 contacts: the last page is full
    times = [int(r["created_time"]) for p in pages for r in p]
    assert times == sorted(times)
    assert pages[0][0]["count"] == 40
    assert all("count" not in r for r in pages[0][1:])
    # The last full page still carries a cursor; following it gives 204, an empty list.
    last = call(agile, "contacts", {"page_size": 10, "cursor": pages[-1][-1]["cursor"]})
    assert last.status_code == 204
    assert last.content == b""


def test_companies_newest_first_and_204_for_an_empty_account(make_agile):
    sim = make_agile(companies=0)
    resp = call(sim, "contacts/companies/list", data={"page_size": 5})
    assert resp.status_code == 204
    sim2 = make_agile()
    page = call(sim2, "contacts/companies/list",
                data={"page_size": 5, "global_sort_key": "-created_time"}).json()  # fmt: skip
    times = [int(r["created_time"]) for r in page]
    assert times == sorted(times, reverse=True)
    assert {r["type"] for r in page} == {"COMPANY"}


def test_contact_shape_and_its_mixed_types(agile):
    contacts = list(agile.records("contacts"))
    first = contacts[0]
    for key in ("id", "type", "created_time", "updated_time", "star_value", "lead_score", "tags",
                "tagsWithTime", "properties", "entity_type", "owner", "viewed"):  # fmt: skip
        assert key in first
    assert first["type"] == "PERSON"
    props = [p for c in contacts for p in c["properties"]]
    assert {p["type"] for p in props} == {"SYSTEM", "CUSTOM"}
    by_name: dict[str, list] = {}
    for p in props:
        by_name.setdefault(p["name"], []).append(p["value"])
    assert set(by_name["Accept terms"]) == {"on"}
    assert all(isinstance(v, int) for v in by_name["Date of Joining"])  # epoch seconds
    assert all(isinstance(json.loads(v), list) for v in by_name["Companies worked"])
    assert all(isinstance(json.loads(v), dict) for v in by_name["address"])
    assert any(v.startswith("0") and v.isdigit() for v in by_name["Employee code"])
    # Quirks: some ids and created times are strings, never-updated records have 0.
    assert any(isinstance(c["id"], str) for c in contacts)
    assert any(isinstance(c["id"], int) for c in contacts)
    assert any(isinstance(c["created_time"], str) for c in contacts)
    assert any(c["updated_time"] == 0 for c in contacts)
    assert any(c["updated_time"] > int(c["created_time"]) for c in contacts)
    assert all(len(str(c["id"])) == 16 for c in contacts)
    # Mixed time units: records in seconds, viewed and tag times in milliseconds.
    c = next(c for c in contacts if c["tagsWithTime"])
    assert c["tagsWithTime"][0]["createdTime"] == int(c["created_time"]) * 1000
    one = call(agile, f"contacts/{c['id']}").json()
    assert one["id"] == c["id"]
    assert call(agile, "contacts/4503599627370496").status_code == 204


def test_deals_tracks_and_deal_notes(agile):
    tracks = call(agile, "milestone/pipelines").json()
    assert len(tracks) == 3
    assert tracks[0]["name"] == "Default"
    assert tracks[0]["milestones"].split(",")[0] == "New"
    deals = list(agile.records("deals"))
    assert any(d["custom_data"] for d in deals)
    assert all(set(cd) == {"name", "value"} for d in deals for cd in d["custom_data"])
    by_track: dict[int, set[int]] = {}
    for d in deals:
        by_track.setdefault(int(d["pipeline_id"]), set()).add(int(d["id"]))
        assert d["milestone"] in next(
            t["milestones"].split(",") for t in tracks if t["id"] == int(d["pipeline_id"])
        )
    for track in tracks:
        got = ids_of(read_all(agile, "opportunity/based", {"pipeline_id": track["id"]}, size=4))
        assert set(got) == by_track[track["id"]]
        assert len(got) == len(set(got))
    default = ids_of(read_all(agile, "opportunity/based", {"pipeline_id": "0"}, size=4))
    assert set(default) == by_track[tracks[0]["id"]]
    notes = []
    for d in deals:
        resp = call(agile, f"opportunity/{d['id']}/notes")
        assert resp.status_code in {200, 204}
        if resp.status_code == 200:
            notes += resp.json()
    assert notes
    assert all(n["entity_type"] == "note" for n in notes)
    assert all(not n.get("deal_ids") for n in notes)  # deal notes do not name their deal
    assert {n["id"] for n in notes} == agile.ids("deal_notes")


def test_contact_notes_and_documents(agile):
    notes, docs = [], []
    for c in agile.records("contacts"):
        for path, out in ((f"contacts/{c['id']}/notes", notes),
                          (f"documents/contact/{c['id']}/docs", docs)):  # fmt: skip
            resp = call(agile, path)
            assert resp.status_code in {200, 204}
            if resp.status_code == 200:
                page = resp.json()
                assert all(r["contact_ids"] == [str(int(c["id"]))] for r in page)
                out.extend(page)
    assert {n["id"] for n in notes} == agile.ids("notes")
    assert {d["id"] for d in docs} == agile.ids("documents")
    assert all(d["doc_type"] == "ATTACHMENT" and d["url"].startswith("https://") for d in docs)


def test_events_in_a_window_of_epoch_seconds(agile):
    events = list(agile.records("events"))
    starts = sorted(e["start"] for e in events)
    lo, hi = starts[5], starts[12]
    got = call(agile, "events", {"start": lo, "end": hi}).json()
    assert [e["start"] for e in got] == starts[5:13]
    assert call(agile, "events", {"start": 0, "end": 10}).status_code == 204
    assert call(agile, "events").status_code == 400


def test_tickets_through_filters_and_their_messages(agile):
    filters = call(agile, "tickets/filters").json()
    assert [f["name"] for f in filters][:2] == ["All Tickets", "New Tickets"]
    seen: dict[int, int] = {}
    for flt in filters:
        params = {"filter_id": flt["id"], "global_sort_key": "-last_updated_time"}
        got = ids_of(read_all(agile, "tickets/filter", params))
        assert set(got) == agile.ticket_ids_in_filter(flt["name"])
        for tid in got:
            seen[tid] = seen.get(tid, 0) + 1
    assert set(seen) == agile.ids("tickets")
    assert max(seen.values()) > 1  # a ticket can be in several filters
    assert sorted(seen) == list(range(1, 16))  # small sequential ids
    ticket = next(iter(agile.records("tickets")))
    assert ticket["created_time"] > 10**12  # milliseconds
    messages = call(agile, f"tickets/notes/{ticket['id']}").json()
    assert messages
    assert {m["ticket_id"] for m in messages} == {ticket["id"]}
    assert call(agile, "tickets/filter", {"filter_id": "1"}).status_code == 400


def test_tasks_and_campaigns_shapes(agile):
    task = call(agile, "tasks", {"page_size": 3}).json()[0]
    assert task["entity_type"] == "task"
    assert task["count"] == 17
    assert task["status"] in {"YET_TO_START", "IN_PROGRESS", "COMPLETED"}
    campaign = call(agile, "workflows", {"page_size": 3}).json()[0]
    assert isinstance(json.loads(campaign["rules"]), dict)  # JSON inside a string


def test_xml_unless_json_is_asked_for(agile):
    resp = call(agile, "contacts", {"page_size": 2}, accept=None)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(resp.content)  # noqa: S314 - our own simulator's output
    assert len(root) == 2
    xml_ids = {item.findtext("id") for item in root}
    json_ids = {str(r["id"]) for r in call(agile, "contacts", {"page_size": 2}).json()}
    assert xml_ids == json_ids


def test_basic_auth_with_email_and_key(agile):
    assert call(agile, "contacts", auth=None).status_code == 401
    assert call(agile, "contacts", auth=(EMAIL, "wrong-key")).status_code == 401
    assert call(agile, "contacts", auth=("other@example.com", KEY)).status_code == 401
    token = base64.b64encode(f"{EMAIL}:{KEY}".encode()).decode()
    raw = requests.get(f"{agile.url}/dev/api/contacts",
                       headers={"Authorization": f"Bearer {token}"}, timeout=10)  # fmt: skip
    assert raw.status_code == 401
    assert call(agile, "contacts").status_code == 200


def test_page_size_limits_and_errors(make_agile):
    sim = make_agile(max_page_size=10, default_page_size=10)
    too_big = call(sim, "contacts", {"page_size": 11})
    assert too_big.status_code == 500
    assert "try again later" in too_big.json()["error"]
    assert call(sim, "contacts", {"page_size": "abc"}).status_code == 400
    assert len(call(sim, "contacts").json()) == 10
    assert call(sim, "contacts", {"cursor": "forged"}).status_code == 500
    assert call(sim, "nothing/here").status_code == 404


def test_repeated_cursor_option(make_agile):
    sim = make_agile(repeat_cursor_page=2)
    first = call(sim, "contacts", {"page_size": 5}).json()
    cursor = first[-1]["cursor"]
    second = call(sim, "contacts", {"page_size": 5, "cursor": cursor}).json()
    assert second[-1]["cursor"] == cursor  # the cursor repeats: page 2 leads to page 2 again
    again = call(sim, "contacts", {"page_size": 5, "cursor": second[-1]["cursor"]}).json()
    assert [r["id"] for r in again] == [r["id"] for r in second]


def test_mutations_are_reflected(agile):
    contact = next(iter(agile.records("contacts")))
    agile.advance(3600)
    changed = agile.update("contacts", contact["id"], properties={"Text field": "changed"},
                           star_value=5)  # fmt: skip
    assert changed["updated_time"] == int(agile.now())
    agile.delete("contacts", next(iter(agile.ids("contacts") - {int(contact["id"])})))
    new = agile.create("contacts", 2)
    assert all(r["updated_time"] == 0 for r in new)
    pages = read_all(agile, "contacts", size=9)
    served = {int(r["id"]): r for p in pages for r in p}
    assert set(served) == agile.ids("contacts")
    assert len(served) == 41
    got = served[int(contact["id"])]
    assert got["star_value"] == 5
    assert {"type": "CUSTOM", "name": "Text field", "value": "changed"} in [
        {k: p[k] for k in ("type", "name", "value")} for p in got["properties"]
    ]
    assert [int(r["id"]) for r in pages[-1][-2:]] == [int(r["id"]) for r in new]
    truth = requests.get(f"{agile.url}/_sim/truth/contacts/ids", timeout=10).json()
    assert set(truth) == set(served)


def test_created_children_show_under_their_parent(agile):
    contact = next(iter(agile.records("contacts")))
    before = call(agile, f"contacts/{contact['id']}/notes")
    count = len(before.json()) if before.status_code == 200 else 0
    note = agile.create("notes", 1, contact_id=contact["id"], subject="Added")[0]
    notes = call(agile, f"contacts/{contact['id']}/notes").json()
    assert len(notes) == count + 1
    assert notes[-1]["id"] == note["id"]
    assert notes[-1]["subject"] == "Added"
    assert notes[-1]["contact_ids"] == [str(int(contact["id"]))]
    assert notes[0]["count"] == count + 1
    agile.delete("contacts", contact["id"])
    assert call(agile, f"contacts/{contact['id']}/notes").status_code == 204
    assert note["id"] not in agile.ids("notes")

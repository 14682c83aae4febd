"""Changes between runs, the clock, the request log and the HTTP control API."""

from __future__ import annotations

import requests

from tests.simulator.helpers import call, page_all


def _ids(pages):
    return [int(r["id"]) for p in pages for r in p]


def test_update_create_delete_visible(simulator):
    simulator.advance(3600)
    first = next(iter(simulator.truth("contacts")))
    updated = simulator.update("contacts", first["id"], score=99, properties={"Nickname": "Zed"})
    assert updated["updated_time"] == int(simulator.now()) or updated["updated_time"] > 0
    new = simulator.create("contacts", 2, name="Fresh")
    assert all(r["updated_time"] == 0 for r in new)
    victim = list(simulator.truth("contacts"))[5]
    simulator.delete("contacts", victim["id"])
    newest = call(simulator, "subscribers", {"sort_key": "-updated_time", "page_size": 1}).json()
    assert int(newest[0]["id"]) == int(first["id"])
    assert newest[0]["score"] == 99
    assert {"name": "Nickname", "value": "Zed"}.items() <= next(
        p for p in newest[0]["properties"] if p["name"] == "Nickname"
    ).items()
    latest = call(simulator, "subscribers", {"sort_key": "-created_time", "page_size": 2}).json()
    assert {int(r["id"]) for r in latest} == {int(r["id"]) for r in new}
    for sort_key in ("created_time", "-updated_time", "updated_time"):
        ids = _ids(page_all(simulator, "subscribers", sort_key=sort_key, size=9))
        assert len(ids) == len(set(ids)) == 61
        assert set(ids) == simulator.ids("contacts")
    assert int(victim["id"]) not in simulator.ids("contacts")
    assert call(simulator, f"subscribers/{victim['id']}").status_code == 404
    assert simulator.count("contacts") == 61


def test_new_ids_do_not_collide(simulator):
    before = simulator.ids("deals")
    new = simulator.create("deals", 5)
    assert not {int(d["id"]) for d in new} & before
    assert len(simulator.ids("deals")) == len(before) + 5


def test_children_and_events(simulator):
    contact = list(simulator.truth("contacts"))[2]
    before = simulator.count("notes")
    note = simulator.create("notes", contact_id=contact["id"], subject="hello")[0]
    assert int(note["parentId"]) == int(contact["id"])
    got = call(simulator, "notes", params={"parentId": contact["id"], "page_size": 100}).json()
    assert int(note["id"]) in {int(n["id"]) for n in got}
    assert simulator.count("notes") == before + 1
    call_log = simulator.create("call_logs", contact_id=contact["id"])[0]
    got = call(simulator, "call-logs", params={"contact_id": contact["id"]}).json()
    assert int(call_log["id"]) in {int(c["id"]) for c in got}
    event = simulator.create("events", start_time=1_700_000_000_000)[0]
    moment = 1_700_000_000_000
    window = call(
        simulator, "calendar/event/list", params={"start_time": moment, "end_time": moment}
    ).json()
    assert [int(e["id"]) for e in window] == [int(event["id"])]


def test_add_custom_field(simulator):
    field = simulator.add_custom_field("DEAL", "Région ✓", "LIST")
    fields = call(simulator, "customfields/list/DEAL").json()
    assert fields[-1]["id"] == field["id"]
    deals = list(simulator.truth("deals"))
    assert any(p["name"] == "Région ✓" for d in deals for p in d["properties"])


def test_move_deal_to_other_track(simulator):
    tracks = list(simulator.truth("tracks"))
    deal = next(iter(simulator.truth("deals")))
    simulator.update("deals", deal["id"], track_id=tracks[1]["id"])
    second = _ids(page_all(simulator, "deals", track_id=tracks[1]["id"]))
    assert int(deal["id"]) in second
    assert int(deal["id"]) not in _ids(page_all(simulator, "deals"))


def test_after_requests_changes_mid_run(simulator):
    target = list(simulator.truth("contacts"))[-1]
    simulator.after_requests(2, lambda sim: sim.update("contacts", target["id"], score=-1))
    call(simulator, "subscribers", {})
    assert call(simulator, f"subscribers/{target['id']}").json()["score"] != -1
    assert call(simulator, f"subscribers/{target['id']}").json()["score"] == -1


def test_request_log_has_no_secret(simulator):
    call(simulator, "subscribers", {"page_size": 3})
    call(simulator, "subscribers", {}, key="nope")
    log = simulator.requests("subscribers")
    assert len(log) == 2
    assert log[0]["form"] == {"page_size": "3"}
    assert [e["headers"]["auth_ok"] for e in log] == [True, False]
    assert [e["auth_ok"] for e in log] == [True, False]
    assert all("authorization" not in e["headers"] for e in log)
    assert "sim-key" not in repr(log)
    assert [e["status"] for e in log] == [200, 401]
    simulator.clear_requests()
    assert simulator.requests() == []


def test_http_control_api(simulator):
    base = simulator.url + "/_sim"
    assert requests.get(f"{base}/truth/contacts/count", timeout=5).json() == {"count": 60}
    ids = requests.get(f"{base}/truth/contacts/ids", timeout=5).json()
    assert set(ids) == simulator.ids("contacts")
    ops = [{"op": "delete", "stream": "contacts", "id": ids[0]},
           {"op": "create", "stream": "contacts", "n": 2},
           {"op": "update", "stream": "contacts", "id": ids[1], "fields": {"score": 7}},
           {"op": "add_custom_field", "scope": "CONTACT", "label": "X", "field_type": "TEXT"},
           {"op": "advance", "seconds": 10}]  # fmt: skip
    out = requests.post(f"{base}/mutate", json=ops, timeout=5)
    assert out.status_code == 200, out.text
    assert simulator.count("contacts") == 61
    requests.post(f"{base}/faults", json=[{"kind": "503", "rate": 1.0}], timeout=5)
    assert call(simulator, "tracks").status_code == 503
    requests.post(f"{base}/faults/clear", timeout=5)
    assert call(simulator, "tracks").status_code == 200
    log = requests.get(f"{base}/requests", params={"path_prefix": "tracks"}, timeout=5).json()
    assert [e["status"] for e in log] == [503, 200]
    requests.post(f"{base}/requests/clear", timeout=5)
    assert simulator.requests() == []
    assert requests.get(f"{base}/nope", timeout=5).status_code == 404


def test_documented_write_endpoints(simulator):
    contact = list(simulator.truth("contacts"))[1]
    resp = call(
        simulator,
        "subscribers/update-partial",
        method="PUT",
        json_body={"id": contact["id"], "properties": [{"name": "name", "value": "Renamed"}]},
    )
    assert resp.status_code == 200
    assert any(p["value"] == "Renamed" for p in resp.json()["properties"])
    created = call(
        simulator,
        "subscribers/subscriber",
        method="POST",
        json_body={"score": 10, "properties": [{"name": "email", "value": "new@example.com"}]},
    )
    assert created.status_code == 200
    path = f"subscribers/{created.json()['id']}"
    assert call(simulator, path, method="DELETE").status_code == 204
    assert call(simulator, path).status_code == 404
    field = call(
        simulator,
        "customfields/",
        method="POST",
        json_body={"field_label": "Via API", "scope": "TICKET", "field_type": "TEXTAREA"},
    )
    assert field.json()["scope"] == "TICKET"


def test_request_log_masks_the_key_wherever_a_client_sends_it(simulator):
    call(simulator, "subscribers", {"page_size": 3, "key": "sim-key"}, params={"k": "sim-key"})
    (entry,) = simulator.requests("subscribers")
    assert entry["form"]["key"] == entry["query"]["k"] == "***"
    assert "sim-key" not in repr(entry)


def test_property_updates_add_to_the_earlier_ones(simulator):
    first = next(iter(simulator.truth("contacts")))
    simulator.update("contacts", first["id"], properties={"Nickname": "Zed"})
    record = simulator.update("contacts", first["id"], properties={"Hobby": "chess"})
    values = {p["name"]: p["value"] for p in record["properties"]}
    assert (values["Nickname"], values["Hobby"]) == ("Zed", "chess")

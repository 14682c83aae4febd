"""Response shapes, auth, formats and errors as in the EngageBay REST API docs."""

from __future__ import annotations

import email.utils
import json
import time
import xml.etree.ElementTree as ET

import pytest

from tests.simulator.helpers import call

CONTACT_KEYS = {"id", "owner_id", "name", "email", "score", "created_time", "status",
                "companyIds", "properties", "listIds", "tags", "emailBounceStatus", "sources",
                "owner", "entiy_group_name"}  # fmt: skip
COMPANY_KEYS = {"id", "name", "name_sort", "url", "created_time", "properties", "tags",
                "contactIds", "entiy_group_name", "owner_id", "owner", "companyIds"}  # fmt: skip
DEAL_KEYS = {"id", "name", "amount", "closed_date", "track_id", "milestoneLabelName",
             "milestoneActualName", "tags", "properties", "probability", "owner",
             "contact_ids", "company_ids", "currency_type", "created_time"}  # fmt: skip
TASK_KEYS = {"id", "owner_id", "entiy_group_name", "is_due", "name", "description", "type",
             "created_time", "closed_date", "task_milestone", "queue_id", "owner",
             "contact_ids", "deal_ids"}  # fmt: skip
TICKET_KEYS = {"id", "requester_name", "requester_email", "subscriber_id", "subject", "status",
               "priority", "type", "group_id", "created_time", "tags", "html_body",
               "subscriber", "properties"}  # fmt: skip
PRODUCT_KEYS = {"id", "name", "description", "image_url", "created_time", "owner_id", "price",
                "discount_type", "discount", "currency", "properties"}  # fmt: skip
NOTE_KEYS = {"id", "parentId", "subject", "content", "owner_id", "type", "created_time",
             "source", "force", "syncIds", "createFollowUpTask"}  # fmt: skip
CALL_KEYS = {"id", "created_time", "contact_id", "call_id", "duration", "status", "to_number",
             "from_number", "caller_type", "started_at", "owner_id", "callType"}  # fmt: skip
EVENT_KEYS = {"id", "owner_id", "created_time", "start_time", "end_time", "user_data", "color",
              "name", "user_time_zone", "subscriber_id", "source_type", "contact_ids",
              "entiy_group_name"}  # fmt: skip
TRACK_KEYS = {"id", "name", "milestones", "isDefault", "created_time"}
MILESTONE_KEYS = {"labelName", "labelActualName", "isWon", "isLost", "color", "probability"}
OWNER_KEYS = {"id", "domain_id", "email", "password_decrypted", "name", "created_time",
              "is_admin", "time_zone", "misc_info"}  # fmt: skip
FIELD_KEYS = {
    "id",
    "field_type",
    "field_label",
    "field_name",
    "scope",
    "field_data",
    "position",
    "created_time",
    "updated_time",
    "is_required",
    "is_searchable",
}
LIST_KEYS = {"id", "owner_id", "name", "created_time", "updated_time"}
FORM_KEYS = {"id", "name", "alias_name", "owner_id", "created_time", "updated_time",
             "formHtml", "form_attributes", "version", "formStats"}  # fmt: skip


@pytest.mark.parametrize(("path", "keys"), [
    ("subscribers", CONTACT_KEYS), ("companies", COMPANY_KEYS), ("deals", DEAL_KEYS),
    ("tasks", TASK_KEYS), ("tickets", TICKET_KEYS), ("products", PRODUCT_KEYS),
])  # fmt: skip
def test_paged_list_shapes(simulator, path, keys):
    resp = call(simulator, path, {"page_size": 100})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    records = resp.json()
    assert isinstance(records, list)
    assert records
    for rec in records:
        assert keys <= rec.keys(), keys - rec.keys()
        assert isinstance(rec["created_time"], int)
        assert rec["created_time"] < 2 * 10**9, "seconds"
    one = records[3]
    single = call(simulator, f"{path}/{one['id']}")
    assert single.status_code == 200
    assert single.json() == one
    assert call(simulator, f"{path}/4503599627370496").status_code == 404


def test_child_and_unpaged_shapes(simulator):
    contacts = list(simulator.truth("contacts"))
    notes = (call(simulator, "notes", params={"parentId": c["id"]}).json() for c in contacts)
    note = next(n for n in notes if n)[0]
    assert note.keys() >= NOTE_KEYS
    assert note["content"].startswith("<!DOCTYPE html>")
    log = next(iter(simulator.truth("call_logs")))
    assert log.keys() >= CALL_KEYS
    event = next(iter(simulator.truth("events")))
    assert event.keys() >= EVENT_KEYS
    assert isinstance(json.loads(event["user_data"]), dict)
    for path, keys in (
        ("tracks", TRACK_KEYS),
        ("users", OWNER_KEYS),
        ("contactlist", LIST_KEYS),
        ("forms", FORM_KEYS),
        ("customfields/list/CONTACT", FIELD_KEYS),
    ):
        records = call(simulator, path).json()
        assert records
        assert all(keys <= r.keys() for r in records), path
    tracks = call(simulator, "tracks").json()
    assert all(m.keys() >= MILESTONE_KEYS for t in tracks for m in t["milestones"])
    assert call(simulator, f"tracks/{tracks[1]['id']}").json() == tracks[1]
    assert all(u["password_decrypted"] == "" for u in call(simulator, "users").json())
    tags = call(simulator, "tags").json()
    assert all(set(t) == {"tag", "created_time"} for t in tags)
    profile = call(simulator, "users/profile/user-info").json()
    assert profile == {"name": simulator.config.user_name, "email": simulator.config.user_email}


@pytest.mark.parametrize("scope", ["CONTACT", "DEAL", "COMPANY", "TICKET"])
def test_custom_field_scopes(simulator, scope):
    fields = call(simulator, f"customfields/list/{scope}").json()
    assert {f["scope"] for f in fields} == {scope}


def test_custom_field_bad_scope(simulator):
    assert call(simulator, "customfields/list/TASK").status_code == 400


@pytest.mark.parametrize("key", [None, "", "wrong", "Bearer sim-key"])
def test_unauthenticated(simulator, key):
    resp = call(simulator, "subscribers", {}, key=key)
    assert resp.status_code == 401
    assert resp.json() == {"error": "UnAuthenticated User", "status": "401"}


def test_xml_without_accept_json(simulator):
    for accept in (None, "application/xml", "*/*"):
        resp = call(simulator, "subscribers", {"page_size": 2}, accept=accept)
        assert resp.status_code == 200
        assert resp.headers["Content-Type"].startswith("application/xml")
        root = ET.fromstring(resp.content)  # noqa: S314 - our own output
        assert root.tag == "list"
        assert len(root.findall("item")) == 2
        assert root.find("item/id") is not None


def test_xml_is_well_formed_for_every_stream(simulator):
    for path in ("subscribers", "companies", "deals", "tickets"):
        resp = call(simulator, path, {"page_size": 100}, accept=None)
        ET.fromstring(resp.content)  # noqa: S314 - our own output


def test_unknown_path_and_date_header(simulator):
    simulator.advance(86_400 * 400)
    resp = call(simulator, "no/such/thing")
    assert resp.status_code == 404
    assert resp.json()["status"] == "404"
    date = email.utils.parsedate_to_datetime(resp.headers["Date"]).timestamp()
    assert abs(date - simulator.now()) < 5


def test_a_clock_offset_moves_the_date_header_and_the_times_of_changes(make_simulator):
    sim = make_simulator(clock_offset=-86_400)
    resp = call(sim, "no/such/thing")
    date = email.utils.parsedate_to_datetime(resp.headers["Date"]).timestamp()
    assert abs(date - (time.time() - 86_400)) < 60
    changed = sim.update("companies", next(iter(sim.ids("companies"))), name="x")
    assert abs(int(changed["updated_time"]) - (time.time() - 86_400)) < 60

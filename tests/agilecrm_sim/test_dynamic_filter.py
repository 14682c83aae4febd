"""The dynamic filter: rules on updated/created time in milliseconds, or_rules, tags."""

from __future__ import annotations

import json

import pytest

from tests.agilecrm_sim.helpers import call, ids_of

DAY = 86_400


def changed_filter(since_s: int, contact_type: str = "PERSON") -> str:
    """The doc's or_rules shape: updated after OR created after, in milliseconds."""
    rules = [{"LHS": f, "CONDITION": "AFTER", "RHS": since_s * 1000}
             for f in ("updated_time", "created_time")]  # fmt: skip
    return json.dumps({"rules": [], "or_rules": rules, "contact_type": contact_type})


def read_filter(sim, filter_json: str, size: int = 6, sort: str = "-created_time") -> list[int]:
    pages, cursor = [], None
    while True:
        form = {"page_size": size, "global_sort_key": sort, "filterJson": filter_json}
        if cursor:
            form["cursor"] = cursor
        resp = call(sim, "filters/filter/dynamic-filter", data=form)
        if resp.status_code == 204:
            break
        assert resp.status_code == 200, resp.text
        pages.append(resp.json())
        cursor = pages[-1][-1].get("cursor")
        if not cursor:
            break
    ids = ids_of(pages)
    assert len(ids) == len(set(ids)), "a record came twice"
    return ids


@pytest.mark.parametrize("stream", ["contacts", "companies", "deals"])
def test_returns_exactly_the_records_changed_since_a_time(agile, stream):
    kind = {"contacts": "PERSON", "companies": "COMPANY", "deals": "OPPORTUNITY"}[stream]
    records = list(agile.records(stream))
    # A mark between a record's creation and its update: it must be found by its update.
    updated = [r for r in records if r["updated_time"]]
    late = updated[len(updated) // 2]
    since = (int(late["created_time"]) + late["updated_time"]) // 2
    expected = agile.changed_since(stream, since)
    assert int(late["id"]) in expected
    assert 0 < len(expected) < len(records)
    assert set(read_filter(agile, changed_filter(since, kind))) == expected


def test_changes_made_after_the_mark_are_found_and_deletions_dropped(agile):
    records = list(agile.records("contacts"))
    agile.advance(DAY)
    mark = int(agile.now())
    agile.advance(60)
    oldest = min(records, key=lambda r: int(r["created_time"]))
    agile.update("contacts", oldest["id"], lead_score=99)
    created = agile.create("contacts", 3)
    victim = created[0]["id"]
    agile.delete("contacts", victim)
    got = set(read_filter(agile, changed_filter(mark)))
    assert got == {int(oldest["id"]), *(int(r["id"]) for r in created[1:])}
    assert got == agile.changed_since("contacts", mark)


def test_updated_time_rules_skip_never_updated_records(agile):
    only_updated = json.dumps({"rules": [{"LHS": "updated_time", "CONDITION": "AFTER",
                                          "RHS": 1000}], "or_rules": []})  # fmt: skip
    got = set(read_filter(agile, only_updated))
    truth = {int(r["id"]) for r in agile.records("contacts") if r["updated_time"]}
    assert got == truth
    assert got != agile.ids("contacts")


def test_between_on_last_and_tags(agile):
    records = list(agile.records("contacts"))
    created = sorted(int(r["created_time"]) for r in records)
    lo, hi = created[10] * 1000, created[20] * 1000
    between = json.dumps({"rules": [], "or_rules": [
        {"LHS": "created_time", "CONDITION": "BETWEEN", "RHS": lo, "RHS_NEW": hi}]})  # fmt: skip
    got = read_filter(agile, between, sort="created_time")
    assert len(got) == 11
    on_day = created[15] - created[15] % DAY
    on = json.dumps({"rules": [{"LHS": "created_time", "CONDITION": "ON", "RHS": on_day * 1000}]})
    assert set(read_filter(agile, on)) == {
        int(r["id"]) for r in records if on_day <= int(r["created_time"]) < on_day + DAY
    }
    agile.update("contacts", records[0]["id"], tags=["fresh"])
    last = json.dumps({"rules": [{"LHS": "updated_time", "CONDITION": "LAST", "RHS": "1"}]})
    assert read_filter(agile, last) == [int(records[0]["id"])]
    vip = json.dumps({"rules": [{"LHS": "tags", "CONDITION": "EQUALS", "RHS": "VIP"}]})
    assert set(read_filter(agile, vip)) == {int(r["id"]) for r in agile.records("contacts")
                                            if "VIP" in r["tags"]}  # fmt: skip


def test_bad_filters_are_refused_with_a_clear_message(agile):
    url = "filters/filter/dynamic-filter"
    bad_json = call(agile, url, data={"filterJson": "{not json"})
    assert bad_json.status_code == 400
    assert "filterJson" in bad_json.json()["error"]
    bad_cond = json.dumps({"rules": [{"LHS": "updated_time", "CONDITION": "SOON", "RHS": 1}]})
    assert call(agile, url, data={"filterJson": bad_cond}).status_code == 400
    seconds = json.dumps({"rules": [{"LHS": "updated_time", "CONDITION": "AFTER", "RHS": "x"}]})
    assert "milliseconds" in call(agile, url, data={"filterJson": seconds}).json()["error"]
    bad_type = json.dumps({"rules": [], "contact_type": "TICKET"})
    assert call(agile, url, data={"filterJson": bad_type}).status_code == 400

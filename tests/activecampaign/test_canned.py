"""The tap against canned answers: paging by id, typed custom fields, incremental filters,
resuming, the 403 policy, Retry-After and the URL setting."""

from __future__ import annotations

import logging

import pytest
import requests
from singer_sdk.exceptions import FatalAPIError

from crm_core.errors import AuthenticationError, UnreachableHostError
from crm_core.isolation import raise_if_failed
from tap_activecampaign.streams import DealsStream
from tests.activecampaign.canned import TOKEN, URL, Canned, at, sync


def _contacts(*ids, udate=2):
    return [
        {"id": str(i), "email": f"c{i}@example.com", "cdate": at(1), "udate": at(udate)}
        for i in ids
    ]


def _account():
    return Canned(
        tables={
            "contacts": _contacts(1, 2, 5, 9, 12),
            "fields": [
                {"id": "1", "title": "Birthday", "type": "date"},
                {"id": "2", "title": "Colors", "type": "multiselect"},
                {"id": "3", "title": "Plan", "type": "dropdown"},
                {"id": "4", "title": "Last Visit", "type": "datetime"},
            ],
            "fieldValues": [
                {"id": "10", "contact": "2", "field": "1", "value": "2000-02-03",
                 "cdate": at(1), "udate": at(1)},
                {"id": "11", "contact": "2", "field": "2", "value": "||red||blue||",
                 "cdate": at(1), "udate": at(1)},
                {"id": "12", "contact": "5", "field": "3", "value": "||Gold||",
                 "cdate": at(1), "udate": at(1)},
                {"id": "13", "contact": "5", "field": "4", "value": "2025-01-03T08:30:00-06:00",
                 "cdate": at(1), "udate": at(1)},
            ],
            "deals": [
                {"id": "7", "title": "Big", "value": "123456", "cdate": at(1), "mdate": at(2)},
                {"id": "8", "title": "Small", "value": "99", "cdate": at(1), "mdate": at(2)},
            ],
            "dealCustomFieldMeta": [
                {"id": "1", "fieldLabel": "Budget", "fieldType": "currency"},
                {"id": "2", "fieldLabel": "Seats", "fieldType": "number"},
            ],
            "dealCustomFieldData": [
                {"id": "1", "dealId": "7", "customFieldId": "1", "fieldValue": 9999,
                 "fieldCurrency": "usd"},
                {"id": "2", "dealId": "7", "customFieldId": "2", "fieldValue": "12.5"},
            ],
            "tags": [{"id": str(i), "tag": f"t{i}", "cdate": at(1)} for i in range(1, 6)],
        }
    )  # fmt: skip


def test_first_sync_pages_contacts_by_id_with_typed_custom_fields(monkeypatch):
    canned = _account()
    result = sync(monkeypatch, canned, streams=["contacts"])
    records = {r["id"]: r for r in result.records("contacts")}
    assert sorted(records) == [1, 2, 5, 9, 12]  # exact integers, each once
    pages = canned.requests("/contacts")
    assert all(p["orders[id]"] == "ASC" and "offset" not in p for p in pages)
    assert [int(p["id_greater"]) for p in pages] == [0, 2, 9]
    assert records[2]["cf_birthday"] == "2000-02-03"
    assert records[2]["cf_colors"] == ["red", "blue"]
    assert records[5]["cf_plan"] == "Gold"
    assert records[5]["cf_last_visit"] == "2025-01-03T08:30:00-06:00"
    assert records[1]["cf_colors"] is None
    schema = next(m for m in result.messages if m["type"] == "SCHEMA" and m["stream"] == "contacts")
    props = schema["schema"]["properties"]
    assert props["cf_birthday"]["format"] == "date"
    assert props["cf_last_visit"]["format"] == "date-time"
    assert "array" in props["cf_colors"]["type"]
    assert props["id"]["type"][0] == "integer"
    assert "resume" not in result.state["bookmarks"]["contacts"]


def test_a_stopped_first_sync_resumes_after_the_saved_id(monkeypatch):
    canned = _account()
    resume = {"id_greater": 5, "started_at": "2025-01-01T17:00:00+00:00"}
    state = {"bookmarks": {"contacts": {"resume": resume}}}
    result = sync(monkeypatch, canned, streams=["contacts"], state=state)
    assert [r["id"] for r in result.records("contacts")] == [9, 12]
    assert int(canned.requests("/contacts")[0]["id_greater"]) == 5
    # the next incremental run starts from the first sync's start, not this run's
    assert result.state["bookmarks"]["contacts"]["read_until"] == "2025-01-01T17:00:00+00:00"


def test_incremental_run_finds_updated_new_and_field_value_changes(monkeypatch):
    canned = _account()
    first = sync(monkeypatch, canned, streams=["contacts"], lookback_window=60)
    assert first.state["bookmarks"]["contacts"]["read_until"] == "2025-01-03T00:00:00+00:00"
    canned.log.clear()
    canned.tables["contacts"][3]["udate"] = at(5)  # contact 9 updated
    canned.tables["contacts"].append(
        {"id": "14", "email": "n@example.com", "cdate": at(5), "udate": None}
    )  # new, never updated
    canned.tables["fieldValues"][0].update(value="1999-09-09", udate=at(5))  # contact 2's value
    second = sync(monkeypatch, canned, streams=["contacts"], state=first.state,
                  lookback_window=60)  # fmt: skip
    got = {r["id"]: r for r in second.records("contacts")}
    assert set(got) == {2, 9, 14}
    assert got[2]["cf_birthday"] == "1999-09-09"
    # the filters carry an explicit UTC offset and the lookback
    filtered = [p for p in canned.requests("/contacts") if "id_greater" in p]
    assert {p.get("filters[updated_after]") or p.get("filters[created_after]")
            for p in filtered} == {"2025-01-02T23:59:00+00:00"}  # fmt: skip
    assert {k for p in filtered for k in p if k.startswith("filters")} == {
        "filters[updated_after]", "filters[created_after]"}  # fmt: skip
    assert canned.requests("/contacts/2") == [{}]  # the contact whose value changed, read again
    assert len(canned.requests("/contacts")) == 2  # one page per filter


def test_deal_values_and_currency_fields_are_in_units(monkeypatch):
    canned = _account()
    result = sync(monkeypatch, canned, streams=["deals"])
    deals = {r["id"]: r for r in result.records("deals")}
    assert deals[7]["value"] == 1234.56
    assert deals[8]["value"] == 0.99
    assert deals[7]["cf_budget"] == 99.99
    assert deals[7]["cf_seats"] == 12.5
    assert deals[8]["cf_budget"] is None
    assert all(p["orders[cdate]"] == "ASC" for p in canned.requests("/deals"))


def test_a_bad_token_stops_at_once_without_showing_it(monkeypatch, caplog):
    canned = _account()
    with pytest.raises(AuthenticationError) as caught:
        sync(monkeypatch, canned, streams=["contacts"], api_token="wrong-token-value")  # noqa: S106
    assert "api_token" in str(caught.value)
    assert len(canned.log) == 1  # no retry, no other request
    assert "wrong-token-value" not in caplog.text + str(caught.value)


def test_other_403s_are_retried_a_few_times(monkeypatch):
    canned = _account()
    for _ in range(2):
        canned.fail("/tags", 403, '{"message": "Forbidden"}')
    result = sync(monkeypatch, canned, streams=["tags"])
    assert len(result.records("tags")) == 5
    assert len(canned.requests("/tags")) == 2 + 3


def test_a_403_that_keeps_coming_fails_that_stream_only(monkeypatch):
    canned = _account()
    for _ in range(4):
        canned.fail("/tags", 403, '{"message": "Forbidden"}')
    result = sync(monkeypatch, canned, streams=["tags", "deals"])
    assert {r["id"] for r in result.records("deals")} == {7, 8}
    assert result.records("tags") == []
    assert len(canned.requests("/tags")) == 4  # the first try and 3 retries
    assert "kept answering 403" in result.tap.run_control.failures["tags"]
    with pytest.raises(FatalAPIError, match="tags"):
        raise_if_failed(result.tap)


def test_429_waits_as_retry_after_says(monkeypatch, caplog):
    canned = _account()
    canned.fail("/tags", 429, "", {"Retry-After": "0.01"})
    with caplog.at_level(logging.WARNING):
        result = sync(monkeypatch, canned, streams=["tags"])
    assert len(result.records("tags")) == 5
    assert "in 0.01 s" in caplog.text


def test_an_api_url_copied_with_api_3_is_accepted_with_one_line(monkeypatch, caplog):
    canned = _account()
    with caplog.at_level(logging.WARNING):
        result = sync(monkeypatch, canned, streams=["tags"], api_url=URL + "/api/3/")
    assert len(result.records("tags")) == 5
    assert caplog.text.count("ends with /api/3") == 1
    assert TOKEN not in caplog.text


def test_a_stopped_first_sync_of_deals_keeps_when_it_started(monkeypatch):
    canned = _account()
    canned.tables["deals"].append({"id": "9", "title": "New", "value": "1", "cdate": at(1)})
    monkeypatch.setattr(DealsStream, "STATE_MSG_FREQUENCY", 1)  # a STATE after every record
    resume = {"offset": 1, "started_at": "2025-01-01T17:00:00+00:00"}
    state = {"bookmarks": {"deals": {"resume": resume}}}
    result = sync(monkeypatch, canned, streams=["deals"], state=state, page_size=1)
    assert [r["id"] for r in result.records("deals")] == [8, 9]
    assert canned.requests("/deals")[0]["offset"] == "1"
    # changes made since the interrupted run began are read by the next run
    assert result.state["bookmarks"]["deals"]["read_until"] == "2025-01-01T17:00:00+00:00"
    saved = [
        m["value"]["bookmarks"]["deals"]["resume"]
        for m in result.messages
        if m["type"] == "STATE" and "resume" in m["value"]["bookmarks"].get("deals", {})
    ]
    assert {"offset": 2, "started_at": resume["started_at"]} in saved


def test_a_retry_line_names_the_path_requested(monkeypatch, caplog):
    canned = _account()
    canned.fail("/fieldValues", 500, '{"message": "oops"}')
    with caplog.at_level(logging.WARNING):
        result = sync(monkeypatch, canned, streams=["contacts"])
    assert len(result.records("contacts")) == 5
    assert "contacts: retrying GET /fieldValues in" in caplog.text


def test_a_time_that_cannot_be_read_is_kept_raw_and_a_bare_one_is_utc(monkeypatch):
    canned = _account()
    canned.tables["tags"][0].update(cdate="0000-00-00 00:00:00")
    canned.tables["tags"][1].update(cdate="2025-01-02 03:04:05")
    result = sync(monkeypatch, canned, streams=["tags"])
    tags = {r["id"]: r for r in result.records("tags")}
    assert tags[1]["cdate"] is None
    assert tags[1]["extra_fields"] == {"cdate": "0000-00-00 00:00:00"}
    assert tags[2]["cdate"] == "2025-01-02T03:04:05+00:00"


def test_an_unreachable_host_ends_the_run_in_one_line(monkeypatch):
    canned = _account()

    def refuse(request):
        canned.log.append((request.url, {}))
        refused = "connection refused"
        raise requests.exceptions.ConnectionError(refused)

    monkeypatch.setattr(canned, "answer", refuse)
    with pytest.raises(UnreachableHostError, match=r"Cannot reach api_url http://127\.0\.0\.1:9 "):
        sync(monkeypatch, canned, streams=["tags"], max_retries=2)
    assert len(canned.log) == 3  # the first attempt and 2 retries, then nothing else

"""Faults, quota and the request log of the Agile CRM simulator."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from tests.agilecrm_sim.helpers import EMAIL, KEY, call


def test_each_fault_kind_answers_as_configured(agile):
    kinds = ["429", "429_retry_after", "500", "502", "503", "error_200", "html", "xml",
             "truncated", "invalid_cursor", "slow"]  # fmt: skip
    agile.set_faults([{"kind": k, "nth": [n + 1], "delay_ms": 1} for n, k in enumerate(kinds)])
    got = [call(agile, "contacts", {"page_size": 3}) for _ in kinds]
    status = dict(zip(kinds, (r.status_code for r in got), strict=True))
    assert status == {"429": 429, "429_retry_after": 429, "500": 500, "502": 502, "503": 503,
                      "error_200": 200, "html": 502, "xml": 200, "truncated": 200,
                      "invalid_cursor": 500, "slow": 200}  # fmt: skip
    by_kind = dict(zip(kinds, got, strict=True))
    assert by_kind["429_retry_after"].headers["Retry-After"] == "1"
    assert "try again later" in by_kind["500"].json()["error"]  # a page too large timed out
    assert by_kind["html"].text.startswith("<!DOCTYPE html>")
    assert by_kind["xml"].text.startswith("<?xml")
    with pytest.raises(json.JSONDecodeError):
        json.loads(by_kind["truncated"].text)
    assert len(by_kind["slow"].json()) == 3
    assert [e["fault"] for e in agile.requests()] == kinds


def test_timeout_holds_the_request_past_the_client_deadline(make_agile):
    sim = make_agile(faults=[{"kind": "timeout", "nth": [1]}], timeout_s=60)
    with pytest.raises(requests.exceptions.ReadTimeout):
        call(sim, "contacts", timeout=0.5)
    assert call(sim, "contacts").status_code == 200


def test_daily_quota_and_a_new_day(make_agile):
    sim = make_agile(quota=3)
    assert [call(sim, "contacts").status_code for _ in range(5)] == [200, 200, 200, 403, 403]
    assert "limit" in call(sim, "contacts").json()["error"]
    sim.new_day()
    assert call(sim, "contacts").status_code == 200
    sim.set_faults([{"kind": "quota", "nth": [1]}])
    assert call(sim, "contacts").status_code == 403
    sim.clear_faults()
    assert call(sim, "contacts").status_code == 403  # a reached quota stays until the next day


def test_request_log_never_holds_the_key_or_the_email(agile):
    token = base64.b64encode(f"{EMAIL}:{KEY}".encode()).decode()
    call(agile, "contacts", {"page_size": 2})
    call(agile, "contacts", auth=(EMAIL, "wrong"))
    call(agile, f"contacts/search/email/{EMAIL}", {"key": KEY, "token": token})
    call(agile, "filters/filter/dynamic-filter", data={"filterJson": "{}", "user": EMAIL})
    log = agile.requests()
    assert len(log) == 4
    text = json.dumps(log) + json.dumps(
        requests.get(agile.url + "/_sim/requests", timeout=10).json()
    )
    for secret in (KEY, EMAIL, token, EMAIL.replace("@", "%40")):
        assert secret not in text
    assert [e["auth_ok"] for e in log] == [True, False, True, True]
    assert all("authorization" not in e["headers"] for e in log)
    assert log[2]["path"] == "/dev/api/contacts/search/email/***"

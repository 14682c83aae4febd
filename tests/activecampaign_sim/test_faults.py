"""The per-second limit, intermittent 403s, other faults and the request log."""

from __future__ import annotations

import json

import requests

from tests.activecampaign_sim.helpers import TOKEN, call


def test_the_request_over_the_limit_in_a_window_gets_429_with_retry_after(make_ac):
    # A wide window makes the test independent of the machine's speed.
    sim = make_ac(rate_limit=5, rate_window_s=600)
    codes = [call(sim, "contacts").status_code for _ in range(7)]
    assert codes == [200] * 5 + [429, 429]
    last = call(sim, "tags")
    assert last.status_code == 429
    assert last.headers["Retry-After"] == "600"
    assert last.json() == {"message": "Too Many Requests"}
    sim.reset_rate_window()
    assert call(sim, "contacts").status_code == 200


def test_the_limit_is_per_account_whatever_the_token(make_ac):
    sim = make_ac(rate_limit=2, rate_window_s=600)
    assert call(sim, "contacts").status_code == 200
    assert call(sim, "contacts", token="other").status_code == 403  # noqa: S106 - not counted
    assert call(sim, "deals").status_code == 200
    assert call(sim, "users").status_code == 429


def test_intermittent_403s_are_not_the_auth_body(make_ac):
    other = {"kind": "403", "nth": [4], "body": {"message": "Access denied"}}
    sim = make_ac(faults=[{"kind": "403", "nth": [2]}, other])
    got = [call(sim, "contacts") for _ in range(5)]
    assert [r.status_code for r in got] == [200, 403, 200, 403, 200]
    assert got[1].json() == {"message": "Forbidden"}
    assert got[3].json() == {"message": "Access denied"}
    assert [e["fault"] for e in sim.requests()] == [None, "403", None, "403", None]


def test_other_faults(make_ac):
    kinds = ["429_retry_after", "500", "502", "html", "truncated"]
    sim = make_ac(faults=[{"kind": k, "nth": [n + 1]} for n, k in enumerate(kinds)])
    got = dict(zip(kinds, (call(sim, "contacts") for _ in kinds), strict=True))
    assert got["429_retry_after"].status_code == 429
    assert got["429_retry_after"].headers["Retry-After"] == "1"
    assert got["500"].json()["message"]
    assert got["html"].text.startswith("<!DOCTYPE html>")
    assert got["truncated"].status_code == 200
    try:
        json.loads(got["truncated"].text)
    except json.JSONDecodeError:
        pass
    else:
        raise AssertionError


def test_request_log_never_holds_the_token(ac):
    call(ac, "contacts", {"limit": 2})
    call(ac, "contacts", {"api_key": TOKEN})
    call(ac, "contacts", token="wrong")  # noqa: S106
    log = ac.requests()
    text = json.dumps(log) + requests.get(ac.url + "/_sim/requests", timeout=10).text
    assert TOKEN not in text
    assert [e["auth_ok"] for e in log] == [True, True, False]
    assert all("api-token" not in e["headers"] for e in log)


def test_control_routes_truth_and_mutations(ac):
    truth = requests.get(ac.url + "/_sim/truth", timeout=10).json()
    assert truth["contacts"] == {"path": "contacts", "count": 40}
    ids = requests.get(ac.url + "/_sim/truth/field_values/ids", timeout=10).json()
    assert set(ids) == ac.ids("field_values")
    cid = min(ac.ids("contacts"))
    ops = [{"op": "update", "stream": "contacts", "id": cid, "fields": {"firstName": "Q"}},
           {"op": "set_field_value", "contact": cid, "field": 1, "value": "Red"},
           {"op": "insert_low", "stream": "contacts", "n": 1},
           {"op": "delete", "stream": "deals", "id": min(ac.ids("deals"))}]  # fmt: skip
    resp = requests.post(ac.url + "/_sim/mutate", json=ops, timeout=10)
    assert resp.status_code == 200, resp.text
    assert ac.count("contacts") == 41
    assert ac.count("deals") == 17
    assert call(ac, f"contacts/{cid}").json()["contact"]["firstName"] == "Q"


def test_busiest_window_counts_what_a_client_sent(make_ac):
    sim = make_ac(rate_limit=3, rate_window_s=600)
    for _ in range(4):
        call(sim, "tags")
    sim.advance(10_000)
    call(sim, "users")
    assert sim.busiest_window(1_000) == 4
    assert sim.busiest_window(1_000, rejected=False) == 3
    assert sim.busiest_window(100_000) == 5

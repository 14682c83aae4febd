"""Each fault kind does what it says, at the rate or on the requests it is told to."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.simulator.helpers import call


def _statuses(sim, n, path="subscribers"):
    return [call(sim, path, {"page_size": 2}).status_code for _ in range(n)]


@pytest.mark.parametrize(("kind", "status"), [
    ("429", 429), ("429_retry_after", 429), ("500", 500), ("502", 502), ("503", 503),
    ("invalid_cursor", 500),
])  # fmt: skip
def test_status_faults_rate_one(simulator, kind, status):
    simulator.set_faults([{"kind": kind, "rate": 1.0}])
    resp = call(simulator, "subscribers", {})
    assert resp.status_code == status
    assert ("Retry-After" in resp.headers) == (kind == "429_retry_after")
    if kind == "429_retry_after":
        assert resp.headers["Retry-After"] == "1"
    assert _statuses(simulator, 5) == [status] * 5
    assert [e["fault"] for e in simulator.requests()] == [kind] * 6


def test_nth_only_those(simulator):
    simulator.set_faults([{"kind": "503", "nth": [2, 4]}])
    assert _statuses(simulator, 6) == [200, 503, 200, 503, 200, 200]


def test_path_filter_and_times_cap(simulator):
    simulator.set_faults([{"kind": "500", "rate": 1.0, "path": "companies", "times": 2}])
    assert _statuses(simulator, 3) == [200] * 3
    assert _statuses(simulator, 4, "companies") == [500, 500, 200, 200]


def test_rate_is_deterministic_and_roughly_right(make_simulator):
    runs = []
    for _ in range(2):
        sim = make_simulator(faults=[{"kind": "429", "rate": 0.3}])
        runs.append(_statuses(sim, 60))
    assert runs[0] == runs[1]
    assert 8 <= runs[0].count(429) <= 30


def test_truncated_body(simulator):
    full = call(simulator, "subscribers", {"page_size": 5}).content
    simulator.set_faults([{"kind": "truncated", "rate": 1.0}])
    resp = call(simulator, "subscribers", {"page_size": 5})
    assert resp.status_code == 200
    assert resp.content == full[: len(full) // 2]
    with pytest.raises(requests.JSONDecodeError):
        resp.json()


def test_error_200_html_xml(simulator):
    simulator.set_faults([{"kind": "error_200", "rate": 1.0}])
    resp = call(simulator, "subscribers", {})
    assert (resp.status_code, resp.json()) == (
        200,
        {"status": "error", "message": "Something went wrong", "error": "Internal error"},
    )
    simulator.set_faults([{"kind": "html", "rate": 1.0}])
    resp = call(simulator, "subscribers", {})
    assert resp.status_code == 502
    assert resp.headers["Content-Type"].startswith("text/html")
    simulator.set_faults([{"kind": "html", "rate": 1.0, "status": 200}])
    assert call(simulator, "subscribers", {}).status_code == 200
    simulator.set_faults([{"kind": "xml", "rate": 1.0}])
    resp = call(simulator, "subscribers", {})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/xml")
    assert resp.content.startswith(b"<?xml")


def test_slow_and_latency(simulator):
    simulator.set_faults([{"kind": "slow", "nth": [1], "delay_ms": 300}])
    started = time.monotonic()
    assert call(simulator, "subscribers", {}).status_code == 200
    assert time.monotonic() - started >= 0.3
    simulator.clear_faults()
    simulator.set_latency((50, 60))
    started = time.monotonic()
    call(simulator, "subscribers", {})
    assert time.monotonic() - started >= 0.05
    assert 50 <= simulator.requests()[-1]["latency_ms"] <= 60


def test_timeout_drops_the_request(simulator):
    simulator.set_faults([{"kind": "timeout", "nth": [1]}], timeout_s=1.0)
    with pytest.raises((requests.ReadTimeout, requests.ConnectionError)):
        call(simulator, "subscribers", {}, timeout=0.3)
    assert call(simulator, "subscribers", {}).status_code == 200
    assert simulator.requests()[0]["fault"] == "timeout"


def test_quota_fault_persists(simulator):
    simulator.set_faults([{"kind": "quota", "nth": [2]}])
    statuses = _statuses(simulator, 2)
    simulator.clear_faults()
    statuses += _statuses(simulator, 3, "companies")
    assert statuses == [200, 429, 429, 429, 429]
    resp = call(simulator, "tracks")
    assert resp.json() == {"error": "API call limit reached", "status": "429"}


def test_quota_config(make_simulator):
    sim = make_simulator(quota=3)
    assert _statuses(sim, 5) == [200, 200, 200, 429, 429]


def test_a_new_day_resets_the_quota(make_simulator):
    sim = make_simulator(quota=2)
    assert _statuses(sim, 3) == [200, 200, 429]
    sim.new_day()
    assert _statuses(sim, 3) == [200, 200, 429]
    sim.set_faults([{"kind": "quota", "nth": [1]}])
    sim.new_day()
    sim.clear_faults()
    assert _statuses(sim, 1) == [200]


def test_unknown_kind_rejected(simulator):
    with pytest.raises(ValueError, match="unknown fault kind"):
        simulator.set_faults([{"kind": "explode", "rate": 1.0}])


def test_requests_in_flight_are_counted(simulator):
    simulator.set_latency(150)
    for _ in range(3):
        assert call(simulator, "tags").status_code == 200
    assert simulator.peak_in_flight == 1  # one after another, even on new connections
    simulator.hold_until_overlap(4)  # each is held until all four are in (no timing assumed)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: call(simulator, "tags"), range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    assert simulator.peak_in_flight == 4
    simulator.clear_requests()
    assert simulator.peak_in_flight == 0
    assert requests.get(f"{simulator.url}/_sim/in-flight", timeout=10).json() == {"peak": 0}

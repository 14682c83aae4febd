"""Each class of error: the exit code, the message, and whether the tap retried."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.e2e.pipeline import catalog_selecting, run_pipeline, table_ids

TAP = str(Path(sys.executable).parent / "tap-engagebay")
SMALL = {
    "seed": 3,
    "contacts": 30,
    "companies": 5,
    "tracks": 2,
    "deals_per_track": 5,
    "tasks": 5,
    "tickets": 5,
    "products": 5,
    "events": 5,
}
ONLY_CONTACTS = {"stream_maps": {"__else__": None}}


@pytest.fixture
def sim():
    with Simulator(SimConfig(**SMALL)) as simulator:
        yield simulator


def run_tap(tmp_path, sim, *, key=None, extra=None, timeout=120):
    config = {
        "api_key": key or sim.config.api_key,
        "api_url": sim.url,
        "retry_wait_base": 0.01,
        "max_retries": 3,
        **(extra or {}),
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return subprocess.run(
        [TAP, "--config", str(path)], capture_output=True, text=True, timeout=timeout, check=False
    )


def api_requests(sim):
    return [r for r in sim.requests() if r["path"].startswith("/dev/api/panel")]


def test_a_wrong_key_stops_at_once_with_a_clear_message(tmp_path, sim):
    result = run_tap(tmp_path, sim, key="wrong-key-123456")
    assert result.returncode == 1
    assert "refused the API key" in result.stderr
    assert "Pro" in result.stderr
    assert "wrong-key-123456" not in result.stderr + result.stdout
    # No retry, and nothing asked after the refusal: only the first requests, sent together
    # (at most max_concurrent_requests, default 4), each once.
    paths = [r["path"] for r in api_requests(sim)]
    assert 1 <= len(paths) <= 4
    assert len(set(paths)) == len(paths)


@pytest.mark.parametrize(
    "kind",
    ["500", "502", "503", "429", "429_retry_after", "truncated", "error_200", "html", "timeout"],
)
def test_transient_faults_are_retried_and_nothing_is_lost(tmp_path, sim, kind):
    sim.set_faults([{"kind": kind, "nth": [2, 3], "timeout_s": 2}])
    extra = {"request_timeout": 1} if kind == "timeout" else {}
    run = run_pipeline(
        tmp_path, sim.url, api_key=sim.config.api_key, tap_config={**extra, "max_retries": 3}
    )
    assert run.tap_rc == 0, run.tap_stderr[-2000:]
    assert run.target_rc == 0, run.target_stderr[-2000:]
    # The tap retried each of the two failed answers once, saying why.
    assert run.tap_stderr.count("Retrying") == 2, run.tap_stderr[-2000:]
    rows, ids = table_ids(run.database, "contacts")
    assert rows == len(ids) == sim.count("contacts")


@pytest.mark.parametrize("in_flight", [1, 4])
def test_retries_give_up_with_the_endpoint_in_the_message(tmp_path, sim, in_flight):
    sim.set_faults([{"kind": "503", "rate": 1.0}])
    extra = {"max_retries": 2, "max_concurrent_requests": in_flight}
    result = run_tap(tmp_path, sim, extra=extra)
    assert result.returncode == 1
    # Each request: one try and two retries at most (a request of a stream that already
    # failed is not sent); a shared lookup is asked once for all the streams that need it.
    tries = Counter(
        (r["path"], json.dumps([r["query"], r["form"]], sort_keys=True)) for r in api_requests(sim)
    )
    assert set(tries.values()) <= {1, 2, 3}
    assert 3 in tries.values()
    # Then each stream fails alone, its line naming the endpoint that failed.
    lines = [line for line in result.stderr.splitlines() if line.startswith("tap-engagebay: ")]
    streams = [line for line in lines if line.startswith("tap-engagebay: stream ")]
    assert len(streams) == 13  # notes and call_logs are on the contacts' line
    assert all("answered 503 on all " in line for line in streams)
    assert all("attempts (its retries are used up)" in line for line in streams)
    assert any("GET /forms answered" in line for line in streams)
    assert lines[-1].startswith("tap-engagebay: 15 of 15 selected streams failed; the other 0")


def test_xml_instead_of_json_is_reported_not_parsed(tmp_path, sim):
    sim.set_faults([{"kind": "xml", "rate": 1.0}])
    result = run_tap(tmp_path, sim, extra={"max_retries": 1})
    assert result.returncode != 0
    assert "XML instead of JSON" in result.stderr
    assert '"type":"RECORD"' not in result.stdout.replace(" ", "")


def test_an_exhausted_quota_stops_cleanly_with_state_saved(tmp_path, sim):
    # Requests 1-4 read the custom field definitions; then contacts come 10 a page, and each
    # page's notes and call logs: the quota runs out after the first page was handled.
    sim.set_faults([{"kind": "quota", "nth": [30]}])
    run = run_pipeline(
        tmp_path,
        sim.url,
        api_key=sim.config.api_key,
        tap_config={"page_size": 10, "max_concurrent_requests": 1},
    )
    assert run.tap_rc == 75
    assert "daily API call limit" in run.tap_stderr
    assert "Traceback" not in run.tap_stderr
    assert run.target_rc == 0
    # The loader confirmed a state that resumes the contacts after what landed.
    contacts_state = run.state["bookmarks"]["contacts"]
    assert contacts_state["resume"]["cursor"]
    rows, ids = table_ids(run.database, "contacts")
    assert 0 < rows == len(ids) < sim.count("contacts")
    quota_requests = [r for r in sim.requests() if r.get("fault") == "quota"]
    assert len(quota_requests) == 1  # a quota answer is not retried


def test_a_saved_cursor_the_api_refuses_restarts_the_list(tmp_path, sim):
    state = {"bookmarks": {"contacts": {"resume": {"cursor": "forged-cursor", "started_at": 1}}}}
    catalog = catalog_selecting(sim.url, sim.config.api_key, {"contacts"})
    run = run_pipeline(
        tmp_path,
        sim.url,
        api_key=sim.config.api_key,
        state=state,
        catalog=catalog,
        tap_config={"max_retries": 1},
    )
    assert run.tap_rc == 0, run.tap_stderr[-2000:]
    assert "saved cursor was refused" in run.tap_stderr
    refused = [r for r in sim.requests("subscribers") if r["status"] == 500]
    assert len(refused) == 1  # an invalid cursor is not retried: a fresh start at once
    rows, ids = table_ids(run.database, "contacts")
    assert rows == len(ids) == sim.count("contacts")
    assert "resume" not in run.state["bookmarks"]["contacts"]

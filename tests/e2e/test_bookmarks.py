"""Bookmarks against a server whose clock is not ours: the lookback, the cap at the server's
``Date``, and the waits a ``Retry-After`` asks for (read from the tap's own log line).

The tap runs alone; its Singer messages are read from its output.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.e2e.pipeline import catalog_selecting

TAP = str(Path(sys.executable).parent / "tap-engagebay")
ACCOUNT = {
    "seed": 5,
    "contacts": 3,
    "companies": 15,
    "tracks": 2,
    "deals_per_track": 2,
    "tasks": 2,
    "tickets": 2,
    "products": 2,
    "events": 2,
}
DAY = 86_400


def run_tap(tmp_path, sim, catalog, *, state=None, **settings):
    config = {
        "api_key": sim.config.api_key,
        "api_url": sim.url,
        "page_size": 5,
        "max_concurrent_requests": 1,
        "retry_wait_base_ms": 10,
        **settings,
    }
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    args = [TAP, "--config", str(tmp_path / "config.json")]
    args += ["--catalog", str(tmp_path / "catalog.json")]
    if state is not None:
        (tmp_path / "state.json").write_text(json.dumps(state))
        args += ["--state", str(tmp_path / "state.json")]
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    messages = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return messages, result.stderr


def records(messages, stream):
    return {
        int(m["record"]["id"]): m["record"]
        for m in messages
        if m["type"] == "RECORD" and m["stream"] == stream
    }


def final_state(messages):
    return [m["value"] for m in messages if m["type"] == "STATE"][-1]


def epoch(iso):
    return dt.datetime.fromisoformat(iso).timestamp()


@pytest.fixture(scope="module")
def catalog():
    """Only companies selected (every account here has the same fields)."""
    with Simulator(SimConfig(**ACCOUNT)) as sim:
        return catalog_selecting(sim.url, sim.config.api_key, {"companies"})


@pytest.fixture
def make_sim(catalog):
    started = []

    def make(**config):
        sim = Simulator(SimConfig(**{**ACCOUNT, **config})).start()
        started.append(sim)
        return sim, catalog

    yield make
    for sim in started:
        sim.stop()


def test_a_change_dated_just_before_the_bookmark_is_found_thanks_to_the_lookback(
    tmp_path, make_sim
):
    sim, catalog = make_sim()
    first, _ = run_tap(tmp_path, sim, catalog)
    state = final_state(first)
    bookmark = epoch(state["bookmarks"]["companies"]["replication_key_value"])
    oldest = int(next(iter(sim.truth("companies")))["id"])
    # A server whose clocks differ dated the change 100 s before the bookmark.
    late = int(bookmark) - 100
    sim.update("companies", oldest, name="Changed on a slow clock", updated_time=late)
    second, _ = run_tap(tmp_path, sim, catalog, state=state, lookback_window=300)
    assert records(second, "companies")[oldest]["name"] == "Changed on a slow clock"


def test_the_bookmark_stops_at_the_servers_time_when_the_sync_began(tmp_path, make_sim):
    # The server's clock is a day behind ours: only its Date header tells its time.
    sim, catalog = make_sim(clock_offset=-DAY)
    ids = [int(r["id"]) for r in sim.truth("companies")]  # oldest first
    oldest, newest = ids[0], ids[-1]
    seen = {}

    def on_the_second_page(s):
        if len(s.requests("companies")) < 2:
            s.after_requests(1, on_the_second_page)
            return
        seen["second page"] = s.now()
        s.advance(60)  # the oldest changes after its page was read: this run misses it
        s.update("companies", oldest, name="Changed mid-run")
        s.advance(60)  # the newest changes before its page is read: this run reads it
        s.update("companies", newest, name="Newest changed mid-run")

    began = sim.now()
    sim.after_requests(1, on_the_second_page)
    first, _ = run_tap(tmp_path, sim, catalog, lookback_window=0)
    got = records(first, "companies")
    assert got[oldest]["name"] != "Changed mid-run"
    assert got[newest]["name"] == "Newest changed mid-run"
    state = final_state(first)
    bookmark = epoch(state["bookmarks"]["companies"]["replication_key_value"])
    assert int(began) <= bookmark <= seen["second page"]
    second, _ = run_tap(tmp_path, sim, catalog, state=state, lookback_window=0)
    assert records(second, "companies")[oldest]["name"] == "Changed mid-run"


def test_a_429_with_retry_after_makes_the_tap_wait_that_long(tmp_path, make_sim):
    sim, catalog = make_sim()
    sim.set_faults([{"kind": "429_retry_after", "nth": [2], "path": "companies"}])
    _, stderr = run_tap(tmp_path, sim, catalog, retry_wait_max=30)
    waits = [float(w) for w in re.findall(r"Retrying POST /companies in ([\d.]+) s", stderr)]
    retry_after = 1  # the simulator's Retry-After
    assert len(waits) == 1, stderr[-2000:]
    assert retry_after <= waits[0] < retry_after + 1  # plus at most 1 s of jitter


def test_an_incremental_bookmark_stops_at_the_servers_time_when_the_sync_began(tmp_path, make_sim):
    sim, catalog = make_sim(clock_offset=-DAY)
    oldest = int(next(iter(sim.truth("companies")))["id"])
    first, _ = run_tap(tmp_path, sim, catalog, lookback_window=0)
    seen = {}

    def on_the_first_page(s):
        if not s.requests("companies"):
            s.after_requests(1, on_the_first_page)
            return
        seen["first page"] = s.now()
        s.advance(60)  # changed once the changes pass has read its page: this run misses it
        s.update("companies", oldest, name="Changed mid-run")
        s.advance(60)  # created before the new records pass reads its page: this run reads it
        seen["created"] = int(s.create("companies", name="Created mid-run")[0]["id"])

    sim.clear_requests()
    sim.after_requests(1, on_the_first_page)
    second, _ = run_tap(tmp_path, sim, catalog, state=final_state(first), lookback_window=0)
    got = records(second, "companies")
    assert got[seen["created"]]["name"] == "Created mid-run"
    assert oldest not in got
    state = final_state(second)
    bookmark = epoch(state["bookmarks"]["companies"]["replication_key_value"])
    assert bookmark <= seen["first page"]
    third, _ = run_tap(tmp_path, sim, catalog, state=state, lookback_window=0)
    assert records(third, "companies")[oldest]["name"] == "Changed mid-run"

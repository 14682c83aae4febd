"""Random faults lose nothing; the key never shows, whatever the log level."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.e2e.pipeline import STREAMS_WITH_IDS, run_pipeline, table_ids

TAP = str(Path(sys.executable).parent / "tap-engagebay")
KEY = "sk-live-7f3a9c1e5b2d4f60"
ACCOUNT = {
    "seed": 21,
    "api_key": KEY,
    "contacts": 150,
    "companies": 40,
    "tracks": 3,
    "deals_per_track": 25,
    "tasks": 40,
    "tickets": 30,
    "products": 10,
    "events": 40,
}
# About 15% of requests fail, in every way the API is known to fail.
RANDOM_FAULTS = [
    {"kind": kind, "rate": 0.02}
    for kind in ("500", "502", "503", "429", "truncated", "error_200", "html")
] + [{"kind": "429_retry_after", "rate": 0.005}, {"kind": "timeout", "rate": 0.005}]


@pytest.fixture
def sim():
    with Simulator(SimConfig(**ACCOUNT)) as simulator:
        yield simulator


def test_random_faults_in_one_request_in_seven_lose_nothing(tmp_path, sim):
    sim.set_faults(RANDOM_FAULTS, timeout_s=1.5)
    run = run_pipeline(
        tmp_path, sim.url, api_key=KEY, tap_config={"request_timeout": 1, "max_retries": 8}
    )
    assert run.tap_rc == 0, run.tap_stderr[-3000:]
    assert run.target_rc == 0, run.target_stderr[-3000:]
    # The tap met the faults and retried them (their number is the simulator's business).
    assert run.tap_stderr.count("Retrying") >= 10
    for stream in STREAMS_WITH_IDS:
        rows, ids = table_ids(run.database, stream)
        assert rows == len(ids), stream
        assert ids == sim.ids(stream), stream
    rows, tags = table_ids(run.database, "tags", key="tag")
    assert rows == len(tags) == sim.count("tags")


def run_tap_debug(tmp_path, sim, key, *args):
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "api_key": key,
                "api_url": sim.url,
                "max_retries": 1,
                "retry_wait_base": 0.01,
                "page_size": 7,
            }
        )
    )
    env = {**os.environ, "LOGLEVEL": "DEBUG", "TAP_ENGAGEBAY_LOGLEVEL": "DEBUG"}
    return subprocess.run(
        [TAP, "--config", str(config), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("case", ["wrong key", "pasted key", "faults", "about", "discover"])
def test_the_key_never_appears_in_any_output(tmp_path, sim, case):
    key = KEY
    args: tuple[str, ...] = ()
    if case == "wrong key":
        key = "sk-wrong-0c2b8e4a91d7"
    elif case == "pasted key":
        key = f"{KEY}\n"  # as copied from a file: a header cannot carry the newline
        args = ("--discover",)
    elif case == "faults":
        sim.set_faults(
            [{"kind": k, "nth": [3, 9]} for k in ("500", "error_200")]
            + [{"kind": "503", "rate": 1.0, "path": "products"}]
        )
    elif case == "about":
        args = ("--about", "--format", "json")
    else:
        args = ("--discover",)
    result = run_tap_debug(tmp_path, sim, key, *args)
    output = result.stdout + result.stderr
    assert output  # something was said, at debug level
    if case == "wrong key":
        assert result.returncode == 1
    if case == "pasted key":
        assert result.returncode == 0, result.stderr[-2000:]
    if case == "faults":
        assert result.returncode != 0  # products never answer
        assert "DEBUG" in output
    assert key.strip() not in output
    assert key[:12] not in output

"""A user's mistake: one line naming the setting, file or stream and what to do; no traceback."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from engagebay_sim import SimConfig, Simulator
from tap_engagebay.client import CONNECT_TRIES

TAP = str(Path(sys.executable).parent / "tap-engagebay")


@pytest.fixture(scope="module")
def sim():
    with Simulator(SimConfig(seed=5, contacts=3, companies=1, deals_per_track=1)) as s:
        yield s


def run_tap(tmp_path, config, *args):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return subprocess.run(
        [TAP, "--config", str(path), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def the_line(result, naming):
    """The one stderr line naming the setting, file or stream; no traceback anywhere."""
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if naming in line]
    assert len(lines) == 1, result.stderr[-3000:]
    return lines[0]


def api_requests(sim):
    return [r for r in sim.requests() if r["path"].startswith("/dev/api/panel")]


def test_a_missing_key_names_the_setting_and_how_to_set_it(tmp_path):
    line = the_line(run_tap(tmp_path, {"api_url": "http://127.0.0.1:9"}), "api_key")
    assert "Setting api_key is not set" in line
    assert "TAP_ENGAGEBAY_API_KEY" in line


def test_a_start_date_that_is_not_a_date_is_refused_before_any_request(tmp_path, sim):
    sim.clear_requests()
    config = {"api_key": sim.config.api_key, "api_url": sim.url, "start_date": "yesterday"}
    line = the_line(run_tap(tmp_path, config), "start_date")
    assert "'yesterday' is not a date" in line
    assert "2024-01-31" in line
    assert api_requests(sim) == []


@pytest.mark.parametrize(
    ("state", "says"),
    [
        ("not json", "is not JSON"),
        ('["a list"]', "is not a JSON object"),
        ('{"bookmarks": {"contacts": "x"}}', "the bookmark of stream contacts is not an object"),
        (
            '{"bookmarks": {"tickets": {"replication_key_value": "soon"}}}',
            "the bookmark of stream tickets has a replication_key_value that is not an ISO",
        ),
        (
            '{"bookmarks": {"deals": {"partitions": [{"replication_key_value": [1]}]}}}',
            "the bookmark of stream deals has a replication_key_value that is not an ISO",
        ),
    ],
)
def test_a_state_file_the_tap_cannot_read_is_named(tmp_path, sim, state, says):
    sim.clear_requests()
    state_file = tmp_path / "my-state.json"
    state_file.write_text(state)
    config = {"api_key": sim.config.api_key, "api_url": sim.url}
    line = the_line(run_tap(tmp_path, config, "--state", str(state_file)), "my-state.json")
    assert says in line
    assert api_requests(sim) == []


def test_a_catalog_naming_a_stream_the_tap_lacks_is_refused(tmp_path, sim):
    catalog = tmp_path / "catalog.json"
    stream = {"tap_stream_id": "contact", "stream": "contact", "schema": {}, "metadata": []}
    catalog.write_text(json.dumps({"streams": [stream]}))
    config = {"api_key": sim.config.api_key, "api_url": sim.url}
    line = the_line(run_tap(tmp_path, config, "--catalog", str(catalog)), "'contact'")
    assert "catalog.json" in line
    assert "--discover" in line


def test_an_unreachable_api_url_gives_up_after_a_few_attempts_naming_it(tmp_path):
    # A bound socket that does not listen: every connection to it is refused at once.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"
        # The default retries (8 per request, 900 s) would take many minutes; the fast
        # waits keep the test short: what is measured is the number of attempts.
        config = {"api_key": "key-never-shown-1234", "api_url": url, "retry_wait_base": 0.01}
        result = run_tap(tmp_path, config)
    line = the_line(result, "api_url")
    assert line == (
        f"tap-engagebay: Cannot reach api_url {url} (the connection was refused; "
        f"{CONNECT_TRIES} attempts): check the api_url setting (EngageBay's is "
        "https://app.engagebay.com) and the network"
    )
    assert "key-never-shown-1234" not in result.stderr + result.stdout
    # Each request was tried at most CONNECT_TRIES times (3 retries), not max_retries + 1.
    failed = [int(n) for n in re.findall(r"\(attempt (\d+) failed", result.stderr)]
    assert failed
    assert max(failed) == CONNECT_TRIES - 1
    # The run stopped there: no stream went on to try its own requests.
    assert "stream " not in result.stderr.replace("child stream", "")

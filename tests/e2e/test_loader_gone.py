"""A loader that stops reading ends the tap at once with one line, not a failure per stream."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engagebay_sim import SimConfig, Simulator

TAP = str(Path(sys.executable).parent / "tap-engagebay")
LINE = "tap-engagebay: the loader stopped reading: see its error above"


@pytest.fixture(scope="module")
def sim():
    with Simulator(SimConfig(seed=5, contacts=300, companies=1, deals_per_track=1)) as s:
        yield s


def test_a_closed_pipe_ends_the_tap_with_one_line(tmp_path, sim):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"api_key": sim.config.api_key, "api_url": sim.url}))
    read_end, write_end = os.pipe()
    os.close(read_end)  # the loader is gone before the tap writes its first message
    sim.clear_requests()
    try:
        result = subprocess.run(
            [TAP, "--config", str(config)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Broken pipe" not in result.stderr
    assert "failed" not in result.stderr  # no stream reported as failed, one after another
    assert result.stderr.splitlines()[-1] == LINE
    assert result.stderr.count(LINE) == 1
    # It stopped at once: far fewer requests than a run (300 contacts, their notes and calls).
    api = [r for r in sim.requests() if r["path"].startswith("/dev/api/panel")]
    assert len(api) < 100

"""A run tells a person what it is doing: a few lines per stream, not a few per contact.

The tap runs as a process, as Meltano runs it, against a simulated account. Line counts are
bounded per stream by the run's own duration (at most one progress line per stream per
interval), so a slow machine cannot make them fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from crm_core.progress import DEFAULT_INTERVAL
from tap_engagebay.client import RESUME_NOTE
from tap_engagebay.streams import STREAM_TYPES
from tests.e2e.pipeline import BIN

STREAMS = [stream.name for stream in STREAM_TYPES]
#: Lines a stream writes besides progress: its start, one per deal track, value warnings...
FIXED_LINES_PER_STREAM = 10


def run_tap(tmp_path, sim, **env):
    config = tmp_path / "tap.json"
    config.write_text(json.dumps({"api_key": sim.config.api_key, "api_url": sim.url}))
    environment = {k: v for k, v in os.environ.items() if not k.endswith("LOGLEVEL")}
    environment.pop("SINGER_SDK_LOG_CONFIG", None)
    started = time.monotonic()
    done = subprocess.run(
        [str(BIN / "tap-engagebay"), "--config", str(config)],
        capture_output=True,
        text=True,
        env={**environment, "PYTHONWARNINGS": "ignore", **env},
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done, time.monotonic() - started


def test_a_sync_writes_a_few_lines_per_stream_and_a_summary_each(make_simulator, tmp_path):
    sim = make_simulator(contacts=600)
    done, seconds = run_tap(tmp_path, sim)
    lines = done.stderr.splitlines()
    per_stream = seconds / DEFAULT_INTERVAL + FIXED_LINES_PER_STREAM
    for stream in STREAMS:
        own = [line for line in lines if f"| tap-engagebay.{stream} " in line]
        assert len(own) <= per_stream, (stream, len(own), own[:20])
        summaries = [line for line in own if f"| {stream}: done, " in line]
        assert len(summaries) == 1, (stream, own)
    notes = next(line for line in lines if "| notes: done, " in line)
    assert "for 600 contacts" in notes, notes
    assert len(lines) <= len(STREAMS) * per_stream + 20, len(lines)
    assert not [line for line in lines if "METRIC" in line]
    assert not [line for line in lines if "resumable" in line.lower()]
    notes_in_state = {
        partition["progress_markers"].get("Note")
        for message in map(json.loads, done.stdout.splitlines())
        if message["type"] == "STATE"
        for bookmark in message["value"]["bookmarks"].values()
        for partition in [bookmark, *bookmark.get("partitions", [])]
        if "progress_markers" in partition
    }
    assert notes_in_state == {RESUME_NOTE}  # a state written midway says how the tap resumes


@pytest.mark.parametrize("variable", ["TAP_ENGAGEBAY_LOGLEVEL", "LOGLEVEL"])
def test_debug_keeps_the_sdk_metrics(make_simulator, tmp_path, variable):
    sim = make_simulator(contacts=4, companies=2, tasks=2, tickets=2, deals_per_track=2)
    done, _ = run_tap(tmp_path, sim, **{variable: "DEBUG"})
    metrics = [
        json.loads(line.split("METRIC: ", 1)[1])
        for line in done.stderr.splitlines()
        if "METRIC: " in line
    ]
    kinds = {(point["metric"], point["tags"]["stream"]) for point in metrics}
    assert {("record_count", "notes"), ("http_request_duration", "contacts")} <= kinds
    assert ("sync_duration", "call_logs") in kinds

"""A run tells a person what it is doing: a few lines per stream, not a few per contact.

The tap runs as a process, as Meltano runs it, against a simulated account. Line counts are
bounded per stream by the run's own duration (at most one progress line per stream per
interval), so a slow machine cannot make them fail.
"""

from __future__ import annotations

import time

import pytest

from tap_engagebay.client import RESUME_NOTE
from tap_engagebay.streams import STREAM_TYPES
from tests.e2e.pipeline import SOURCE
from tests.harness.logs import assert_a_few_lines_per_stream, metric_kinds, resume_notes

STREAMS = [stream.name for stream in STREAM_TYPES]
#: Lines a stream writes besides progress: its start, one per deal track, value warnings...
FIXED_LINES_PER_STREAM = 10


def run_tap(tmp_path, sim, **env):
    config = {"api_key": sim.config.api_key, "api_url": sim.url}
    started = time.monotonic()
    done = SOURCE.run_tap(tmp_path, config, env=env, quiet=True)
    assert done.rc == 0, done.stderr[-3000:]
    return done, time.monotonic() - started


def test_a_sync_writes_a_few_lines_per_stream_and_a_summary_each(make_simulator, tmp_path):
    sim = make_simulator(contacts=600)
    done, seconds = run_tap(tmp_path, sim)
    lines = done.stderr.splitlines()
    per_stream = assert_a_few_lines_per_stream(
        done.stderr, "tap-engagebay", STREAMS, seconds, FIXED_LINES_PER_STREAM
    )
    notes = next(line for line in lines if "| notes: done, " in line)
    assert "for 600 contacts" in notes, notes
    assert len(lines) <= len(STREAMS) * per_stream + 20, len(lines)
    assert not [line for line in lines if "METRIC" in line]
    assert not [line for line in lines if "resumable" in line.lower()]
    # A state written midway says how the tap resumes.
    assert resume_notes(done.messages) == {RESUME_NOTE}


@pytest.mark.parametrize("variable", ["TAP_ENGAGEBAY_LOGLEVEL", "LOGLEVEL"])
def test_debug_keeps_the_sdk_metrics(make_simulator, tmp_path, variable):
    sim = make_simulator(contacts=4, companies=2, tasks=2, tickets=2, deals_per_track=2)
    done, _ = run_tap(tmp_path, sim, **{variable: "DEBUG"})
    kinds = metric_kinds(done.stderr)
    assert {("record_count", "notes"), ("http_request_duration", "contacts")} <= kinds
    assert ("sync_duration", "call_logs") in kinds

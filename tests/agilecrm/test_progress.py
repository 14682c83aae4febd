"""A run of tap-agilecrm tells a person what it does: a few lines per stream, not per contact.

The tap runs as a process, as Meltano runs it, against a simulated account. Line counts are
bounded per stream by the run's own duration (at most one progress line per stream per
interval), so a slow machine cannot make them fail.
"""

from __future__ import annotations

import re
import time
import typing as t

import pytest

from tap_agilecrm.streams import STREAM_TYPES, IncrementalList
from tests.agilecrm.pipeline import run_tap, tap_config
from tests.harness.logs import assert_a_few_lines_per_stream, metric_kinds, resume_notes

if t.TYPE_CHECKING:
    from pathlib import Path

STREAMS = [stream.name for stream in STREAM_TYPES]
#: Lines a stream writes besides progress: its start, its bookmark, value warnings...
FIXED_LINES_PER_STREAM = 10
SUMMARY = re.compile(r"\| (\w+): done, .*?(\d+) requests?, (\d+) retr")


def test_a_sync_writes_a_few_lines_per_stream_and_a_summary_each(make_agile, tmp_path: Path):
    sim = make_agile(contacts=150, faults=[{"kind": "500", "nth": [3]}])
    started = time.monotonic()
    done = run_tap(tmp_path, tap_config(sim, page_size=50), quiet=True)
    seconds = time.monotonic() - started
    assert done.rc == 0, done.stderr[-3000:]
    lines = done.stderr.splitlines()
    per_stream = assert_a_few_lines_per_stream(
        done.stderr, "tap-agilecrm", STREAMS, seconds, FIXED_LINES_PER_STREAM
    )
    assert len(lines) <= len(STREAMS) * per_stream + 20, len(lines)
    notes = next(line for line in lines if "| notes: done, " in line)
    assert "for 150 contacts" in notes, notes
    contacts = next(line for line in lines if "| contacts: done, " in line)
    assert "150 records, 4 pages, " in contacts, contacts  # 3 full, 1 empty: the end
    # Every request and the one retry are counted, by the stream that sent them.
    counted = [SUMMARY.search(line) for line in lines]
    found = [m for m in counted if m]
    assert sum(int(m[2]) for m in found) == len(sim.requests())
    assert sum(int(m[3]) for m in found) == 1
    assert not [line for line in lines if "METRIC" in line]
    assert not [line for line in lines if "Beginning sync of 'notes'" in line]
    assert not [line for line in lines if "resumable" in line.lower()]
    # A state midway says how it resumes.
    assert resume_notes(done.messages) == {IncrementalList.resume_note}


@pytest.mark.parametrize("variable", ["TAP_AGILECRM_LOGLEVEL", "LOGLEVEL"])
def test_debug_keeps_the_sdk_metrics_and_the_per_parent_lines(make_agile, tmp_path, variable):
    sim = make_agile(contacts=4, companies=2, tasks=2, tickets=2, deals_per_track=2, events=2)
    done = run_tap(tmp_path, tap_config(sim), env={variable: "DEBUG"}, quiet=True)
    assert done.rc == 0, done.stderr[-3000:]
    kinds = metric_kinds(done.stderr)
    assert {("record_count", "notes"), ("http_request_duration", "contacts")} <= kinds
    assert ("sync_duration", "documents") in kinds
    assert done.stderr.count("Beginning sync of 'notes'") == 4  # one per contact


def test_a_failed_stream_sums_up_where_it_stopped(agile, tmp_path):
    agile.set_faults([{"kind": "500", "rate": 1.0, "path": "/docs"}])
    done = run_tap(tmp_path, tap_config(agile, max_retries=0), quiet=True)
    assert done.rc == 1
    lines = done.stderr.splitlines()
    for stream in ("contacts", "notes", "documents"):  # the documents' failure fails the tree
        own = [line for line in lines if f"| {stream}: " in line]
        assert len(own) == 1, (stream, own)
        assert f"| {stream}: stopped after " in own[0], own
    assert len([line for line in lines if "| deals: done, " in line]) == 1
    # The core reports the failure itself; the SDK's own line is DEBUG only.
    assert not [line for line in lines if "An unhandled error occurred" in line]

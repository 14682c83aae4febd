"""Calendar events: the windows the stream reads, the lookback and the lookahead.

The stream runs as in a sync, on a fake API answering each window's request with the events
whose start falls inside it (both ends included, as EngageBay's filter does).
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from write_schemas import OfflineTap

DAY = 86_400
START = "2024-01-01T00:00:00+00:00"
START_S = int(dt.datetime.fromisoformat(START).timestamp())


def iso(seconds):
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).isoformat()


def events_stream(state=None, **config):
    settings = {
        "api_key": "key-1f2e3d4c",
        "start_date": START,
        "max_concurrent_requests": 1,
        **config,
    }
    tap = OfflineTap(config=settings, state=state or {}, validate_config=False)
    return tap, tap.streams["events"]


def serve(monkeypatch, stream, starts_ms):
    """The fake API: each window's request gets the events starting within it."""
    windows = []

    def send(request, context):
        query = parse_qs(urlparse(request.url).query)
        lo, hi = int(query["start_time"][0]), int(query["end_time"][0])
        windows.append((lo, hi))
        response = requests.Response()
        response.status_code = 200
        response.eb_payload = [
            {"id": n, "start_time": s, "end_time": s + 1} for n, s in starts_ms if lo <= s <= hi
        ]
        return response

    monkeypatch.setattr(stream, "send", send)
    return windows


def read(stream):
    return [event["id"] for event in stream.get_records(None)]


@pytest.mark.parametrize("step", [1, 7, 30])
def test_windows_cover_the_span_without_gap_or_overlap(step):
    _, stream = events_stream(events_window_days=step, events_lookahead_days=20)
    now = START_S + 100 * DAY + 1234
    windows = list(stream.windows(None, now))
    assert windows[0][0] == START_S * 1000
    assert windows[-1][1] >= (now + 20 * DAY) * 1000
    for (_, hi), (lo, _) in itertools.pairwise(windows):
        assert lo == hi + 1
    assert all(lo <= hi <= lo + step * DAY * 1000 - 1 for lo, hi in windows)


def test_an_event_on_a_window_edge_is_read_exactly_once(monkeypatch):
    _, stream = events_stream(events_window_days=1, events_lookahead_days=0)
    first_edge = (START_S + DAY) * 1000
    events = [(1, first_edge - 1), (2, first_edge), (3, first_edge + 1), (4, START_S * 1000)]
    windows = serve(monkeypatch, stream, events)
    assert sorted(read(stream)) == [1, 2, 3, 4]
    assert windows[0] == (START_S * 1000, first_edge - 1)
    assert windows[1][0] == first_edge


def test_the_windows_are_read_in_parallel_without_loss_or_repeat(monkeypatch):
    tap, stream = events_stream(events_window_days=1, max_concurrent_requests=3)
    edges = [(START_S + n * DAY) * 1000 for n in range(40)]
    serve(monkeypatch, stream, [(n, edge) for n, edge in enumerate(edges)])
    try:
        assert read(stream) == list(range(40))
    finally:
        tap.finish_sync()


def test_an_event_moved_within_the_lookback_is_read_again(monkeypatch):
    bookmark = time.time() - 5 * DAY
    state = {"bookmarks": {"events": {"replication_key_value": iso(bookmark)}}}
    _, stream = events_stream(state, events_lookback_days=10, events_lookahead_days=0)
    moved = int(bookmark - 9 * DAY) * 1000  # before the bookmark, within 10 days of it
    too_old = int(bookmark - 11 * DAY) * 1000
    windows = serve(monkeypatch, stream, [(1, moved), (2, too_old)])
    assert read(stream) == [1]
    assert windows[0][0] == int(bookmark - 10 * DAY) * 1000


def test_upcoming_events_are_read_within_the_lookahead_only(monkeypatch):
    now = time.time()
    state = {"bookmarks": {"events": {"replication_key_value": iso(now - DAY)}}}
    _, stream = events_stream(state, events_lookback_days=0, events_lookahead_days=30)
    soon, later = int(now + 29 * DAY) * 1000, int(now + 31 * DAY) * 1000
    serve(monkeypatch, stream, [(1, soon), (2, later)])
    assert read(stream) == [1]


def test_a_first_sync_starts_at_start_date(monkeypatch):
    _, stream = events_stream(events_lookahead_days=0, events_window_days=400)
    before, after = (START_S - 1) * 1000, START_S * 1000
    windows = serve(monkeypatch, stream, [(1, before), (2, after)])
    assert read(stream) == [2]
    assert windows[0][0] == START_S * 1000

"""What a tap logs: the root logger's handlers (the ``captured`` fixture: this is a pytest
plugin), its progress lines, its metrics, the notes in its states."""

from __future__ import annotations

import io
import json
import logging
import typing as t

import pytest

from crm_core.progress import DEFAULT_INTERVAL

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The text a handler added to the root logger receives during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def assert_a_few_lines_per_stream(
    stderr: str, tap: str, streams: Iterable[str], seconds: float, fixed: int
) -> float:
    """Each stream wrote a few lines (``fixed`` + one per progress interval) and one summary.

    Args:
        stderr: The tap's log.
        tap: The tap's name (its streams log as ``<tap>.<stream>``).
        streams: The streams that ran.
        seconds: How long the run took (progress lines come once per interval at most).
        fixed: Lines a stream writes besides progress.

    Returns:
        The most lines any one stream may write.
    """
    lines = stderr.splitlines()
    per_stream = seconds / DEFAULT_INTERVAL + fixed
    for stream in streams:
        own = [line for line in lines if f"| {tap}.{stream} " in line]
        assert len(own) <= per_stream, (stream, len(own), own[:20])
        summaries = [line for line in own if f"| {stream}: done, " in line]
        assert len(summaries) == 1, (stream, own)
    return per_stream


def metric_kinds(stderr: str) -> set[tuple[str, str]]:
    """The SDK's metrics in a log (DEBUG), as ``(metric, stream)``."""
    metrics = [
        json.loads(line.split("METRIC: ", 1)[1])
        for line in stderr.splitlines()
        if "METRIC: " in line
    ]
    return {(point["metric"], point["tags"]["stream"]) for point in metrics}


def resume_notes(messages: Iterable[dict[str, t.Any]]) -> set[t.Any]:
    """The notes the states of a run carry in their progress markers (one bookmark or partition)."""
    return {
        partition["progress_markers"].get("Note")
        for message in messages
        if message["type"] == "STATE"
        for bookmark in message["value"]["bookmarks"].values()
        for partition in [bookmark, *bookmark.get("partitions", [])]
        if "progress_markers" in partition
    }

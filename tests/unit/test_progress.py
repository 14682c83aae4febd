"""The progress lines: one per stream per interval, a summary at the end (a fake clock)."""

import logging

import pytest

from crm_core.progress import Progress, RecordCounter, quiet_sdk_metrics


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def progress(clock):
    return Progress(logging.getLogger("test-progress"), interval=5.0, clock=clock)


def lines(caplog, stream):
    return [r.getMessage() for r in caplog.records if r.name == f"test-progress.{stream}"]


def test_one_line_per_interval_then_a_summary(progress, clock, caplog):
    caplog.set_level(logging.INFO, "test-progress")
    contacts = progress.stream("contacts")
    with RecordCounter(progress, contacts):
        for _second in range(12):
            contacts.request()
            contacts.page()
            for _ in range(100):  # many records within the same second: no line each
                contacts.add_records()
            clock.now += 1
        contacts.retry()
    written = lines(caplog, "contacts")
    assert written == [
        "contacts: so far 501 records, 6 pages, 6 requests, 0 retries in 5.0 s (100 records/s)",
        "contacts: so far 1001 records, 11 pages, 11 requests, 0 retries in 10.0 s (100 records/s)",
        "contacts: done, 1200 records, 12 pages, 12 requests, 1 retry in 12.0 s (100 records/s)",
    ]


def test_a_child_stream_counts_its_parents_and_ends_with_its_parent(progress, clock, caplog):
    caplog.set_level(logging.INFO, "test-progress")
    contacts = progress.stream("contacts")
    notes = progress.stream("notes", parent="contacts")
    with RecordCounter(progress, contacts):
        for _ in range(30):  # one sync of notes per contact, as the SDK does
            with RecordCounter(progress, notes):
                notes.request()
                notes.add_records(2)
            contacts.add_records()
            clock.now += 0.5
        assert lines(caplog, "notes") == [
            # the 11th contact's notes are written at 5.0 s; it is not done yet
            (
                "notes: so far 22 records for 10 contacts, 11 requests, 0 retries in 5.0 s "
                "(4 records/s)"
            ),
            (
                "notes: so far 42 records for 20 contacts, 21 requests, 0 retries in 10.0 s "
                "(4 records/s)"
            ),
        ]
    assert lines(caplog, "notes")[-1] == (
        "notes: done, 60 records for 30 contacts, 30 requests, 0 retries in 15.0 s (4 records/s)"
    )
    assert lines(caplog, "contacts")[-1].startswith("contacts: done, 30 records")


def test_a_failed_stream_says_where_it_stopped(progress, caplog):
    caplog.set_level(logging.INFO, "test-progress")
    tasks = progress.stream("tasks")

    def sync():
        with RecordCounter(progress, tasks) as counter:
            counter.increment(3)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        sync()
    assert lines(caplog, "tasks") == [
        "tasks: stopped after 3 records, 0 requests, 0 retries in 0.0 s"
    ]


def test_sdk_metrics_only_at_debug():
    metrics_logger = logging.getLogger("test-progress-metrics")
    root = logging.getLogger()
    saved = root.level
    try:
        root.setLevel(logging.INFO)
        metrics_logger.setLevel(logging.INFO)
        quiet_sdk_metrics(metrics_logger)
        assert not metrics_logger.isEnabledFor(logging.INFO)
        metrics_logger.setLevel(logging.DEBUG)  # TAP_ENGAGEBAY_LOGLEVEL=DEBUG
        quiet_sdk_metrics(metrics_logger)
        assert metrics_logger.isEnabledFor(logging.INFO)
        metrics_logger.setLevel(logging.INFO)
        root.setLevel(logging.DEBUG)  # meltano --log-level=debug
        quiet_sdk_metrics(metrics_logger)
        assert metrics_logger.isEnabledFor(logging.INFO)
    finally:
        root.setLevel(saved)

"""The paginator and the incremental readers, on canned pages."""

from __future__ import annotations

import pytest

from crm_core.errors import RepeatedCursorError
from crm_core.incremental import (
    changed_since,
    newest_first_until,
    once_each,
    read_resumable,
    saved_cursor,
)
from crm_core.pagination import LastRecordCursorPaginator, Page


def test_paginator_follows_the_last_record_and_refuses_a_repeated_cursor():
    paginator = LastRecordCursorPaginator()
    paginator.remember_page([{"id": 1}, {"id": 2, "cursor": "a"}])
    assert paginator.get_next(None) == "a"
    paginator.remember_page([{"id": 3, "cursor": "b"}])
    assert paginator.get_next(None) == "b"
    paginator.remember_page([{"id": 4}])
    assert paginator.get_next(None) is None
    paginator.remember_page([])
    assert paginator.get_next(None) is None
    with pytest.raises(RepeatedCursorError):
        paginator.remember_page([{"id": 5, "cursor": "a"}])
    resumed = LastRecordCursorPaginator("z")
    with pytest.raises(RepeatedCursorError):
        resumed.remember_page([{"id": 6, "cursor": "z"}])


PAGES = [
    Page([{"id": 1}, {"id": 2}], "c1"),
    Page([{"id": 3}, {"id": 4}], "c2"),
    Page([{"id": 5}], None),
]


def test_read_resumable_saves_the_next_cursor_once_a_page_is_handed_on():
    state: dict = {}
    seen = [(r["id"], saved_cursor(state)) for r in read_resumable(iter(PAGES), state)]
    assert seen == [(1, None), (2, None), (3, "c1"), (4, "c1"), (5, "c2")]
    assert state == {}


def test_read_resumable_stopped_midway_resumes_at_an_unfinished_page():
    state: dict = {"resume": {"started_at": 5}}
    reader = read_resumable(iter(PAGES), state)
    got = [next(reader)["id"] for _ in range(3)]
    assert got == [1, 2, 3]
    assert state["resume"] == {"started_at": 5, "cursor": "c1"}


def test_changed_since_and_newest_first_until():
    records = [
        {"id": 1, "created_time": 100, "updated_time": 0},
        {"id": 2, "created_time": 50, "updated_time": 300},
        {"id": 3, "created_time": 40, "updated_time": "0"},
    ]
    assert [r["id"] for r in changed_since(records, 100)] == [1, 2]
    pages = iter([
        Page([{"id": 9, "created_time": 900}, {"id": 8, "created_time": 800}], "x"),
        Page([{"id": 7, "created_time": 700}, {"id": 6, "created_time": 100}], "y"),
        Page([{"id": 5, "created_time": 50}], None),
    ])  # fmt: skip
    assert [r["id"] for r in newest_first_until(pages, 500)] == [9, 8, 7]
    assert next(pages).records[0]["id"] == 5  # the third page was never asked for


def test_once_each_keeps_the_first_of_repeated_records():
    records = [{"id": 1, "v": "a"}, {"id": "1", "v": "b"}, {"id": 2}]
    assert [r.get("v") for r in once_each(records)] == ["a", None]

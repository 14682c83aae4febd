"""The last-record cursor paginator, on canned pages."""

import pytest

from tap_engagebay.pagination import LastRecordCursorPaginator, RepeatedCursorError


def walk(pages):
    """Drive a paginator the way the stream does; return the cursors it asked for."""
    paginator = LastRecordCursorPaginator()
    asked = [paginator.current_value]
    for page in pages:
        paginator.remember_page(page)
        paginator.advance(None)
        if paginator.finished:
            break
        asked.append(paginator.current_value)
    return asked, paginator


def test_follows_the_cursor_of_the_last_record_only():
    pages = [
        [{"id": 1, "cursor": "not-this"}, {"id": 2, "cursor": "c1"}],
        [{"id": 3}, {"id": 4, "cursor": "c2"}],
        [{"id": 5}],
    ]
    asked, paginator = walk(pages)
    assert asked == [None, "c1", "c2"]
    assert paginator.finished


def test_ends_on_a_full_page_without_cursor():
    asked, paginator = walk([[{"id": i} for i in range(100)]])
    assert asked == [None]
    assert paginator.finished


def test_ends_on_an_empty_page():
    asked, paginator = walk([[]])
    assert asked == [None]
    assert paginator.finished


def test_empty_or_non_string_cursor_ends():
    for cursor in ("", None, 0, {"x": 1}):
        _, paginator = walk([[{"id": 1, "cursor": cursor}]])
        assert paginator.finished


def test_a_cursor_seen_before_is_an_error_not_a_loop():
    pages = [
        [{"id": 1, "cursor": "a"}],
        [{"id": 2, "cursor": "b"}],
        [{"id": 3, "cursor": "a"}],
    ]
    with pytest.raises(RepeatedCursorError, match="already seen"):
        walk(pages)


def test_the_resume_cursor_counts_as_seen():
    paginator = LastRecordCursorPaginator("saved")
    assert paginator.current_value == "saved"
    with pytest.raises(RepeatedCursorError):
        paginator.remember_page([{"id": 1, "cursor": "saved"}])

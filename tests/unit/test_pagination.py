"""Paging as the streams do it: requests built, pages fetched and cursors followed.

The stream's own page loop (``iter_pages`` -> ``_fetch_page``) runs on canned answers: a fake
``fetch`` stands in for the API.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from crm_core.pagination import RepeatedCursorError

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from write_schemas import OfflineTap

KEY = "key-5e4d3c2b1a"


def stream(name="companies", **config):
    tap = OfflineTap(config={"api_key": KEY, "max_concurrent_requests": 1, **config})
    return tap.streams[name]


def fake_api(monkeypatch, stream_, pages):
    """Answer the stream's requests with ``pages`` in turn; return the cursors asked for."""
    asked = []
    answers = iter(pages)

    def fetch(context, *, sort_key=None, cursor=None):
        asked.append(cursor)
        return next(answers), 1_767_225_600

    monkeypatch.setattr(stream_, "fetch", fetch)
    return asked


def walk(monkeypatch, pages, cursor=None):
    s = stream()
    asked = fake_api(monkeypatch, s, pages)
    got = list(s.iter_pages(None, sort_key="created_time", cursor=cursor))
    return asked, got


def test_follows_the_cursor_of_the_last_record_only(monkeypatch):
    pages = [
        [{"id": 1, "cursor": "not-this"}, {"id": 2, "cursor": "c1"}],
        [{"id": 3}, {"id": 4, "cursor": "c2"}],
        [{"id": 5}],
    ]
    asked, got = walk(monkeypatch, pages)
    assert asked == [None, "c1", "c2"]
    assert [[r["id"] for r in page.records] for page in got] == [[1, 2], [3, 4], [5]]
    assert [page.next_cursor for page in got] == ["c1", "c2", None]
    assert got[0].server_time == 1_767_225_600


def test_ends_on_a_full_page_without_cursor(monkeypatch):
    asked, got = walk(monkeypatch, [[{"id": i} for i in range(100)]])
    assert asked == [None]
    assert len(got) == 1


def test_ends_on_an_empty_page(monkeypatch):
    asked, got = walk(monkeypatch, [[]])
    assert asked == [None]
    assert got[0].records == []


@pytest.mark.parametrize("cursor", ["", None, 0, {"x": 1}])
def test_empty_or_non_string_cursor_ends(monkeypatch, cursor):
    asked, _ = walk(monkeypatch, [[{"id": 1, "cursor": cursor}], [{"id": 2}]])
    assert asked == [None]


def test_a_cursor_seen_before_is_an_error_not_a_loop(monkeypatch):
    pages = [
        [{"id": 1, "cursor": "a"}],
        [{"id": 2, "cursor": "b"}],
        [{"id": 3, "cursor": "a"}],
        [{"id": 4, "cursor": "b"}],
    ]
    with pytest.raises(RepeatedCursorError, match="already seen"):
        walk(monkeypatch, pages)


def test_the_resume_cursor_counts_as_seen(monkeypatch):
    with pytest.raises(RepeatedCursorError):
        walk(monkeypatch, [[{"id": 1, "cursor": "saved"}], [{"id": 2}]], cursor="saved")


def test_a_list_request_is_a_form_post_with_page_size_sort_key_and_cursor():
    request = stream(page_size=37).build_request(None, sort_key="-updated_time", cursor="c9")
    assert request.method == "POST"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.body) == {
        "page_size": ["37"],
        "sort_key": ["-updated_time"],
        "cursor": ["c9"],
    }
    assert not urlparse(request.url).query


def test_the_first_page_sends_no_cursor():
    request = stream().build_request(None, sort_key="created_time")
    assert "cursor" not in parse_qs(request.body)


def test_every_request_sends_the_raw_key_and_asks_for_json():
    for name, kwargs in (("companies", {"sort_key": "created_time"}), ("tags", {})):
        request = stream(name).build_request(None, **kwargs)
        assert request.headers["Authorization"] == KEY  # no scheme
        assert request.headers["Accept"] == "application/json"


def test_a_per_contact_list_pages_in_the_query():
    request = stream("call_logs").build_request({"contact_id": 5}, sort_key="created_time")
    assert request.method == "GET"
    assert parse_qs(urlparse(request.url).query) == {
        "contact_id": ["5"],
        "page_size": ["100"],
        "sort_key": ["created_time"],
    }

"""Child lists read ahead (crm_core.children): keyed by parent, bounded to a page, errors kept."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from crm_core.children import ChildReadAhead, context_key


def test_a_raw_string_id_finds_the_read_the_sdk_asks_for_with_an_integer():
    assert context_key({"contact_id": "5"}) == context_key({"contact_id": 5})
    assert context_key({"contact_id": 5}) != context_key({"contact_id": 6})


def test_reads_are_started_per_page_and_taken_per_parent():
    with ThreadPoolExecutor(2) as pool:
        asked = []
        ahead = ChildReadAhead(lambda c: asked.append(c["id"]) or [{"of": c["id"]}], pool)
        ahead.start([{"id": 1}, {"id": 2}, {"id": 1}])
        assert ahead.take({"id": 2}) == [{"of": 2}]
        assert ahead.take({"id": 1}) == [{"of": 1}]
        assert sorted(asked) == [1, 2]  # a parent seen twice is read once
        assert ahead.take({"id": 3}) is None  # not started: the caller reads it now


def test_what_a_page_left_unused_is_dropped_when_the_next_page_comes():
    with ThreadPoolExecutor(1) as pool:
        ahead = ChildReadAhead(lambda c: [c], pool)
        ahead.start([{"id": 1}, {"id": 2}])
        ahead.start([{"id": 3}])
        assert ahead.pending == 1
        assert ahead.take({"id": 1}) is None


def test_an_error_is_raised_where_the_read_is_taken_and_the_rest_is_cancelled():
    release = threading.Event()

    def read(context):
        if context["id"] == 1:
            msg = "boom"
            raise ValueError(msg)
        release.wait(10)
        return [context]

    with ThreadPoolExecutor(1) as pool:
        ahead = ChildReadAhead(read, pool)
        ahead.start([{"id": 1}, {"id": 2}, {"id": 3}])
        with pytest.raises(ValueError, match="boom"):
            ahead.take({"id": 1})
        assert ahead.pending == 0
        release.set()


def test_a_parent_listed_again_is_not_read_again_when_its_stream_emits_each_once():
    with ThreadPoolExecutor(1) as pool:
        asked = []
        ahead = ChildReadAhead(lambda c: asked.append(c["id"]) or [c], pool)
        ahead.start([{"id": 1}, {"id": 2}], once=True)
        assert ahead.take({"id": 1}) == [{"id": 1}]
        assert ahead.take({"id": 2}) == [{"id": 2}]
        ahead.start([{"id": 2}, {"id": 3}], once=True)  # a ticket in a second filter
        assert ahead.take({"id": 3}) == [{"id": 3}]
        assert ahead.pending == 0
        assert asked == [1, 2, 3]

"""The listing reader on canned answers: plain lists, envelopes, and its guards."""

from __future__ import annotations

import pytest

from crm_core.errors import UnexpectedBodyError
from tap_epixel.paging import ForeignNextLinkError, Listing, read_listing

API = "https://mlm.example.com/api/v2"


def _read(first, pages=None, **kwargs):
    warnings: list[str] = []
    listing = Listing()
    fetched: list[str] = []

    def fetch(url):
        fetched.append(url)
        return (pages or {})[url]

    records = list(read_listing(first, fetch, api_url=API, where="/leads/list/",
                                listing=listing, warn=warnings.append, **kwargs))  # fmt: skip
    return records, listing, warnings, fetched


def _page(ids, nxt=None, count=None):
    return {"count": count, "next": nxt, "previous": None, "results": [{"id": i} for i in ids]}


def test_a_plain_list_is_one_complete_page():
    records, listing, warnings, fetched = _read([{"id": 1}, {"id": 2}, 3])
    assert records == [{"id": 1}, {"id": 2}, {"value": 3}]
    assert listing.complete
    assert not warnings
    assert not fetched


def test_an_envelope_is_followed_to_its_end():
    p2 = API + "/leads/list/?page=2"
    p3 = "https://MLM.example.com:443/api/v2/leads/list/?page=3"
    pages = {p2: _page([3, 4], p3, 5), p3: _page([5], None, 5)}
    records, listing, warnings, fetched = _read(_page([1, 2], p2, 5), pages)
    assert [r["id"] for r in records] == [1, 2, 3, 4, 5]
    assert listing.complete
    assert listing.pages == 3
    assert not warnings
    assert fetched == [p2, p3]


def test_an_empty_envelope_is_complete():
    records, listing, _, _ = _read(_page([], None, 0))
    assert records == []
    assert listing.complete


def test_a_next_link_seen_before_stops_incomplete():
    p2 = API + "/leads/list/?page=2"
    pages = {p2: _page([3, 4], p2, 6)}
    records, listing, warnings, fetched = _read(_page([1, 2], p2, 6), pages)
    assert [r["id"] for r in records] == [1, 2, 3, 4]
    assert not listing.complete
    assert warnings
    assert fetched == [p2]


def test_a_page_repeating_the_one_before_stops_incomplete():
    p2, p3 = API + "/x?page=2", API + "/x?page=3"
    pages = {p2: _page([1, 2], p3, 6), p3: _page([5], None, 6)}
    records, listing, warnings, _ = _read(_page([1, 2], p2, 6), pages)
    assert [r["id"] for r in records] == [1, 2]
    assert not listing.complete
    assert "repeats" in warnings[0]


def test_a_count_that_changes_or_does_not_add_up_is_incomplete():
    p2 = API + "/x?page=2"
    records, listing, warnings, _ = _read(_page([1, 2], p2, 4), {p2: _page([4], None, 3)})
    assert [r["id"] for r in records] == [1, 2, 4]
    assert not listing.complete
    assert "changed" in warnings[0]


@pytest.mark.parametrize(
    "link",
    ["http://mlm.example.com/api/v2/x?page=2", "https://evil.example/api/v2/x?page=2",
     "https://mlm.example.com:8443/api/v2/x?page=2"],
)  # fmt: skip
def test_a_next_link_off_the_host_is_refused(link):
    with pytest.raises(ForeignNextLinkError, match="api_url"):
        _read(_page([1], link, 2))


def test_an_answer_that_is_no_list_is_an_error():
    with pytest.raises(UnexpectedBodyError, match="neither a list"):
        _read({"detail": "odd"})

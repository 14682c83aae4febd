"""Every paging reading the document leaves open is read completely, each contact once."""

from __future__ import annotations

import pytest

from tests.whautomate.pipeline import run_tap, tap_config

VARIANTS = {
    "pages count from 0": ({"first_page": 0}, {}),
    "pages count from 1, page 0 is page 1": ({"first_page": 1, "page_zero": "alias"}, {}),
    "pages count from 1, page 0 is empty": ({"first_page": 1, "page_zero": "empty"}, {}),
    "pages count from 1, page 0 is refused": ({"first_page": 1, "page_zero": "error"}, {}),
    "limit capped silently below page_size": (
        {"max_limit": 5, "default_limit": 5},
        {"page_size": 50},
    ),
    "the last page again past the end": ({"past_end": "repeat_last"}, {}),
    "first_page set to 1": ({"first_page": 1, "page_zero": "error"}, {"first_page": "1"}),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_paging_variant_reads_every_contact_once(tmp_path, make_whautomate, variant):
    server, settings = VARIANTS[variant]
    sim = make_whautomate(**server)
    run = run_tap(tmp_path, tap_config(sim, **settings))
    assert run.rc == 0, run.stderr[-2000:]
    ids = [r["id"] for r in run.records()]
    assert len(ids) == len(set(ids)) == sim.count("contacts")
    assert set(ids) == sim.ids("contacts")
    # Read to its end: the pass is activated, after its records.
    assert run.kinds().count("ACTIVATE_VERSION") == 1
    assert run.kinds()[-1] == "ACTIVATE_VERSION"


def test_a_repeated_page_is_reported_not_looped(tmp_path, make_whautomate):
    sim = make_whautomate(past_end="repeat_last", contacts=21)
    run = run_tap(tmp_path, tap_config(sim))
    assert run.rc == 0, run.stderr[-2000:]
    assert "repeated the previous page" in run.stderr
    # three pages of 7, then page 4 again as page 3: one request past the end, no more
    pages = [int(r["query"]["page"]) for r in sim.requests("contacts")]
    assert max(pages) == 4


def test_filters_are_sent_as_the_document_names_them(tmp_path, whautomate):
    location = next(whautomate.records("contacts"))["location"]["id"]
    settings = {"location_id": location, "tags": "vip", "channel": "whatsapp"}
    run = run_tap(tmp_path, tap_config(whautomate, **settings))
    assert run.rc == 0, run.stderr[-2000:]
    queries = [r["query"] for r in whautomate.requests("contacts")]
    assert queries
    for sent in queries:
        assert (sent["locationId"], sent["tags"], sent["channel"]) == (location, "vip", "whatsapp")
    for record in run.records():
        assert record["location"]["id"] == location
        assert "vip" in record["tags"]

"""Independent reads overlap, within ``max_concurrent_requests``, and nothing is lost to it."""

from __future__ import annotations

import pytest

from tests.e2e.pipeline import STREAMS_WITH_IDS, run_pipeline, table_ids

#: Each selected stream's endpoint (the deals' first page per track is checked apart).
INDEPENDENT = (
    "companies", "tasks", "tickets", "products", "calendar/event/list", "users", "tags",
    "contactlist", "forms",
)  # fmt: skip
PREFIX = "/dev/api/panel/"


def _sync(tmp_path, sim, in_flight):
    sim.set_latency(20)
    run = run_pipeline(
        tmp_path,
        sim.url,
        api_key=sim.config.api_key,
        tap_config={"page_size": 10, "max_concurrent_requests": in_flight},
    )
    assert run.tap_rc == 0, run.tap_stderr[-2000:]
    assert run.target_rc == 0, run.target_stderr[-2000:]
    return run


@pytest.mark.parametrize("in_flight", [1, 3])
def test_requests_in_flight_stay_within_the_setting_and_every_row_lands(
    tmp_path, simulator, in_flight
):
    if in_flight > 1:
        # The first requests wait until two are in flight: only a tap that sends side by side
        # gets there (one sending one after another is held a minute, then fails below).
        simulator.hold_until_overlap(2)
    run = _sync(tmp_path, simulator, in_flight)
    peak = simulator.peak_in_flight
    assert peak <= in_flight
    if in_flight > 1:
        assert peak >= 2  # the reads really overlapped
    for stream in STREAMS_WITH_IDS:
        rows, ids = table_ids(run.database, stream)
        assert rows == len(ids) == simulator.count(stream), stream
        assert ids == {int(i) for i in simulator.ids(stream)}, stream


def test_other_streams_are_read_while_contacts_are(tmp_path, simulator):
    _sync(tmp_path, simulator, 3)
    log = [r for r in simulator.requests() if r["path"].startswith(PREFIX)]
    contact_pages = [r["seq"] for r in log if r["path"] == PREFIX + "subscribers"]
    assert len(contact_pages) >= 3  # 60 contacts, 10 a page: a chain of pages
    first_of = {}
    for entry in log:
        first_of.setdefault(entry["path"][len(PREFIX) :], entry["seq"])
    # Every independent stream's first request went out before the contacts' last page: none
    # waited for the contacts to finish (one request at a time, none would: test below).
    for endpoint in INDEPENDENT:
        assert first_of[endpoint] < contact_pages[-1], endpoint
    tracks = {r["form"].get("track_id") for r in log if r["path"] == PREFIX + "deals"}
    first_deals = [
        min(r["seq"] for r in log if r["path"] == PREFIX + "deals" and r["form"]["track_id"] == t)
        for t in tracks
    ]
    assert len(first_deals) == 2
    assert max(first_deals) < contact_pages[-1]


def test_one_request_at_a_time_when_asked(tmp_path, simulator):
    _sync(tmp_path, simulator, 1)
    log = [r for r in simulator.requests() if r["path"].startswith(PREFIX)]
    # Strictly in the SDK's order: one stream's requests (a contact's notes and call logs
    # within the contacts') all before the next stream's.
    child = {"notes": "subscribers", "call-logs": "subscribers"}
    blocks = []
    for entry in log:
        endpoint = entry["path"][len(PREFIX) :]
        stream = child.get(endpoint, endpoint)
        if stream.startswith("customfields/"):
            stream = "customfields"  # read at start for the schemas, and again by its stream
        if not blocks or blocks[-1] != stream:
            blocks.append(stream)
    assert blocks.count("subscribers") == 1
    repeated = {b for b in blocks if blocks.count(b) > 1} - {"customfields"}
    assert not repeated, blocks

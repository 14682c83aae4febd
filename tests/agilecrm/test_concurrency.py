"""Child lists are read ahead, within ``max_concurrent_requests``, and nothing is lost to it."""

from __future__ import annotations

import re

from tests.agilecrm.pipeline import STREAMS, run_pipeline, table_ids, tap_config

#: The two per-contact lists, and the contact id in their paths.
CHILD_PATHS = {
    "notes": re.compile(r"^/dev/api/contacts/(\d+)/notes$"),
    "documents": re.compile(r"^/dev/api/documents/contact/(\d+)/docs$"),
}


def _sync(tmp_path, agile, in_flight):
    run = run_pipeline(tmp_path, tap_config(agile, max_concurrent_requests=in_flight))
    assert run.tap_rc == 0, run.tap_stderr[-3000:]
    assert run.target_rc == 0, run.target_stderr[-3000:]
    for stream in STREAMS:
        rows, ids = table_ids(run.database, stream)
        assert rows == len(ids) == agile.count(stream), stream
        assert ids == agile.ids(stream), stream
    return run


def _contact_children(agile):
    """The per-contact requests in the order they reached the simulator: (stream, contact)."""
    found = []
    for entry in agile.requests():
        for stream, pattern in CHILD_PATHS.items():
            match = pattern.match(entry["path"])
            if match:
                found.append((stream, match.group(1)))
    return found


def test_a_pages_children_are_requested_ahead_within_the_limit(tmp_path, agile):
    _sync(tmp_path, agile, 3)
    assert agile.peak_in_flight <= 3
    children = _contact_children(agile)
    first_stream, first_contact = children[0]
    other = next(s for s, c in children if s != first_stream and c == first_contact)
    before = children[: children.index((other, first_contact))]
    # The first contact's second list waits behind the page's first lists, already asked for
    # (7 contacts a page, 3 threads: at least 5 of them): read one after another, it would
    # come right after the first contact's first list.
    assert len({c for s, c in before if s == first_stream}) >= 2, children[:16]


def test_one_request_at_a_time_when_asked(tmp_path, agile):
    _sync(tmp_path, agile, 1)
    assert agile.peak_in_flight == 1
    children = _contact_children(agile)
    # Strictly in the SDK's order: each contact's lists, then the next contact's.
    contacts = [c for _, c in children]
    runs = [c for i, c in enumerate(contacts) if i == 0 or contacts[i - 1] != c]
    assert len(runs) == len(set(runs)), children[:16]

"""The rate limiter (no more than N requests in any window, across threads), offset paging
over envelopes, and the 403 policy."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from crm_core.errors import AuthenticationError
from crm_core.forbidden import (
    ForbiddenError,
    ForbiddenRetries,
    IntermittentForbiddenError,
    check_forbidden,
)
from crm_core.offset_paging import EnvelopeError, EnvelopeOffsetPaginator, records_in, total_of
from crm_core.rate_limit import RateLimiter


def test_a_slot_frees_one_window_after_its_answer_not_its_start():
    limiter = RateLimiter(2, window=0.2)
    spans = []
    for _ in range(3):
        with limiter.slot():
            began = time.monotonic()
            time.sleep(0.02)  # the answer's latency
            spans.append((began, time.monotonic()))
    # the third request waited for the first's answer plus the window
    assert spans[2][0] >= spans[0][1] + 0.2


def test_no_more_than_n_requests_in_any_window_across_threads():
    """Wherever in its [sent, answered] span the server saw each request, no window holds N+1."""
    n, window = 3, 0.1
    limiter = RateLimiter(n, window=window)
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()

    def worker():
        for _ in range(4):
            with limiter.slot():
                began = time.monotonic()
                time.sleep(0.001)
                ended = time.monotonic()
            with lock:
                spans.append((began, ended))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(spans) == 24
    # In any N+1 requests, the last sent must start a window after the earliest answer
    # among the others: sorted by send time, the N+1-th is at least a window past the
    # N-th latest answer before it.
    spans.sort()
    for j in range(n, len(spans)):
        earlier_ends = sorted((end for _, end in spans[:j]), reverse=True)
        assert spans[j][0] >= earlier_ends[n - 1] + window - 1e-3


def _page(count, total):
    return {"contacts": [{"id": str(i)} for i in range(count)], "meta": {"total": total}}


@pytest.mark.parametrize(
    ("pages", "offsets"),
    [
        ([(2, "5"), (2, "5"), (1, "5")], [2, 4, None]),  # total as a string
        ([(2, None), (2, None), (0, None)], [2, 4, None]),  # no total: until an empty page
        ([(2, None), (1, None)], [2, None]),  # no total: a short page is the last
        ([(2, "9"), (0, "9")], [2, None]),  # an empty page ends it, whatever the total says
        ([(1, "3"), (1, "3"), (1, "3")], [1, 2, None]),  # fewer than asked: next after them
    ],
)
def test_offset_paginator_follows_the_envelope(pages, offsets):
    paginator = EnvelopeOffsetPaginator(0, 2)
    seen = []
    for count, total in pages:
        payload = _page(count, total)
        paginator.remember_page(len(records_in(payload, "contacts")), total_of(payload))
        paginator.advance(None)
        seen.append(None if paginator.finished else paginator.current_value)
    assert seen == offsets


def test_envelopes_that_are_not_one_are_named():
    with pytest.raises(EnvelopeError, match="'contacts'"):
        records_in({"deals": []}, "contacts")
    with pytest.raises(EnvelopeError, match="list"):
        records_in([], "contacts")
    assert records_in({"contact": {"id": "1"}}, "contact") == [{"id": "1"}]
    assert total_of({"meta": {"total": " 12 "}}) == 12
    assert total_of({"meta": {}}) is None


def _forbidden(body):
    response = requests.Response()
    response.status_code = 403
    response._content = body.encode()
    response.url = "https://acme.api-us1.com/api/3/contacts"
    response.request = requests.Request("GET", response.url).prepare()
    return response


def _check(response, retries):
    check_forbidden(
        response,
        vendor="ActiveCampaign",
        auth_markers=("no result found for subscriber with id 0",),
        credentials_hint="Check `api_token`.",
        retries=retries,
        redact=str,
    )


def test_a_403_about_the_token_stops_and_others_are_retried_a_few_times():
    retries = ForbiddenRetries(2)
    retries.start()
    with pytest.raises(AuthenticationError, match="api_token"):
        _check(_forbidden('{"message": "No Result found for Subscriber with id 0"}'), retries)
    for _ in range(2):
        with pytest.raises(IntermittentForbiddenError):
            _check(_forbidden('{"message": "Forbidden"}'), retries)
    with pytest.raises(ForbiddenError, match="after 2 retries"):
        _check(_forbidden('{"message": "Forbidden"}'), retries)
    retries.start()  # the next request has its own allowance
    with pytest.raises(IntermittentForbiddenError):
        _check(_forbidden("<html>403</html>"), retries)

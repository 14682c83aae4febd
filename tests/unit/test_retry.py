"""The tap's retry waits: Retry-After, ``retry_wait_max``, ``max_retries``, ``max_retry_seconds``.

The waits are read from a fake clock (backoff's sleep and monotonic time), never from wall time.
"""

from __future__ import annotations

import email.utils
import sys
from pathlib import Path

import backoff._common
import backoff._sync
import pytest
import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from crm_core.errors import RateLimitedError

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from write_schemas import OfflineTap

DATE = 1_767_225_600  # 2026-01-01T00:00:00Z


def stream(**config):
    tap = OfflineTap(config={"api_key": "key-0a1b2c3d", **config}, validate_config=False)
    return tap.streams["companies"]


def rate_limited(retry_after=None, date=DATE):
    response = requests.Response()
    response.status_code = 429
    response.headers["Date"] = email.utils.formatdate(date, usegmt=True)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return RateLimitedError("EngageBay is rate limiting (429 for POST /companies)", response)


def waits(stream_, errors):
    """The waits the stream's generator plans for a run of failures (before jitter)."""
    generator = stream_.backoff_wait_generator()
    assert next(generator) == 0.0
    return [generator.send(error) for error in errors]


class FakeClock:
    """backoff's clock: sleeping moves it, nothing really waits."""

    def __init__(self):
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(backoff._common, "time", fake)
    monkeypatch.setattr(backoff._sync, "time", fake)
    return fake


def failing(times, error=None, clock=None, cost=0.0):
    """A request that fails ``times`` times (each costing ``cost`` seconds), then answers."""
    calls = []

    def send():
        calls.append(1)
        if clock is not None:
            clock.now += cost
        if len(calls) <= times:
            raise error or RetriableAPIError("EngageBay server error 503 for POST /companies")
        return "answer"

    return send, calls


def test_without_retry_after_the_wait_doubles_up_to_retry_wait_max():
    s = stream(retry_wait_base_ms=500, retry_wait_max=5)
    assert waits(s, [RetriableAPIError("503")] * 6) == [0.5, 1, 2, 4, 5, 5]


def test_a_retry_after_in_seconds_sets_the_wait():
    s = stream(retry_wait_base_ms=10, retry_wait_max=120)
    assert waits(s, [rate_limited(7), rate_limited(3), RetriableAPIError("503")]) == [
        7,
        3,
        0.04,
    ]


def test_a_retry_after_is_capped_at_retry_wait_max():
    assert waits(stream(retry_wait_max=30), [rate_limited(3600)]) == [30]


def test_a_retry_after_as_an_http_date_counts_from_the_servers_date():
    later = email.utils.formatdate(DATE + 42, usegmt=True)
    assert waits(stream(retry_wait_max=120), [rate_limited(later)]) == [42]


def test_jitter_never_shortens_a_wait(clock):
    s = stream(retry_wait_max=120)
    send, _ = failing(3, rate_limited(2), clock)
    assert s.request_decorator(send)() == "answer"
    assert len(clock.slept) == 3
    assert all(2 <= wait < 3 for wait in clock.slept), clock.slept


def test_max_retries_retries_then_gives_up(clock):
    s = stream(max_retries=3, retry_wait_base_ms=10)
    send, calls = failing(10, clock=clock)
    with pytest.raises(RetriableAPIError, match="503"):
        s.request_decorator(send)()
    assert len(calls) == 4  # the first try and three retries
    assert len(clock.slept) == 3


def test_max_retries_zero_means_one_try(clock):
    send, calls = failing(10, clock=clock)
    with pytest.raises(RetriableAPIError):
        stream(max_retries=0).request_decorator(send)()
    assert len(calls) == 1
    assert clock.slept == []


def test_max_retry_seconds_stops_retrying_however_many_retries_are_left(clock):
    # Each failure takes 10 s and the waits are 5 s: 60 s allow four tries, not 101.
    s = stream(max_retries=100, max_retry_seconds=60, retry_wait_base_ms=5000, retry_wait_max=5)
    send, calls = failing(100, clock=clock, cost=10)
    with pytest.raises(RetriableAPIError):
        s.request_decorator(send)()
    assert len(calls) == 5
    assert clock.now - 1000 <= 60 + 10  # the last try started within the cap
    assert sum(clock.slept) <= 60


def test_a_wait_never_runs_past_max_retry_seconds(clock):
    s = stream(max_retries=5, max_retry_seconds=20, retry_wait_max=120)
    send, calls = failing(5, rate_limited(90), clock)
    with pytest.raises(RateLimitedError):
        s.request_decorator(send)()
    assert clock.slept == [20]  # not 90: the cap on the whole request comes first
    assert len(calls) == 2


def test_a_fatal_error_is_not_retried(clock):
    send, calls = failing(10, FatalAPIError("EngageBay answered 405"), clock)
    with pytest.raises(FatalAPIError):
        stream(max_retries=5).request_decorator(send)()
    assert len(calls) == 1


def test_each_retry_logs_its_wait(clock, caplog):
    s = stream(retry_wait_max=120)
    send, _ = failing(1, rate_limited(4), clock)
    with caplog.at_level("WARNING"):
        s.request_decorator(send)()
    [line] = [r.getMessage() for r in caplog.records if "Retrying" in r.getMessage()]
    assert line.startswith("Retrying POST /companies in 4.")
    assert "attempt 1 failed: EngageBay is rate limiting" in line


def answer(status, body, content_type="application/json"):
    response = requests.Response()
    response.status_code = status
    response._content = body.encode()
    response.headers["Content-Type"] = content_type
    response.url = "https://app.engagebay.com/dev/api/panel/companies"
    response.request = requests.Request("POST", response.url).prepare()
    return response


@pytest.mark.parametrize(
    ("status", "body", "tries"),
    [
        (500, '{"error": "Server error"}', 3),
        (503, "<html>busy</html>", 3),
        (429, '{"error": "Too Many Requests"}', 3),
        (200, "<?xml version='1.0'?><list/>", 3),
        (200, "<!DOCTYPE html><html><body>Maintenance</body></html>", 3),
        (200, '[{"id": 1}, {"id"', 3),
        (200, '{"status": "error", "message": "Something went wrong"}', 3),
        (200, '{"error": "API call limit reached"}', 1),
        (401, '{"error": "UnAuthenticated User"}', 1),
        (400, '{"error": "Invalid input."}', 1),
        (404, "nope", 1),
        (200, '[{"id": 1}]', 1),
    ],
)
def test_which_answers_are_retried(clock, status, body, tries):
    s = stream(max_retries=2)
    calls = []

    def send():
        calls.append(1)
        response = answer(status, body)
        s.validate_response(response)
        return response

    try:
        s.request_decorator(send)()
    except FatalAPIError:
        assert tries == 1
    except RetriableAPIError:
        pass
    assert len(calls) == tries

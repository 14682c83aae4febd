"""``max_concurrent_requests``: every request attempt holds one of that many slots."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests
from singer_sdk import RESTStream

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from write_schemas import OfflineTap


@pytest.mark.parametrize("limit", [1, 3])
def test_each_attempt_holds_a_slot_and_there_are_exactly_max_concurrent_requests(
    monkeypatch, limit
):
    tap = OfflineTap(config={"api_key": "key-77aa66bb", "max_concurrent_requests": limit})
    gate = tap.run_control.gate
    free_slots = []

    def answer(self, prepared_request, context):
        taken = 0
        while gate.acquire(blocking=False):  # count the slots left while this one runs
            taken += 1
        free_slots.append(taken)
        for _ in range(taken):
            gate.release()
        return requests.Response()

    monkeypatch.setattr(RESTStream, "_request", answer)
    stream = tap.streams["companies"]
    request = stream.build_request(None, sort_key="created_time")
    try:
        stream._request(request, None)
        stream.send(request, None)
    finally:
        tap.finish_sync()
    assert free_slots == [limit - 1, limit - 1]


def test_one_request_at_a_time_means_no_thread_pool():
    tap = OfflineTap(config={"api_key": "key-77aa66bb", "max_concurrent_requests": 1})
    assert tap.run_control.pool is None
    assert tap.streams["companies"].lane is None
    tap = OfflineTap(config={"api_key": "key-77aa66bb", "max_concurrent_requests": 2})
    try:
        assert tap.run_control.pool is not None
    finally:
        tap.finish_sync()

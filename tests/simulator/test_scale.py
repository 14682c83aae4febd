"""A million contacts with flat memory, and the command line."""

from __future__ import annotations

import json
import signal
import urllib.request

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.harness.scale import flat_memory, simulator_cli
from tests.simulator.helpers import call


def test_million_contacts_flat_memory():
    with flat_memory(), Simulator(SimConfig(seed=11, contacts=1_000_000)) as sim:
        first = call(sim, "subscribers", {"page_size": 100}).json()
        assert len(first) == 100
        nxt = call(sim, "subscribers", {"page_size": 100, "cursor": first[-1]["cursor"]})
        assert nxt.status_code == 200
        last = call(sim, "subscribers", {"page_size": 100, "sort_key": "-created_time"}).json()
        assert last[0]["created_time"] > last[-1]["created_time"]
        # The middle: a descending read from a created-time cursor, and an updated record.
        middle = sim.store.make_cursor(
            "contacts:-1",
            "-created_time",
            (sim.store.data.created_time("contacts", 500_000), 500_000),
        )
        mid = call(sim, "subscribers", {"page_size": 100, "sort_key": "-created_time",
                                        "cursor": middle}).json()  # fmt: skip
        assert sim.store.data.index_of("contacts", int(mid[0]["id"])) == 499_999
        mid_id = mid[50]["id"]
        sim.update("contacts", mid_id, score=1)
        newest = call(sim, "subscribers", {"page_size": 5, "sort_key": "-updated_time"})
        assert int(newest.json()[0]["id"]) == int(mid_id)
        oldest = call(sim, "subscribers", {"page_size": 100, "sort_key": "updated_time"})
        assert all(not r.get("updated_time") for r in oldest.json())
        assert sim.count("contacts") == 1_000_000


def test_cli_serves_and_stops_on_sigterm(tmp_path):
    args = ("--preset", "tiny", "--seed", "5", "--api-key", "k", "--quota", "100")
    with simulator_cli("engagebay_sim", tmp_path / "url", *args) as (proc, url):
        req = urllib.request.Request(  # noqa: S310 - loopback http
            url + "/dev/api/panel/subscribers",
            data=b"page_size=100",
            headers={"Authorization": "k", "Accept": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=5) as resp:  # noqa: S310 - loopback http
            assert len(json.loads(resp.read())) == 25
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_refuses_other_hosts():
    for host in ("0.0.0.0", "localhost", "::1", "192.168.1.2"):  # noqa: S104
        with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
            Simulator(SimConfig(), host=host)

"""A million contacts with flat memory, and the command line."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import time
import tracemalloc
import urllib.request

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.simulator.helpers import call

MB = 1024 * 1024


def test_million_contacts_flat_memory():
    tracemalloc.start()
    try:
        with Simulator(SimConfig(seed=11, contacts=1_000_000)) as sim:
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
            _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * MB, f"peak {peak / MB:.1f} MB"


def test_cli_serves_and_stops_on_sigterm(tmp_path):
    port_file = tmp_path / "url"
    env = {**os.environ, "PYTHONPATH": str(pathlib.Path.cwd())}
    proc = subprocess.Popen(
        [sys.executable, "-m", "engagebay_sim", "--preset", "tiny", "--seed", "5",
         "--port-file", str(port_file), "--api-key", "k", "--quota", "100"],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        line = proc.stdout.readline()
        assert line.startswith("engagebay-sim listening on http://127.0.0.1:")
        url = line.split()[-1]
        for _ in range(50):
            if port_file.exists():
                break
            time.sleep(0.05)
        assert port_file.read_text().strip() == url
        req = urllib.request.Request(  # noqa: S310 - loopback http
            url + "/dev/api/panel/subscribers",
            data=b"page_size=100",
            headers={"Authorization": "k", "Accept": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=5) as resp:  # noqa: S310 - loopback http
            assert len(json.loads(resp.read())) == 25
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()


def test_refuses_other_hosts():
    for host in ("0.0.0.0", "localhost", "::1", "192.168.1.2"):  # noqa: S104
        with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
            Simulator(SimConfig(), host=host)

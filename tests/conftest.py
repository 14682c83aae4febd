"""Shared fixtures: a small simulated EngageBay account per test."""

from __future__ import annotations

from hypothesis import settings

from engagebay_sim import SimConfig, Simulator
from tests.harness.simulators import simulator_fixtures

#: Fixtures every source's tests share (``captured``: what the root logger's handlers see).
pytest_plugins = ("tests.harness.logs",)

# Property-based tests draw the same examples on every run (CI must not depend on luck), and
# write no example database into the project.
settings.register_profile("deterministic", derandomize=True, database=None)
settings.load_profile("deterministic")

SMALL = {
    "seed": 7,
    "contacts": 60,
    "companies": 15,
    "tracks": 2,
    "deals_per_track": 12,
    "tasks": 25,
    "tickets": 11,
    "products": 9,
    "owners": 3,
    "tags": 6,
    "lists": 2,
    "forms": 2,
    "events": 30,
}


make_simulator, simulator = simulator_fixtures("simulator", Simulator, SimConfig, SMALL)

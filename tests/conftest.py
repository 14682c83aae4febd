"""Shared fixtures: a small simulated EngageBay account per test."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from engagebay_sim import SimConfig, Simulator
from tests.harness.simulators import simulator_fixtures

#: Fixtures every source's tests share (``captured``: what the root logger's handlers see).
pytest_plugins = ("tests.harness.logs",)

# Property-based tests draw the same examples on every run (CI must not depend on luck), and
# write no example database into the project. Nor do they depend on the machine's speed: no
# per-example deadline and no "generation is slow" check (both failed once on a loaded CI box).
settings.register_profile(
    "deterministic",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
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

"""Shared fixtures: a small simulated EngageBay account per test."""

from __future__ import annotations

import typing as t

import pytest
from hypothesis import HealthCheck, settings

from engagebay_sim import SimConfig, Simulator

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

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


@pytest.fixture
def make_simulator() -> Iterator[Callable[..., Simulator]]:
    """Factory: ``make_simulator(**config)`` starts a simulator (small account by default)."""
    started: list[Simulator] = []

    def make(**config: t.Any) -> Simulator:
        sim = Simulator(SimConfig(**{**SMALL, **config})).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def simulator(make_simulator: Callable[..., Simulator]) -> Simulator:
    """A started simulator with a small account (seed 7, 60 contacts, 2 tracks...)."""
    return make_simulator()

"""A small simulated ActiveCampaign account per test."""

from __future__ import annotations

import typing as t

import pytest

from activecampaign_sim import ACConfig, ACSimulator
from tests.activecampaign_sim.helpers import SMALL

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator


@pytest.fixture
def make_ac() -> Iterator[Callable[..., ACSimulator]]:
    """Factory: ``make_ac(**config)`` starts a simulator (a small account, no rate limit)."""
    started: list[ACSimulator] = []

    def make(**config: t.Any) -> ACSimulator:
        sim = ACSimulator(ACConfig(**{**SMALL, **config})).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def ac(make_ac: Callable[..., ACSimulator]) -> ACSimulator:
    return make_ac()

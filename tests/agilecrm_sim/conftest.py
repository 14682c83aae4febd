"""A small simulated Agile CRM account per test."""

from __future__ import annotations

import typing as t

import pytest

from agilecrm_sim import AgileConfig, AgileSimulator
from tests.agilecrm_sim.helpers import SMALL

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator


@pytest.fixture
def make_agile() -> Iterator[Callable[..., AgileSimulator]]:
    """Factory: ``make_agile(**config)`` starts a simulator (a small account by default)."""
    started: list[AgileSimulator] = []

    def make(**config: t.Any) -> AgileSimulator:
        sim = AgileSimulator(AgileConfig(**{**SMALL, **config})).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def agile(make_agile: Callable[..., AgileSimulator]) -> AgileSimulator:
    return make_agile()

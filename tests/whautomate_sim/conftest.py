"""A small simulated Whautomate account per test."""

from __future__ import annotations

import typing as t

import pytest

from whautomate_sim import WhautomateConfig, WhautomateSimulator

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

SMALL = {"seed": 5, "contacts": 23, "locations": 2}


@pytest.fixture
def make_whautomate() -> Iterator[Callable[..., WhautomateSimulator]]:
    """Factory: ``make_whautomate(**config)`` starts a simulator (a small account by default)."""
    started: list[WhautomateSimulator] = []

    def make(**config: t.Any) -> WhautomateSimulator:
        sim = WhautomateSimulator(WhautomateConfig(**{**SMALL, **config})).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def whautomate(make_whautomate: Callable[..., WhautomateSimulator]) -> WhautomateSimulator:
    return make_whautomate()

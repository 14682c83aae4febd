"""A small simulated Epixel install per test."""

from __future__ import annotations

import typing as t

import pytest

from epixel_sim import EpixelConfig, EpixelSimulator

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

SMALL = {"seed": 5, "leads": 30, "appointments": 12, "page_size": 7}


@pytest.fixture
def make_epixel() -> Iterator[Callable[..., EpixelSimulator]]:
    """Factory: ``make_epixel(**config)`` starts a simulator (a small install by default)."""
    started: list[EpixelSimulator] = []

    def make(**config: t.Any) -> EpixelSimulator:
        sim = EpixelSimulator(EpixelConfig(**{**SMALL, **config})).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@pytest.fixture
def epixel(make_epixel: Callable[..., EpixelSimulator]) -> EpixelSimulator:
    return make_epixel()

"""The pytest fixtures that start a source's small simulated account, and stop it after the test.

A source's conftest declares its pair in one line::

    make_agile, agile = simulator_fixtures("agile", AgileSimulator, AgileConfig, SMALL)

``make_agile(**config)`` starts a simulator (the small account, changed by ``config``);
``agile`` is one started with the small account as it is.
"""

from __future__ import annotations

import typing as t

import pytest

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping


class Startable(t.Protocol):
    """A simulator: ``start()`` serves on loopback and returns it, ``stop()`` ends it."""

    def start(self) -> t.Self: ...

    def stop(self) -> None: ...


S = t.TypeVar("S", bound=Startable)


def simulator_fixtures(
    name: str,
    simulator: Callable[[t.Any], S],
    config: Callable[..., t.Any],
    small: Mapping[str, t.Any],
) -> tuple[t.Any, t.Any]:
    """The fixtures ``make_<name>`` (a factory of started simulators) and ``<name>`` (one).

    Args:
        name: The fixture's name (``agile`` gives ``agile`` and ``make_agile``).
        simulator: The simulator's class, built from a config.
        config: The config's class, built from keyword settings.
        small: The small account's settings, the default of every simulator started.

    Returns:
        The two fixtures, to assign in a conftest under their names.
    """

    def make_fixture() -> Iterator[Callable[..., S]]:
        started: list[S] = []

        def make(**settings: t.Any) -> S:
            sim = simulator(config(**{**small, **settings})).start()
            started.append(sim)
            return sim

        yield make
        for sim in started:
            sim.stop()

    def one_fixture(request: pytest.FixtureRequest) -> S:
        make: Callable[..., S] = request.getfixturevalue(f"make_{name}")
        return make()

    make_fixture.__doc__ = (
        f"Factory: ``make_{name}(**config)`` starts a simulator (a small account by default)."
    )
    one_fixture.__doc__ = f"A started simulator with the small account ({dict(small)})."
    return (
        pytest.fixture(make_fixture, name=f"make_{name}"),
        pytest.fixture(one_fixture, name=name),
    )

"""A small simulated Epixel install per test, and the tap run in this process."""

from __future__ import annotations

import itertools
import typing as t

import pytest

from tests.epixel.pipeline import TapRun, run_in_process
from tests.epixel_sim.conftest import epixel, make_epixel

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

__all__ = ["epixel", "make_epixel", "tap"]


@pytest.fixture
def tap(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> Callable[..., TapRun]:
    """``tap(config)`` runs tap-epixel's command line in this process (fast)."""
    runs = itertools.count()

    def run(config: dict[str, t.Any]) -> TapRun:
        return run_in_process(tmp_path / f"run-{next(runs)}", config, capfd)

    return run

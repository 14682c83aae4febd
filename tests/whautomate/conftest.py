"""A small simulated Whautomate account per test (the simulator tests' fixtures)."""

from tests.whautomate_sim.conftest import make_whautomate, whautomate

__all__ = ["make_whautomate", "whautomate"]

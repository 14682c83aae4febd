"""A small simulated ActiveCampaign account per test (the simulator tests' fixtures)."""

from tests.activecampaign_sim.conftest import ac, make_ac

__all__ = ["ac", "make_ac"]

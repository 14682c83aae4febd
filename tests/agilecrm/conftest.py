"""A small simulated Agile CRM account per test (the simulator tests' fixtures)."""

from tests.agilecrm_sim.conftest import agile, make_agile

__all__ = ["agile", "make_agile"]

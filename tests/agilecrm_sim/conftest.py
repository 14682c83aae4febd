"""A small simulated Agile CRM account per test."""

from agilecrm_sim import AgileConfig, AgileSimulator
from tests.agilecrm_sim.helpers import SMALL
from tests.harness.simulators import simulator_fixtures

make_agile, agile = simulator_fixtures("agile", AgileSimulator, AgileConfig, SMALL)

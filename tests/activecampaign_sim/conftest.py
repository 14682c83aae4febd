"""A small simulated ActiveCampaign account per test (a small account, no rate limit)."""

from activecampaign_sim import ACConfig, ACSimulator
from tests.activecampaign_sim.helpers import SMALL
from tests.harness.simulators import simulator_fixtures

make_ac, ac = simulator_fixtures("ac", ACSimulator, ACConfig, SMALL)

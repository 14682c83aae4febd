"""A small simulated Whautomate account per test."""

from tests.harness.simulators import simulator_fixtures
from whautomate_sim import WhautomateConfig, WhautomateSimulator

SMALL = {"seed": 5, "contacts": 23, "locations": 2}

make_whautomate, whautomate = simulator_fixtures(
    "whautomate", WhautomateSimulator, WhautomateConfig, SMALL
)

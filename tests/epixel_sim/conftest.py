"""A small simulated Epixel install per test."""

from epixel_sim import EpixelConfig, EpixelSimulator
from tests.harness.simulators import simulator_fixtures

SMALL = {"seed": 5, "leads": 30, "appointments": 12, "page_size": 7}

make_epixel, epixel = simulator_fixtures("epixel", EpixelSimulator, EpixelConfig, SMALL)

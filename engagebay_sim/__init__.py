"""A standard-library simulator of the EngageBay REST API, for offline tests and benchmarks."""

from engagebay_sim.config import PRESETS, SimConfig, preset
from engagebay_sim.data import STREAMS
from engagebay_sim.faults import KINDS as FAULT_KINDS
from engagebay_sim.server import Simulator

__all__ = ["FAULT_KINDS", "PRESETS", "STREAMS", "SimConfig", "Simulator", "preset"]

"""A standard-library simulator of Whautomate's contacts API, on the ``crm_sim`` core."""

from whautomate_sim.config import PRESETS, WhautomateConfig, preset
from whautomate_sim.server import WhautomateSimulator

__all__ = ["PRESETS", "WhautomateConfig", "WhautomateSimulator", "preset"]

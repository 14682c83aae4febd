"""A standard-library simulator of Epixel's Leads & CRM API, on the ``crm_sim`` core."""

from epixel_sim.config import PRESETS, EpixelConfig, preset
from epixel_sim.server import STREAMS, EpixelSimulator

__all__ = ["PRESETS", "STREAMS", "EpixelConfig", "EpixelSimulator", "preset"]

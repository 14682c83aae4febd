"""A standard-library simulator of the Agile CRM REST API, on the ``crm_sim`` core."""

from agilecrm_sim.config import PRESETS, AgileConfig, preset
from agilecrm_sim.server import STREAMS, AgileSimulator

__all__ = ["PRESETS", "STREAMS", "AgileConfig", "AgileSimulator", "preset"]

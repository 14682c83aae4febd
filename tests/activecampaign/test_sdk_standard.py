"""The Meltano SDK's own standard tap tests (discovery, sync, every attribute's type) against
a small simulated account."""

from __future__ import annotations

import atexit

import pytest
from singer_sdk.testing import get_tap_test_class

from activecampaign_sim import ACConfig, ACSimulator
from tap_activecampaign.tap import TapActiveCampaign
from tests.activecampaign_sim.helpers import SMALL

# Columns the schema declares that this small account's records happen not to carry (and
# extra_fields, sent only when a record has keys no column names) are reported as warnings.
pytestmark = pytest.mark.filterwarnings("ignore:Fields in transformed catalog but not in records")

# The SDK builds its test class from a config at import time, so the simulator starts here.
_SIM = ACSimulator(ACConfig(**SMALL)).start()
atexit.register(_SIM.stop)

TestTapActiveCampaign = get_tap_test_class(
    TapActiveCampaign,
    config={"api_url": _SIM.url, "api_token": _SIM.config.api_token, "requests_per_second": 50},
)

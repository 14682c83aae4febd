"""The Meltano SDK's own standard tap tests, against a small simulated account."""

from __future__ import annotations

import atexit

import pytest
from singer_sdk.testing import get_tap_test_class

from tap_whautomate.tap import TapWhautomate
from whautomate_sim import WhautomateConfig, WhautomateSimulator

# extra_fields holds keys the document does not name: none in the simulator's contacts.
pytestmark = pytest.mark.filterwarnings("ignore:Fields in transformed catalog but not in records")

# The SDK builds its test class from a config, so the simulator starts with the module.
_SIM = WhautomateSimulator(WhautomateConfig(seed=1, contacts=23)).start()
atexit.register(_SIM.stop)

TestTapWhautomate = get_tap_test_class(
    TapWhautomate,
    config={"api_key": _SIM.config.api_key, "api_url": _SIM.url, "page_size": 7},
)

"""The Meltano SDK's own standard tap tests, run against a small simulated install."""

from __future__ import annotations

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from epixel_sim import EpixelConfig, EpixelSimulator
from tap_epixel.tap import TapEpixel
from tests.epixel.pipeline import tap_config
from tests.epixel_sim.conftest import SMALL

# The core writes `extra_fields` only when a record has something in it (crm_core.conform),
# which the SDK's schema-vs-record tests report as warnings; everything else must pass.
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Fields in transformed catalog but not in records:UserWarning"
    ),
    pytest.mark.filterwarnings("ignore:No records were available to test:UserWarning"),
]

_SIM = EpixelSimulator(EpixelConfig(**SMALL))


@pytest.fixture(scope="module", autouse=True)
def _serving():
    _SIM.start()
    yield
    _SIM.stop()


def _config():
    # The SDK builds the test class at import: the simulator listens from then on.
    _SIM.start()
    return tap_config(_SIM)


TestTapEpixel = get_tap_test_class(
    tap_class=TapEpixel,
    config=_config(),
    suite_config=SuiteConfig(max_records_limit=20),
)

"""Settings as Meltano hands them to the tap: a fractional `retry_wait_base` from the env."""

from __future__ import annotations

import json

import pytest

from tap_engagebay.streams import CUSTOM_SCOPES
from tap_engagebay.tap import TapEngageBay
from tests.meltano.project import TAP_ENGAGEBAY, meltano_fixture


class OfflineTap(TapEngageBay):
    """The tap with its lookups known: it constructs without a request."""

    known_lookups = {"tracks": [], **{f"customfields:{s}": [] for s in CUSTOM_SCOPES}}  # noqa: RUF012


pytestmark = pytest.mark.meltano
ENV = {"TAP_ENGAGEBAY_API_URL": "https://eb.example", "TAP_ENGAGEBAY_API_KEY": "some-key"}


meltano = meltano_fixture(TAP_ENGAGEBAY)


def first_wait(config):
    tap = OfflineTap(config={**config, "api_key": "some-key"}, validate_config=True)
    waits = tap.streams["contacts"].backoff_wait_generator()
    next(waits)
    return waits.send(RuntimeError("retry"))


@pytest.mark.parametrize(
    ("env", "seconds"), [({}, 2.0), ({"TAP_ENGAGEBAY_RETRY_WAIT_BASE": "0.25"}, 0.25)]
)
def test_retry_wait_base_from_the_environment(meltano, env, seconds):
    config = json.loads(meltano.ok("config", "print", "tap-engagebay", env={**ENV, **env}))
    assert first_wait(config) == seconds

"""The first retry wait: `retry_wait_base` in seconds; the old `retry_wait_base_ms` still works."""

import logging

import pytest
from singer_sdk.exceptions import ConfigValidationError

from tap_engagebay.streams import CUSTOM_SCOPES
from tap_engagebay.tap import TapEngageBay


class OfflineTap(TapEngageBay):
    """The tap with its lookups known: it constructs without a request."""

    known_lookups = {"tracks": [], **{f"customfields:{s}": [] for s in CUSTOM_SCOPES}}  # noqa: RUF012


BASE = {"api_key": "test-key", "api_url": "http://127.0.0.1:9"}


def first_waits(config, count=3):
    tap = OfflineTap(config={**BASE, **config}, validate_config=True)
    waits = tap.streams["contacts"].backoff_wait_generator()
    assert next(waits) == 0.0
    return [waits.send(RuntimeError("retry")) for _ in range(count)]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, [2.0, 4.0, 8.0]),
        ({"retry_wait_base": 0.25}, [0.25, 0.5, 1.0]),
        ({"retry_wait_base": "0.25"}, [0.25, 0.5, 1.0]),  # as Meltano passes it
        ({"retry_wait_base": 3}, [3.0, 6.0, 12.0]),
    ],
)
def test_retry_wait_base_is_in_seconds(config, expected):
    assert first_waits(config) == expected


def test_the_old_setting_in_milliseconds_still_works_with_one_warning(caplog):
    caplog.set_level(logging.WARNING)
    assert first_waits({"retry_wait_base_ms": 500}) == [0.5, 1.0, 2.0]
    warnings = [r.getMessage() for r in caplog.records if "deprecated" in r.getMessage()]
    assert len(warnings) == 1
    assert "retry_wait_base_ms" in warnings[0]
    assert "set retry_wait_base (in seconds)" in warnings[0]


def test_no_warning_without_the_old_setting(caplog):
    caplog.set_level(logging.WARNING)
    first_waits({"retry_wait_base": 1})
    assert not [r for r in caplog.records if "deprecated" in r.getMessage()]


@pytest.mark.parametrize("value", ["soon", "-1", -1])
def test_a_bad_retry_wait_base_is_refused_naming_the_setting(value):
    with pytest.raises(ConfigValidationError) as refused:
        OfflineTap(config={**BASE, "retry_wait_base": value}, validate_config=True)
    assert "retry_wait_base" in " ".join(refused.value.errors)

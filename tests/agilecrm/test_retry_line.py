"""The retry line (crm_core.http) names the request actually sent: its method and path, no
query, no secret."""

from __future__ import annotations

import logging

from tap_agilecrm.tap import TapAgileCRM
from tests.agilecrm.pipeline import tap_config


def test_the_retry_line_names_the_request_sent_not_the_streams_path(agile, caplog):
    tap = TapAgileCRM(config=tap_config(agile))
    stream = tap.streams["contacts"]
    # A request of the stream to another endpoint than its own path, with a query.
    key = agile.config.api_key
    request = stream.build_request(
        None, extra={"token": key, "q": "x"}, endpoint=("POST", "/filters/filter/dynamic-filter")
    )
    details = {"args": (request, None), "wait": 0.5, "tries": 1, "exception": OSError(key)}
    with caplog.at_level(logging.WARNING):
        stream.backoff_handler(details)
    [line] = [r.getMessage() for r in caplog.records if "dynamic-filter" in r.getMessage()]
    assert line.startswith("contacts: retrying POST /filters/filter/dynamic-filter in 0.50 s")
    assert "?" not in line
    assert "/dev/api" not in line
    assert key not in line

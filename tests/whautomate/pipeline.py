"""Run tap-whautomate alone or piped into the DuckDB loader (schema ``whautomate``)."""

from __future__ import annotations

import typing as t

from tests.harness.pipeline import BIN, Source, TapRun, query

if t.TYPE_CHECKING:
    from whautomate_sim import WhautomateSimulator

__all__ = ["BIN", "SCHEMA", "SOURCE", "TapRun", "load", "query", "run_tap", "tap_config"]

SOURCE = Source("tap-whautomate", "whautomate")
SCHEMA = SOURCE.schema

run_tap = SOURCE.run_tap
load = SOURCE.load


def tap_config(sim: WhautomateSimulator, **extra: t.Any) -> dict[str, t.Any]:
    return {
        "api_key": sim.config.api_key,
        "api_url": sim.url,
        "retry_wait_base": 0.01,
        "page_size": 7,
        **extra,
    }

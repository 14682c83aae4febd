"""Run tap-agilecrm alone or piped into the DuckDB loader (schema ``agilecrm``)."""

from __future__ import annotations

import typing as t

from tests.harness.pipeline import BIN, Run, Source, Started, TapRun, query

if t.TYPE_CHECKING:
    from agilecrm_sim import AgileSimulator

__all__ = [
    "BIN",
    "SCHEMA",
    "SOURCE",
    "STREAMS",
    "Run",
    "Started",
    "TapRun",
    "catalog_selecting",
    "query",
    "run_pipeline",
    "run_tap",
    "start_pipeline",
    "table_ids",
    "tap_config",
]

SOURCE = Source("tap-agilecrm", "agilecrm")
SCHEMA = SOURCE.schema
STREAMS = (
    "contacts", "companies", "deals", "tracks", "tasks", "events", "campaigns", "tickets",
    "notes", "deal_notes", "documents", "ticket_messages",
)  # fmt: skip

run_tap = SOURCE.run_tap
run_pipeline = SOURCE.run_pipeline
start_pipeline = SOURCE.start_pipeline
catalog_selecting = SOURCE.catalog_selecting
table_ids = SOURCE.table_ids


def tap_config(sim: AgileSimulator, **extra: t.Any) -> dict[str, t.Any]:
    return {
        "email": sim.config.email,
        "api_key": sim.config.api_key,
        "api_url": sim.url,
        "retry_wait_base": 0.01,
        "page_size": 7,
        **extra,
    }

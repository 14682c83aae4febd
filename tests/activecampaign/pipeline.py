"""Run tap-activecampaign alone or piped into the DuckDB loader (schema ``activecampaign``)."""

from __future__ import annotations

import typing as t

from tests.harness.pipeline import BIN, Run, Source, TapRun, query

if t.TYPE_CHECKING:
    from activecampaign_sim import ACSimulator

__all__ = [
    "BIN",
    "SCHEMA",
    "SOURCE",
    "STREAMS",
    "TAP",
    "Run",
    "TapRun",
    "catalog_selecting",
    "query",
    "run_pipeline",
    "run_tap",
    "table_ids",
    "tap_config",
    "windows_over",
]

SOURCE = Source("tap-activecampaign", "activecampaign")
TAP = SOURCE.executable
SCHEMA = SOURCE.schema
STREAMS = (
    "contacts", "accounts", "account_contacts", "deals", "deal_stages", "deal_groups",
    "deal_tasks", "notes", "tags", "contact_tags", "lists", "contact_lists", "automations",
    "contact_automations", "campaigns", "messages", "forms", "segments", "users", "groups",
    "fields", "field_values", "deal_custom_field_meta", "deal_custom_field_data",
    "account_custom_field_meta", "account_custom_field_data", "ecom_customers", "ecom_orders",
    "contact_deals", "deal_tasktypes", "deal_roles", "connections", "ecom_order_products",
)  # fmt: skip

run_tap = SOURCE.run_tap
run_pipeline = SOURCE.run_pipeline
catalog_selecting = SOURCE.catalog_selecting
table_ids = SOURCE.table_ids


def tap_config(sim: ACSimulator, **extra: t.Any) -> dict[str, t.Any]:
    return {
        "api_url": sim.url,
        "api_token": sim.config.api_token,
        "retry_wait_base": 0.01,
        "requests_per_second": 50,
        **extra,
    }


def windows_over(times: list[float], limit: int, window: float = 1.0) -> list[float]:
    """Start times of any one-second window that holds more than ``limit`` requests."""
    times = sorted(times)
    return [times[i] for i in range(len(times) - limit) if times[i + limit] - times[i] < window]

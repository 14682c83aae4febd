"""Run tap-engagebay and the DuckDB loader the way Meltano does: two processes joined by a pipe."""

from __future__ import annotations

import typing as t

from tests.harness.pipeline import BIN, Run, Source, Started, query

if t.TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "BIN",
    "KEYS",
    "SCHEMA",
    "SOURCE",
    "STREAMS_WITH_IDS",
    "Run",
    "Started",
    "catalog_selecting",
    "query",
    "run_pipeline",
    "start_pipeline",
    "table_ids",
]

SOURCE = Source("tap-engagebay", "engagebay", timeout=600)
SCHEMA = SOURCE.schema
#: Every stream and its key column.
KEYS = {
    "contacts": "id", "companies": "id", "deals": "id", "tasks": "id", "tickets": "id",
    "products": "id", "notes": "id", "call_logs": "id", "events": "id", "tracks": "id",
    "owners": "id", "custom_fields": "id", "tags": "tag", "contact_lists": "id", "forms": "id",
}  # fmt: skip
#: Every stream keyed by an integer ``id`` (tags are keyed by ``tag``).
STREAMS_WITH_IDS = tuple(stream for stream, key in KEYS.items() if key == "id")

table_ids = SOURCE.table_ids


def _tap_config(api_url: str, api_key: str, **extra: t.Any) -> dict[str, t.Any]:
    return {"api_key": api_key, "api_url": api_url, "retry_wait_base": 0.01, **extra}


def run_pipeline(  # noqa: PLR0913
    workdir: Path,
    api_url: str,
    *,
    api_key: str = "sim-key",
    state: dict[str, t.Any] | None = None,
    tap_config: dict[str, t.Any] | None = None,
    target_config: dict[str, t.Any] | None = None,
    catalog: dict[str, t.Any] | None = None,
    timeout: float = 600,
) -> Run:
    """Run tap-engagebay | target-duckdb-sdk once.

    Args:
        workdir: Folder for configs; the warehouse is ``workdir/warehouse.duckdb``.
        api_url: The simulator's URL.
        api_key: The key to send.
        state: A state to start from.
        tap_config: Settings added to the tap's.
        target_config: Settings added to the loader's.
        catalog: A catalog to pass (selection).
        timeout: Seconds before the run is killed.

    Returns:
        The run's outcome.
    """
    return SOURCE.run_pipeline(
        workdir,
        _tap_config(api_url, api_key, **(tap_config or {})),
        state=state,
        catalog=catalog,
        target_config=target_config,
        timeout=timeout,
    )


def start_pipeline(  # noqa: PLR0913
    workdir: Path,
    api_url: str,
    *,
    api_key: str = "sim-key",
    state: dict[str, t.Any] | None = None,
    tap_config: dict[str, t.Any] | None = None,
    target_config: dict[str, t.Any] | None = None,
    catalog: dict[str, t.Any] | None = None,
) -> Started:
    """Start tap-engagebay | target-duckdb-sdk and return at once (the caller ends them).

    The arguments are ``run_pipeline``'s; the logs go to ``workdir/tap.stderr`` and
    ``target.stderr``.
    """
    return SOURCE.start_pipeline(
        workdir,
        _tap_config(api_url, api_key, **(tap_config or {})),
        state=state,
        catalog=catalog,
        target_config=target_config,
    )


def catalog_selecting(api_url: str, api_key: str, streams: set[str]) -> dict[str, t.Any]:
    """Discover the catalog and select only some streams.

    Args:
        api_url: The simulator's URL.
        api_key: The key.
        streams: Names of the streams to select.

    Returns:
        The catalog.
    """
    return SOURCE.catalog_selecting({"api_key": api_key, "api_url": api_url}, streams)

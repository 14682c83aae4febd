"""Run the tap and the DuckDB loader the way Meltano does: two processes joined by a pipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t
from dataclasses import dataclass
from pathlib import Path

import duckdb

BIN = Path(sys.executable).parent
SCHEMA = "engagebay"
#: Every stream keyed by an integer ``id`` (tags are keyed by ``tag``).
STREAMS_WITH_IDS = (
    "contacts", "companies", "deals", "tasks", "tickets", "products", "notes", "call_logs",
    "events", "tracks", "owners", "custom_fields", "contact_lists", "forms",
)  # fmt: skip


@dataclass
class Run:
    """What one pipeline run left behind."""

    tap_rc: int
    target_rc: int
    tap_stderr: str
    target_stderr: str
    states: list[dict[str, t.Any]]
    database: Path

    @property
    def state(self) -> dict[str, t.Any] | None:
        """The last state the loader confirmed."""
        return self.states[-1] if self.states else None


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
    tap_cmd, target_cmd, database = _commands(
        workdir,
        api_url,
        api_key=api_key,
        state=state,
        tap_config=tap_config,
        target_config=target_config,
        catalog=catalog,
    )
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    tap_err = (workdir / "tap.stderr").open("w+")
    tgt_err = (workdir / "target.stderr").open("w+")
    with tap_err, tgt_err:
        tap = subprocess.Popen(tap_cmd, stdout=subprocess.PIPE, stderr=tap_err, env=env)
        target = subprocess.Popen(
            target_cmd,
            stdin=tap.stdout,
            stdout=subprocess.PIPE,
            stderr=tgt_err,
            env=env,
        )
        assert tap.stdout is not None
        tap.stdout.close()
        out, _ = target.communicate(timeout=timeout)
        tap.wait(timeout=timeout)
        tap_err.seek(0)
        tgt_err.seek(0)
        states = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
        return Run(
            tap.returncode, target.returncode, tap_err.read(), tgt_err.read(), states, database
        )


def _commands(  # noqa: PLR0913
    workdir: Path,
    api_url: str,
    *,
    api_key: str,
    state: dict[str, t.Any] | None,
    tap_config: dict[str, t.Any] | None,
    target_config: dict[str, t.Any] | None,
    catalog: dict[str, t.Any] | None,
) -> tuple[list[str], list[str], Path]:
    """Write the configs (and state, catalog) and return the tap's and the loader's commands."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "warehouse.duckdb"
    tap_cfg = {
        "api_key": api_key,
        "api_url": api_url,
        "retry_wait_base": 0.01,
        **(tap_config or {}),
    }
    (workdir / "tap.json").write_text(json.dumps(tap_cfg))
    tgt_cfg = {"path": str(database), "default_target_schema": SCHEMA, **(target_config or {})}
    (workdir / "target.json").write_text(json.dumps(tgt_cfg))
    tap_cmd = [str(BIN / "tap-engagebay"), "--config", str(workdir / "tap.json")]
    if state is not None:
        (workdir / "state.json").write_text(json.dumps(state))
        tap_cmd += ["--state", str(workdir / "state.json")]
    if catalog is not None:
        (workdir / "catalog.json").write_text(json.dumps(catalog))
        tap_cmd += ["--catalog", str(workdir / "catalog.json")]
    target_cmd = [str(BIN / "target-duckdb-sdk"), "--config", str(workdir / "target.json")]
    return tap_cmd, target_cmd, database


@dataclass
class Started:
    """A pipeline still running: the tap's stdout feeds the loader; the loader's is a pipe."""

    tap: subprocess.Popen[bytes]
    target: subprocess.Popen[bytes]
    database: Path


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

    Args:
        workdir: Folder for configs; the warehouse is ``workdir/warehouse.duckdb``.
        api_url: The simulator's URL.
        api_key: The key to send.
        state: A state to start from.
        tap_config: Settings added to the tap's.
        target_config: Settings added to the loader's.
        catalog: A catalog to pass (selection).

    Returns:
        The two processes; their stderr goes to ``workdir/tap.stderr`` and ``target.stderr``.
    """
    tap_cmd, target_cmd, database = _commands(
        workdir,
        api_url,
        api_key=api_key,
        state=state,
        tap_config=tap_config,
        target_config=target_config,
        catalog=catalog,
    )
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    with (workdir / "tap.stderr").open("w") as tap_err:
        tap = subprocess.Popen(tap_cmd, stdout=subprocess.PIPE, stderr=tap_err, env=env)
    with (workdir / "target.stderr").open("w") as tgt_err:
        target = subprocess.Popen(
            target_cmd, stdin=tap.stdout, stdout=subprocess.PIPE, stderr=tgt_err, env=env
        )
    assert tap.stdout is not None
    tap.stdout.close()
    return Started(tap, target, database)


def catalog_selecting(api_url: str, api_key: str, streams: set[str]) -> dict[str, t.Any]:
    """Discover the catalog and select only some streams.

    Args:
        api_url: The simulator's URL.
        api_key: The key.
        streams: Names of the streams to select.

    Returns:
        The catalog.
    """
    config = json.dumps({"api_key": api_key, "api_url": api_url})
    result = subprocess.run(
        [str(BIN / "tap-engagebay"), "--config", "/dev/stdin", "--discover"],
        input=config,
        capture_output=True,
        text=True,
        check=True,
    )
    catalog: dict[str, t.Any] = json.loads(result.stdout)
    for entry in catalog["streams"]:
        for meta in entry["metadata"]:
            if not meta["breadcrumb"]:
                meta["metadata"]["selected"] = entry["tap_stream_id"] in streams
    return catalog


def query(database: Path, sql: str) -> list[tuple[t.Any, ...]]:
    """Run a query on the warehouse (read-only).

    Args:
        database: The DuckDB file.
        sql: The query.

    Returns:
        All rows.
    """
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def table_ids(database: Path, table: str, key: str = "id") -> tuple[int, set[t.Any]]:
    """Row count and distinct keys of a warehouse table.

    Args:
        database: The DuckDB file.
        table: The stream name.
        key: The key column.

    Returns:
        (rows, set of keys).
    """
    rows = query(database, f'SELECT "{key}" FROM {SCHEMA}."{table}"')
    return len(rows), {row[0] for row in rows}

"""Run tap-agilecrm alone or piped into the DuckDB loader (schema ``agilecrm``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t
from dataclasses import dataclass
from pathlib import Path

import duckdb

if t.TYPE_CHECKING:
    from agilecrm_sim import AgileSimulator

BIN = Path(sys.executable).parent
SCHEMA = "agilecrm"
STREAMS = (
    "contacts", "companies", "deals", "tracks", "tasks", "events", "campaigns", "tickets",
    "notes", "deal_notes", "documents", "ticket_messages",
)  # fmt: skip


def tap_config(sim: AgileSimulator, **extra: t.Any) -> dict[str, t.Any]:
    return {
        "email": sim.config.email,
        "api_key": sim.config.api_key,
        "api_url": sim.url,
        "retry_wait_base": 0.01,
        "page_size": 7,
        **extra,
    }


@dataclass
class Run:
    tap_rc: int
    target_rc: int
    tap_stderr: str
    target_stderr: str
    states: list[dict[str, t.Any]]
    database: Path

    @property
    def state(self) -> dict[str, t.Any] | None:
        return self.states[-1] if self.states else None


def _commands(
    workdir: Path,
    config: dict[str, t.Any],
    *,
    state: dict[str, t.Any] | None = None,
    catalog: dict[str, t.Any] | None = None,
    target_config: dict[str, t.Any] | None = None,
) -> tuple[list[str], list[str], Path]:
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "warehouse.duckdb"
    (workdir / "tap.json").write_text(json.dumps(config))
    tgt = {"path": str(database), "default_target_schema": SCHEMA, **(target_config or {})}
    (workdir / "target.json").write_text(json.dumps(tgt))
    tap_cmd = [str(BIN / "tap-agilecrm"), "--config", str(workdir / "tap.json")]
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
    tap: subprocess.Popen[bytes]
    target: subprocess.Popen[bytes]
    database: Path


def start_pipeline(
    workdir: Path,
    config: dict[str, t.Any],
    *,
    state: dict[str, t.Any] | None = None,
    catalog: dict[str, t.Any] | None = None,
    target_config: dict[str, t.Any] | None = None,
) -> Started:
    """Start tap-agilecrm | target-duckdb-sdk and return at once (the caller ends them)."""
    tap_cmd, target_cmd, database = _commands(
        workdir, config, state=state, catalog=catalog, target_config=target_config
    )
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    with (workdir / "tap.err").open("w") as tap_err:
        tap = subprocess.Popen(tap_cmd, stdout=subprocess.PIPE, stderr=tap_err, env=env)
    with (workdir / "tgt.err").open("w") as tgt_err:
        target = subprocess.Popen(
            target_cmd, stdin=tap.stdout, stdout=subprocess.PIPE, stderr=tgt_err, env=env
        )
    assert tap.stdout is not None
    tap.stdout.close()
    return Started(tap, target, database)


def catalog_selecting(config: dict[str, t.Any], streams: set[str]) -> dict[str, t.Any]:
    """Discover the catalog and select only some streams."""
    result = subprocess.run(
        [str(BIN / "tap-agilecrm"), "--config", "/dev/stdin", "--discover"],
        input=json.dumps(config),
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


def run_pipeline(
    workdir: Path,
    config: dict[str, t.Any],
    *,
    state: dict[str, t.Any] | None = None,
    catalog: dict[str, t.Any] | None = None,
    timeout: float = 300,
) -> Run:
    tap_cmd, target_cmd, database = _commands(workdir, config, state=state, catalog=catalog)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    with (workdir / "tap.err").open("w+") as tap_err, (workdir / "tgt.err").open("w+") as tgt_err:
        tap = subprocess.Popen(tap_cmd, stdout=subprocess.PIPE, stderr=tap_err, env=env)
        target = subprocess.Popen(
            target_cmd, stdin=tap.stdout, stdout=subprocess.PIPE, stderr=tgt_err, env=env
        )
        assert tap.stdout is not None
        tap.stdout.close()
        out, _ = target.communicate(timeout=timeout)
        tap.wait(timeout=timeout)
        tap_err.seek(0)
        tgt_err.seek(0)
        states = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
        return Run(tap.returncode, target.returncode, tap_err.read(), tgt_err.read(), states,
                   database)  # fmt: skip


@dataclass
class TapRun:
    rc: int
    stdout: str
    stderr: str

    @property
    def messages(self) -> list[dict[str, t.Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def records(self, stream: str) -> list[dict[str, t.Any]]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    @property
    def state(self) -> dict[str, t.Any]:
        states = [m["value"] for m in self.messages if m["type"] == "STATE"]
        return states[-1] if states else {}


def run_tap(
    workdir: Path,
    config: dict[str, t.Any],
    *,
    state: dict[str, t.Any] | None = None,
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> TapRun:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tap.json").write_text(json.dumps(config))
    cmd = [str(BIN / "tap-agilecrm"), "--config", str(workdir / "tap.json"), *args]
    if state is not None:
        (workdir / "state.json").write_text(json.dumps(state))
        cmd += ["--state", str(workdir / "state.json")]
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})},
    )
    return TapRun(proc.returncode, proc.stdout, proc.stderr)


def query(database: Path, sql: str) -> list[tuple[t.Any, ...]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def table_ids(database: Path, table: str) -> tuple[int, set[int]]:
    rows = query(database, f'SELECT id FROM {SCHEMA}."{table}"')
    return len(rows), {row[0] for row in rows}

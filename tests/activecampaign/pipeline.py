"""Run tap-activecampaign alone or piped into the DuckDB loader (schema ``activecampaign``)."""

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
    from activecampaign_sim import ACSimulator

BIN = Path(sys.executable).parent
TAP = BIN / "tap-activecampaign"
SCHEMA = "activecampaign"
STREAMS = (
    "contacts", "accounts", "account_contacts", "deals", "deal_stages", "deal_groups",
    "deal_tasks", "notes", "tags", "contact_tags", "lists", "contact_lists", "automations",
    "contact_automations", "campaigns", "messages", "forms", "segments", "users", "groups",
    "fields", "field_values", "deal_custom_field_meta", "deal_custom_field_data",
    "account_custom_field_meta", "account_custom_field_data", "ecom_customers", "ecom_orders",
    "contact_deals", "deal_tasktypes", "deal_roles", "connections", "ecom_order_products",
)  # fmt: skip


def tap_config(sim: ACSimulator, **extra: t.Any) -> dict[str, t.Any]:
    return {
        "api_url": sim.url,
        "api_token": sim.config.api_token,
        "retry_wait_base": 0.01,
        "requests_per_second": 50,
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
    def state(self) -> dict[str, t.Any]:
        return self.states[-1] if self.states else {}


def run_pipeline(
    workdir: Path,
    config: dict[str, t.Any],
    *,
    state: dict[str, t.Any] | None = None,
    catalog: dict[str, t.Any] | None = None,
    timeout: float = 300,
) -> Run:
    """tap-activecampaign | target-duckdb-sdk, to the end."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "warehouse.duckdb"
    (workdir / "tap.json").write_text(json.dumps(config))
    (workdir / "target.json").write_text(
        json.dumps({"path": str(database), "default_target_schema": SCHEMA})
    )
    tap_cmd = [str(TAP), "--config", str(workdir / "tap.json")]
    if state is not None:
        (workdir / "state.json").write_text(json.dumps(state))
        tap_cmd += ["--state", str(workdir / "state.json")]
    if catalog is not None:
        (workdir / "catalog.json").write_text(json.dumps(catalog))
        tap_cmd += ["--catalog", str(workdir / "catalog.json")]
    target_cmd = [str(BIN / "target-duckdb-sdk"), "--config", str(workdir / "target.json")]
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

    def ids(self, stream: str) -> list[int]:
        return [int(r["id"]) for r in self.records(stream)]

    @property
    def state(self) -> dict[str, t.Any]:
        states = [m["value"] for m in self.messages if m["type"] == "STATE"]
        return states[-1] if states else {}


def run_tap(
    workdir: Path,
    config: dict[str, t.Any],
    *,
    state: dict[str, t.Any] | None = None,
    catalog: dict[str, t.Any] | None = None,
    env: dict[str, str] | None = None,
) -> TapRun:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tap.json").write_text(json.dumps(config))
    cmd = [str(TAP), "--config", str(workdir / "tap.json")]
    if state is not None:
        (workdir / "state.json").write_text(json.dumps(state))
        cmd += ["--state", str(workdir / "state.json")]
    if catalog is not None:
        (workdir / "catalog.json").write_text(json.dumps(catalog))
        cmd += ["--catalog", str(workdir / "catalog.json")]
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})},
    )
    return TapRun(proc.returncode, proc.stdout, proc.stderr)


def catalog_selecting(config: dict[str, t.Any], streams: set[str]) -> dict[str, t.Any]:
    """Discover the catalog and select only some streams."""
    result = subprocess.run(
        [str(TAP), "--config", "/dev/stdin", "--discover"],
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


def query(database: Path, sql: str) -> list[tuple[t.Any, ...]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def table_ids(database: Path, table: str) -> tuple[int, set[int]]:
    rows = query(database, f'SELECT id FROM {SCHEMA}."{table}"')
    return len(rows), {row[0] for row in rows}


def windows_over(times: list[float], limit: int, window: float = 1.0) -> list[float]:
    """Start times of any one-second window that holds more than ``limit`` requests."""
    times = sorted(times)
    return [times[i] for i in range(len(times) - limit) if times[i + limit] - times[i] < window]

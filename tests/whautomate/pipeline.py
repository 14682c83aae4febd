"""Run tap-whautomate alone or piped into the DuckDB loader (schema ``whautomate``)."""

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
    from whautomate_sim import WhautomateSimulator

BIN = Path(sys.executable).parent
SCHEMA = "whautomate"


def tap_config(sim: WhautomateSimulator, **extra: t.Any) -> dict[str, t.Any]:
    return {
        "api_key": sim.config.api_key,
        "api_url": sim.url,
        "retry_wait_base": 0.01,
        "page_size": 7,
        **extra,
    }


@dataclass
class TapRun:
    rc: int
    stdout: str
    stderr: str

    @property
    def messages(self) -> list[dict[str, t.Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def records(self, stream: str = "contacts") -> list[dict[str, t.Any]]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def kinds(self, stream: str = "contacts") -> list[str]:
        return [m["type"] for m in self.messages if m.get("stream") == stream]

    def schema(self, stream: str = "contacts") -> dict[str, t.Any]:
        schemas = [
            m["schema"] for m in self.messages if m["type"] == "SCHEMA" and m["stream"] == stream
        ]
        assert schemas, self.stderr[-2000:]
        found: dict[str, t.Any] = schemas[-1]
        return found

    @property
    def state(self) -> dict[str, t.Any]:
        states = [m["value"] for m in self.messages if m["type"] == "STATE"]
        return states[-1] if states else {}


def run_tap(
    workdir: Path,
    config: dict[str, t.Any],
    *,
    state: dict[str, t.Any] | None = None,
    env: dict[str, str] | None = None,
) -> TapRun:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tap.json").write_text(json.dumps(config))
    cmd = [str(BIN / "tap-whautomate"), "--config", str(workdir / "tap.json")]
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


def load(workdir: Path, run: TapRun, database: Path) -> None:
    """Pipe a tap run's output into target-duckdb-sdk (schema ``whautomate``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / "target.json"
    target.write_text(json.dumps({"path": str(database), "default_target_schema": SCHEMA}))
    proc = subprocess.run(
        [str(BIN / "target-duckdb-sdk"), "--config", str(target)],
        input=run.stdout,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


def query(database: Path, sql: str) -> list[tuple[t.Any, ...]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()

"""Run tap-epixel alone or piped into the DuckDB loader (schema ``epixel``)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import typing as t
import warnings
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import duckdb

from tap_epixel.tap import main

if t.TYPE_CHECKING:
    from epixel_sim import EpixelSimulator

BIN = Path(sys.executable).parent
TAP = BIN / "tap-epixel"
SCHEMA = "epixel"
ENV = {**os.environ, "PYTHONWARNINGS": "ignore"}


def tap_config(sim: EpixelSimulator, **extra: t.Any) -> dict[str, t.Any]:
    c = sim.config
    return {
        "api_url": sim.url + c.api_prefix.rstrip("/"),
        "api_key": c.api_key,
        "username": c.username,
        "password": c.password,
        "retry_wait_base": 0.01,
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

    def records(self, stream: str) -> list[dict[str, t.Any]]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def kinds(self, stream: str) -> list[str]:
        return [m["type"] for m in self.messages if m.get("stream") == stream]


def run_tap(
    workdir: Path, config: dict[str, t.Any], *, env: dict[str, str] | None = None
) -> TapRun:
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tap.json").write_text(json.dumps(config))
    proc = subprocess.run(
        [str(TAP), "--config", str(workdir / "tap.json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**ENV, **(env or {})},
    )
    return TapRun(proc.returncode, proc.stdout, proc.stderr)


@dataclass
class Run:
    tap_rc: int
    target_rc: int
    tap_stderr: str
    target_stderr: str
    database: Path


def run_pipeline(workdir: Path, config: dict[str, t.Any], *, label: str = "run") -> Run:
    """tap-epixel | target-duckdb-sdk into ``workdir/warehouse.duckdb``."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "warehouse.duckdb"
    (workdir / f"{label}-tap.json").write_text(json.dumps(config))
    target = {"path": str(database), "default_target_schema": SCHEMA}
    (workdir / "target.json").write_text(json.dumps(target))
    tap_cmd = [str(TAP), "--config", str(workdir / f"{label}-tap.json")]
    target_cmd = [str(BIN / "target-duckdb-sdk"), "--config", str(workdir / "target.json")]
    with (
        (workdir / f"{label}-tap.err").open("w+") as tap_err,
        (workdir / f"{label}-tgt.err").open("w+") as tgt_err,
    ):
        tap = subprocess.Popen(tap_cmd, stdout=subprocess.PIPE, stderr=tap_err, env=ENV)
        tgt = subprocess.Popen(target_cmd, stdin=tap.stdout, stdout=subprocess.DEVNULL,
                               stderr=tgt_err, env=ENV)  # fmt: skip
        assert tap.stdout is not None
        tap.stdout.close()
        tgt.wait(timeout=120)
        tap.wait(timeout=120)
        tap_err.seek(0)
        tgt_err.seek(0)
        return Run(tap.returncode, tgt.returncode, tap_err.read(), tgt_err.read(), database)


def query(database: Path, sql: str) -> list[tuple[t.Any, ...]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def run_in_process(workdir: Path, config: dict[str, t.Any], capfd: t.Any) -> TapRun:
    """Run tap-epixel's command line in this process (a second each saved over a subprocess)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tap.json").write_text(json.dumps(config))
    capfd.readouterr()
    rc: int | str | None = 0
    root = logging.getLogger()
    # Handlers the SDK set up in an earlier test hold that test's (closed) stderr.
    loggers = [root, *(v for v in logging.root.manager.loggerDict.values()
                       if isinstance(v, logging.Logger))]  # fmt: skip
    for logger in loggers:
        for old in logger.handlers:
            if type(old) is logging.StreamHandler and getattr(old.stream, "closed", False):
                old.stream = sys.stderr
    filters = [(h, list(h.filters)) for h in root.handlers]
    logged = io.StringIO()
    handler = logging.StreamHandler(logged)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    argv = ["tap-epixel", "--config", str(workdir / "tap.json")]
    with mock.patch.object(sys, "argv", argv), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            main()
        except SystemExit as exc:
            rc = exc.code
    root.removeHandler(handler)
    for kept_handler, kept in filters:
        kept_handler.filters[:] = kept
    out, err = capfd.readouterr()
    return TapRun(rc if isinstance(rc, int) else 1, out, logged.getvalue() + err)

"""Run tap-epixel alone or piped into the DuckDB loader (schema ``epixel``)."""

from __future__ import annotations

import json
import typing as t

from tap_epixel.tap import main
from tests.harness import pipeline
from tests.harness.pipeline import BIN, Run, Source, TapRun, query

if t.TYPE_CHECKING:
    from pathlib import Path

    import pytest

    from epixel_sim import EpixelSimulator

__all__ = [
    "BIN",
    "SCHEMA",
    "SOURCE",
    "TAP",
    "Run",
    "TapRun",
    "query",
    "run_in_process",
    "run_pipeline",
    "run_tap",
    "tap_config",
]

SOURCE = Source("tap-epixel", "epixel", timeout=120)
TAP = SOURCE.executable
SCHEMA = SOURCE.schema

run_tap = SOURCE.run_tap
run_pipeline = SOURCE.run_pipeline


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


def run_in_process(
    workdir: Path, config: dict[str, t.Any], capfd: pytest.CaptureFixture[str]
) -> TapRun:
    """Run tap-epixel's command line in this process (a second each saved over a subprocess)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tap.json").write_text(json.dumps(config))
    return pipeline.run_in_process(
        main, ["tap-epixel", "--config", str(workdir / "tap.json")], capfd
    )

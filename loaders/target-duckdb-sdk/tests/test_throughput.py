"""Throughput of 100,000 records of 20 columns through the CLI (printed, never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from duckdb_target_helpers import Warehouse, record, schema_message

ROWS = 100_000
PROPS = {
    "id": {"type": "integer"},
    **{f"text_{i}": {"type": ["null", "string"]} for i in range(8)},
    **{f"int_{i}": {"type": ["null", "integer"]} for i in range(3)},
    "amount": {"type": ["null", "number"]},
    "active": {"type": ["null", "boolean"]},
    "created_time": {"type": ["null", "string"], "format": "date-time"},
    "updated_time": {"type": ["null", "string"], "format": "date-time"},
    "birthday": {"type": ["null", "string"], "format": "date"},
    "tags": {"type": ["null", "array"], "items": {"type": "string"}},
    "address": {"type": ["null", "object"]},
    "score": {"type": ["null", "integer"]},
}


def _messages(path: Path) -> None:
    with path.open("w") as out:
        out.write(json.dumps(schema_message("contacts", PROPS)) + "\n")
        for i in range(1, ROWS + 1):
            rec = {
                "id": 9_007_199_254_000_000 + i,
                **{f"text_{k}": f"value {k} of row {i}" for k in range(8)},
                **{f"int_{k}": i * k for k in range(3)},
                "amount": i / 7,
                "active": i % 2 == 0,
                "created_time": "2024-05-01T10:00:00Z",
                "updated_time": "2024-05-02T11:30:00.123+02:00",
                "birthday": "1990-02-28",
                "tags": ["a", "b"],
                "address": {"city": "Zürich", "zip": i},
                "score": None,
            }
            out.write(json.dumps(record("contacts", rec)) + "\n")
        out.write(json.dumps({"type": "STATE", "value": {"done": True}}) + "\n")


def _run(config: Path, messages: Path) -> float:
    target = Path(sys.executable).parent / "target-duckdb-sdk"
    started = time.perf_counter()
    with messages.open() as stdin:
        subprocess.run(
            [str(target), "--config", str(config)],
            stdin=stdin,
            capture_output=True,
            check=True,
            timeout=900,
        )
    return time.perf_counter() - started


@pytest.mark.slow
@pytest.mark.parametrize("validate", [True, False])
def test_throughput_100k(tmp_path: Path, validate: bool):
    messages = tmp_path / "messages.jsonl"
    _messages(messages)
    database = tmp_path / "w.duckdb"
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"path": str(database), "validate_records": validate}))
    first = _run(config, messages)
    again = _run(config, messages)  # every key exists: a full merge
    rows, ids = Warehouse(database).one(
        "SELECT count(*), count(DISTINCT id) FROM engagebay.contacts"
    )
    assert (rows, ids) == (ROWS, ROWS)
    print(
        f"\n{ROWS} records x {len(PROPS)} columns (validate_records={validate}): "
        f"insert {first:.1f} s = {ROWS / first:,.0f} rows/s; "
        f"re-run (merge) {again:.1f} s = {ROWS / again:,.0f} rows/s"
    )

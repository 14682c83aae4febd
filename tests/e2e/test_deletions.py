"""The full pass (``reconcile: true``) into DuckDB: deletions that never hurt good rows."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from functools import partial

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.e2e.deletions import (
    ACCOUNT,
    KEYS,
    QUOTA_MIDWAY,
    TAP_CONFIG,
    delete_one_of_each,
    live_keys,
    marked_deleted,
    sim_keys,
)
from tests.e2e.pipeline import BIN, query, run_pipeline

NONE_DELETED = {table: set() for table in KEYS}


def has_column(database, table, column):
    rows = query(
        database,
        "SELECT count(*) FROM information_schema.columns "
        f"WHERE table_schema = 'engagebay' AND table_name = '{table}' "
        f"AND column_name = '{column}'",
    )
    return rows[0][0] > 0


def ok(run):
    assert run.tap_rc == 0, run.tap_stderr[-3000:]
    assert run.target_rc == 0, run.target_stderr[-3000:]
    return run


@pytest.fixture
def sim():
    with Simulator(SimConfig(**ACCOUNT)) as simulator:
        yield simulator


@pytest.mark.slow
def test_a_stopped_full_pass_marks_nothing_and_a_complete_one_marks_exactly_the_deleted(
    tmp_path, sim
):
    config = {"api_key": sim.config.api_key, "tap_config": TAP_CONFIG}
    first = ok(run_pipeline(tmp_path, sim.url, **config))
    db = first.database
    warehouse = (partial(query, db), partial(has_column, db))
    assert live_keys(*warehouse) == {table: sim_keys(sim, table) for table in KEYS}
    gone = delete_one_of_each(sim)

    sim.set_faults(QUOTA_MIDWAY)
    reconcile = {**config, "tap_config": {**TAP_CONFIG, "reconcile": True}}
    stopped = run_pipeline(tmp_path, sim.url, state=first.state, **reconcile)
    assert stopped.tap_rc == 75, stopped.tap_stderr[-3000:]
    assert stopped.target_rc == 0, stopped.target_stderr[-3000:]
    # Stopped while reading the contacts' notes: no row at all looks deleted.
    assert marked_deleted(*warehouse) == NONE_DELETED

    sim.clear_faults()
    sim.new_day()
    ok(run_pipeline(tmp_path, sim.url, state=stopped.state, **reconcile))
    assert marked_deleted(*warehouse) == gone
    assert live_keys(*warehouse) == {table: sim_keys(sim, table) for table in KEYS}


def test_notes_and_call_logs_carry_the_contact_they_were_read_for(tmp_path, sim):
    run = ok(run_pipeline(tmp_path, sim.url, api_key=sim.config.api_key, tap_config=TAP_CONFIG))
    owners = {
        "notes": {str(r["id"]): str(r["parentId"]) for r in sim.truth("notes")},
        "call_logs": {str(r["id"]): str(r["contact_id"]) for r in sim.truth("call_logs")},
    }
    for table, owner_of in owners.items():
        rows = query(run.database, f"SELECT id, contact_id FROM engagebay.{table}")
        assert rows, table
        assert {str(i): str(c) if c is not None else None for i, c in rows} == owner_of, table


def test_one_schema_message_per_stream_per_run(tmp_path, sim):
    config = {"api_key": sim.config.api_key, "api_url": sim.url, **TAP_CONFIG, "reconcile": True}
    (tmp_path / "tap.json").write_text(json.dumps(config))
    out = subprocess.run(
        [str(BIN / "tap-engagebay"), "--config", str(tmp_path / "tap.json")],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    messages = [json.loads(line) for line in out.stdout.splitlines()]
    schemas = Counter(m["stream"] for m in messages if m["type"] == "SCHEMA")
    activations = Counter(m["stream"] for m in messages if m["type"] == "ACTIVATE_VERSION")
    assert sim.count("contacts") == ACCOUNT["contacts"]
    assert schemas == Counter(KEYS.keys())
    # One version a stream a pass, sent after the stream's last record.
    assert activations == Counter(KEYS.keys())
    for stream in ("contacts", "notes", "call_logs", "deals"):
        last_record = max(
            i for i, m in enumerate(messages) if m["type"] == "RECORD" and m["stream"] == stream
        )
        activation = next(
            i
            for i, m in enumerate(messages)
            if m["type"] == "ACTIVATE_VERSION" and m["stream"] == stream
        )
        assert last_record < activation, stream
        versions = {m["version"] for m in messages if m.get("stream") == stream and "version" in m}
        assert len(versions) == 1, stream

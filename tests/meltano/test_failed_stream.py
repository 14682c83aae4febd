"""Under `meltano run`, a stream that fails costs the others neither their rows nor their state."""

from __future__ import annotations

import json

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.e2e.pipeline import query
from tests.meltano.project import (
    SMALL_ENGAGEBAY,
    TAP_ENGAGEBAY,
    TARGET_DUCKDB,
    meltano_fixture,
    tap_env,
)

pytestmark = pytest.mark.meltano

STATE_ID = "dev:tap-engagebay-to-target-duckdb"


meltano = meltano_fixture(TAP_ENGAGEBAY | TARGET_DUCKDB)


def test_a_missing_endpoint_fails_the_run_but_the_other_streams_land(meltano, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with Simulator(SimConfig(seed=7, **SMALL_ENGAGEBAY)) as sim:
        sim.set_faults([{"kind": "404", "rate": 1.0, "path": "/forms"}])
        env = {**tap_env(sim.url, sim.config.api_key), "TARGET_DUCKDB_PATH": str(warehouse)}
        out = meltano("run", "engagebay-to-duckdb", env=env)
        assert out.returncode != 0
        assert "stream forms failed: GET /forms answered 404 Not Found" in out.stderr
        for stream in ("contacts", "notes", "tasks", "tickets", "tracks", "owners"):
            rows = query(warehouse, f"SELECT id FROM engagebay.{stream}")
            assert sorted(r[0] for r in rows) == sorted(sim.ids(stream)), stream
        # Meltano kept the state the loader confirmed: the next run starts from it.
        state = json.loads(meltano.ok("state", "get", STATE_ID, env=env))
        bookmarks = state["singer_state"]["bookmarks"]
        assert bookmarks["contacts"]["replication_key_value"]
        assert bookmarks["tickets"]["replication_key_value"]

"""tap-epixel piped into the patched target-postgres, against the Epixel simulator.

Every stream lands in schema epixel with each record exactly once (the simulator's truth);
a lead deleted in Epixel is marked deleted by the next complete read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from epixel_sim import EpixelConfig, EpixelSimulator
from tests.epixel.pipeline import tap_config
from tests.epixel_sim.conftest import SMALL
from tests.pg.harness import TargetRunner, column_types, fetch

pytestmark = pytest.mark.postgres

TAP = Path(sys.executable).parent / "tap-epixel"
SCHEMA = "epixel"


def test_exactly_once_and_deletions_after_a_complete_read(
    pg_server, target_postgres, pycache, tmp_path
):
    target = TargetRunner(target_postgres, pg_server.target_settings(), SCHEMA, tmp_path, pycache)
    with EpixelSimulator(EpixelConfig(**SMALL)) as sim, pg_server.connect() as conn:
        target.run_tap(tap_config(sim), tap=TAP)
        assert dict(fetch(conn, f"SELECT slug, relation FROM {SCHEMA}.leads")) == sim.leads_truth()
        ids = sorted(i for (i,) in fetch(conn, f"SELECT id FROM {SCHEMA}.appointments"))
        assert ids == sorted(sim.ids("appointments"))
        (overview,) = fetch(conn, f"SELECT overview FROM {SCHEMA}.lead_overview")
        assert overview[0] == sim.overview()
        types = column_types(conn, SCHEMA, "lead_overview")
        assert types["snapshot_time"] == "timestamp with time zone"
        assert types["overview"] == "jsonb"

        gone = next(s for s, rel in sim.leads_truth().items() if rel == "assigned")
        sim.delete("leads", sim.lead_by_slug(gone)["id"])
        # (A stopped read marking nothing is tested into DuckDB: tests/epixel/test_end_to_end.)
        target.run_tap(tap_config(sim), tap=TAP)
        deleted = f"SELECT slug FROM {SCHEMA}.leads WHERE _sdc_deleted_at IS NOT NULL"
        assert fetch(conn, deleted) == [(gone,)]
        live = f"SELECT slug FROM {SCHEMA}.leads WHERE _sdc_deleted_at IS NULL"
        assert {s for (s,) in fetch(conn, live)} == set(sim.leads_truth())

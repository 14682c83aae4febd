"""tap-whautomate through Meltano: its job, by name, lands the contacts in schema whautomate.

The job `whautomate-to-duckdb` (target_config/jobs.meltano.yml) runs `tap-whautomate
target-duckdb` with the settings from the environment (deletions: tests/whautomate).
"""

from __future__ import annotations

import pytest

from tests.e2e.pipeline import query
from tests.meltano.project import TAP_WHAUTOMATE, TARGET_DUCKDB, meltano_fixture
from whautomate_sim import WhautomateConfig, WhautomateSimulator

pytestmark = pytest.mark.meltano


meltano = meltano_fixture(TAP_WHAUTOMATE | TARGET_DUCKDB)


def test_the_job_loads_every_contact_into_schema_whautomate(meltano, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with WhautomateSimulator(
        WhautomateConfig(seed=3, contacts=15, max_limit=4, default_limit=4)
    ) as sim:
        env = {
            "TAP_WHAUTOMATE_API_URL": sim.url,
            "TAP_WHAUTOMATE_API_KEY": sim.config.api_key,
            "TAP_WHAUTOMATE_RETRY_WAIT_BASE": "0.01",
            "TARGET_DUCKDB_PATH": str(warehouse),
        }
        meltano.ok("run", "whautomate-to-duckdb", env=env)
        ids = [r[0] for r in query(warehouse, "SELECT id FROM whautomate.contacts")]
        assert sorted(ids) == sorted(sim.ids("contacts"))
        schemas = query(warehouse, "SELECT DISTINCT table_schema FROM information_schema.tables")
        assert schemas == [("whautomate",)]

"""One warehouse, one schema per source: each extractor's `load_schema` is the loaders' schema.

`meltano run tap-agilecrm target-duckdb` lands every Agile CRM stream in schema agilecrm and
`meltano run tap-engagebay target-duckdb` EngageBay's in schema engagebay, in the same DuckDB
file, with nothing of one source in the other's schema; the Agile CRM full pass
(`agilecrm-reconcile-to-duckdb`, tap-agilecrm--reconcile) marks a deleted contact there too.
"""

from __future__ import annotations

import json

import pytest

from agilecrm_sim import AgileConfig, AgileSimulator
from engagebay_sim import SimConfig, Simulator
from tests.agilecrm.pipeline import STREAMS as AGILE_STREAMS
from tests.e2e.pipeline import query
from tests.meltano.project import (
    TAP_AGILECRM,
    TAP_ENGAGEBAY,
    TARGET_DUCKDB,
    agilecrm_env,
    meltano_fixture,
    tap_env,
)

pytestmark = pytest.mark.meltano

AGILE_ACCOUNT = {
    "seed": 7,
    "contacts": 12,
    "companies": 4,
    "tracks": 2,
    "deals_per_track": 3,
    "tasks": 5,
    "events": 6,
    "campaigns": 2,
    "tickets": 5,
    "owners": 2,
}
ENGAGEBAY_ACCOUNT = {"contacts": 8, "companies": 3, "tracks": 2, "deals_per_track": 2}
ENGAGEBAY_STREAMS = ["contacts", "companies", "deals", "notes"]


meltano = meltano_fixture(TAP_ENGAGEBAY | TAP_AGILECRM | TARGET_DUCKDB)


def tables(warehouse):
    rows = query(warehouse, "SELECT table_schema, table_name FROM information_schema.tables")
    found: dict[str, set[str]] = {}
    for schema, table in rows:
        found.setdefault(schema, set()).add(table)
    return found


@pytest.mark.slow
def test_each_source_lands_in_its_own_schema_of_one_warehouse(meltano, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    target = {"TARGET_DUCKDB_PATH": str(warehouse)}
    with (
        AgileSimulator(AgileConfig(**AGILE_ACCOUNT)) as agile,
        Simulator(SimConfig(seed=5, **ENGAGEBAY_ACCOUNT)) as engagebay,
    ):
        agile_env = {**agilecrm_env(agile.url, agile.config.email, agile.config.api_key), **target}
        meltano.ok("run", "tap-agilecrm", "target-duckdb", env=agile_env)
        eb_env = {**tap_env(engagebay.url, engagebay.config.api_key), **target}
        meltano.ok("run", "tap-engagebay", "target-duckdb", env=eb_env)

        found = tables(warehouse)
        assert set(found) == {"agilecrm", "engagebay"}
        assert found["agilecrm"] == {*AGILE_STREAMS, "ticket_filters"}
        for stream in AGILE_STREAMS:
            ids = [r[0] for r in query(warehouse, f'SELECT id FROM agilecrm."{stream}"')]
            assert sorted(ids) == sorted(agile.ids(stream)), stream
        for stream in ENGAGEBAY_STREAMS:
            ids = [r[0] for r in query(warehouse, f"SELECT id FROM engagebay.{stream}")]
            assert sorted(ids) == sorted(engagebay.ids(stream)), stream
        state = json.loads(meltano.ok("state", "get", "dev:tap-agilecrm-to-target-duckdb"))
        assert state["singer_state"]["bookmarks"]["contacts"]["replication_key_value"]

        # The full pass, by its job name: the reconcile extractor inherits the schema.
        deleted = min(agile.ids("contacts"))
        agile.delete("contacts", deleted)
        meltano.ok("run", "agilecrm-reconcile-to-duckdb", env=agile_env)
        rows = query(
            warehouse, "SELECT id, _sdc_deleted_at IS NOT NULL FROM agilecrm.contacts ORDER BY id"
        )
        assert [i for i, gone in rows if gone] == [deleted]
        assert {i for i, gone in rows if not gone} == agile.ids("contacts")
        assert set(tables(warehouse)) == {"agilecrm", "engagebay"}

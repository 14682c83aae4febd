"""The jobs and schedules of meltano.yml: listed by Meltano, and run by name on the simulator.

`meltano run engagebay-to-duckdb` loads the account into a temporary DuckDB file and keeps its
state under dev:tap-engagebay-to-target-duckdb; after a record is deleted in the simulator,
`meltano run engagebay-reconcile-to-duckdb` (tap-engagebay--reconcile, `reconcile: true`) marks
its row with _sdc_deleted_at and keeps a state of its own.
"""

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

JOBS = {
    "engagebay-to-duckdb": ["tap-engagebay target-duckdb"],
    "engagebay-to-postgres": ["tap-engagebay target-postgres"],
    "engagebay-reconcile-to-duckdb": ["tap-engagebay--reconcile target-duckdb"],
    "engagebay-reconcile-to-postgres": ["tap-engagebay--reconcile target-postgres"],
    "agilecrm-to-duckdb": ["tap-agilecrm target-duckdb"],
    "agilecrm-to-postgres": ["tap-agilecrm target-postgres"],
    "agilecrm-reconcile-to-duckdb": ["tap-agilecrm--reconcile target-duckdb"],
    "agilecrm-reconcile-to-postgres": ["tap-agilecrm--reconcile target-postgres"],
    "epixel-to-duckdb": ["tap-epixel target-duckdb"],
    "epixel-to-postgres": ["tap-epixel target-postgres"],
    "whautomate-to-duckdb": ["tap-whautomate target-duckdb"],
    "whautomate-to-postgres": ["tap-whautomate target-postgres"],
    "activecampaign-to-duckdb": ["tap-activecampaign target-duckdb"],
    "activecampaign-to-postgres": ["tap-activecampaign target-postgres"],
}
SCHEDULES = {
    "engagebay-hourly-duckdb": ("engagebay-to-duckdb", "@hourly"),
    "engagebay-nightly-reconcile-duckdb": ("engagebay-reconcile-to-duckdb", "30 3 * * *"),
    "engagebay-hourly-postgres": ("engagebay-to-postgres", "@hourly"),
    "engagebay-nightly-reconcile-postgres": ("engagebay-reconcile-to-postgres", "30 3 * * *"),
    "agilecrm-hourly-duckdb": ("agilecrm-to-duckdb", "15 * * * *"),
    "agilecrm-nightly-reconcile-duckdb": ("agilecrm-reconcile-to-duckdb", "45 3 * * *"),
    "agilecrm-hourly-postgres": ("agilecrm-to-postgres", "15 * * * *"),
    "agilecrm-nightly-reconcile-postgres": ("agilecrm-reconcile-to-postgres", "45 3 * * *"),
    "epixel-hourly-duckdb": ("epixel-to-duckdb", "20 * * * *"),
    "epixel-hourly-postgres": ("epixel-to-postgres", "20 * * * *"),
    "whautomate-hourly-duckdb": ("whautomate-to-duckdb", "40 * * * *"),
    "whautomate-hourly-postgres": ("whautomate-to-postgres", "40 * * * *"),
    "activecampaign-hourly-duckdb": ("activecampaign-to-duckdb", "50 * * * *"),
    "activecampaign-hourly-postgres": ("activecampaign-to-postgres", "50 * * * *"),
}
INCREMENTAL_STATE_ID = "dev:tap-engagebay-to-target-duckdb"
RECONCILE_STATE_ID = "dev:tap-engagebay--reconcile-to-target-duckdb"
STREAMS = ["contacts", "companies", "deals", "tasks", "notes", "call_logs", "custom_fields"]


meltano = meltano_fixture(TAP_ENGAGEBAY | TARGET_DUCKDB)


def test_meltano_lists_the_jobs(meltano):
    listed = json.loads(meltano.ok("job", "list", "--format=json"))
    assert {job["job_name"]: job["tasks"] for job in listed["jobs"]} == JOBS


def test_meltano_lists_the_schedules(meltano):
    listed = json.loads(meltano.ok("schedule", "list", "--format=json"))
    jobs = {s["name"]: (s["job"]["name"], s["interval"]) for s in listed["schedules"]["job"]}
    assert jobs == SCHEDULES


def test_the_reconcile_extractor_inherits_the_tap_with_reconcile_on(meltano):
    env = {"TAP_ENGAGEBAY_API_URL": "https://eb.example", "TAP_ENGAGEBAY_API_KEY": "k"}
    config = json.loads(meltano.ok("config", "print", "tap-engagebay--reconcile", env=env))
    plain = json.loads(meltano.ok("config", "print", "tap-engagebay", env=env))
    assert (config["reconcile"], plain["reconcile"]) == (True, False)
    # The parent's settings, read from the parent's variables.
    assert config["api_url"] == plain["api_url"] == "https://eb.example"
    assert config["api_key"] == plain["api_key"] == "*****"  # set, and redacted


def test_the_agilecrm_reconcile_extractor_inherits_the_tap_with_reconcile_on(meltano):
    env = {
        "TAP_AGILECRM_DOMAIN": "mycompany",
        "TAP_AGILECRM_EMAIL": "me@example.com",
        "TAP_AGILECRM_API_KEY": "k",
    }
    config = json.loads(meltano.ok("config", "print", "tap-agilecrm--reconcile", env=env))
    plain = json.loads(meltano.ok("config", "print", "tap-agilecrm", env=env))
    assert (config["reconcile"], plain["reconcile"]) == (True, False)
    assert config["domain"] == plain["domain"] == "mycompany"
    # The email and the key are both secrets: set, and redacted.
    assert config["email"] == plain["email"] == config["api_key"] == plain["api_key"] == "*****"


@pytest.mark.slow
def test_jobs_run_by_name_load_and_reconcile(meltano, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with Simulator(SimConfig(seed=5, **SMALL_ENGAGEBAY)) as sim:
        env = {**tap_env(sim.url, sim.config.api_key), "TARGET_DUCKDB_PATH": str(warehouse)}

        meltano.ok("run", "engagebay-to-duckdb", env=env)
        for stream in STREAMS:
            rows = query(warehouse, f"SELECT id FROM engagebay.{stream}")
            assert sorted(r[0] for r in rows) == sorted(sim.ids(stream)), stream
        state = json.loads(meltano.ok("state", "get", INCREMENTAL_STATE_ID, env=env))
        assert state["singer_state"]["bookmarks"]["contacts"]["replication_key_value"]

        deleted = min(sim.ids("contacts"))
        sim.delete("contacts", deleted)
        meltano.ok("run", "engagebay-reconcile-to-duckdb", env=env)
        rows = query(
            warehouse, "SELECT id, _sdc_deleted_at IS NOT NULL FROM engagebay.contacts ORDER BY id"
        )
        assert [i for i, gone in rows if gone] == [deleted]
        assert {i for i, gone in rows if not gone} == sim.ids("contacts")

    assert set(meltano.ok("state", "list", env=env).split()) == {
        INCREMENTAL_STATE_ID,
        RECONCILE_STATE_ID,
    }

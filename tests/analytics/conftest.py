"""One warehouse for the analytics tests: simulated EngageBay, Agile CRM, ActiveCampaign, Epixel
and Whautomate accounts loaded into one DuckDB file (one schema each), a record or two of
EngageBay and Agile CRM deleted and reconciled, then the dbt project built on it through
Meltano."""

from __future__ import annotations

import shutil
import typing as t
from dataclasses import dataclass

import duckdb
import pytest

from activecampaign_sim import ACConfig, ACSimulator
from agilecrm_sim import AgileConfig, AgileSimulator
from engagebay_sim import SimConfig, Simulator
from epixel_sim import EpixelConfig, EpixelSimulator
from tests.activecampaign import pipeline as ac_pipeline
from tests.agilecrm import pipeline as agile_pipeline
from tests.analytics.harness import (
    AC_ACCOUNT,
    ACCOUNT,
    AGILE_ACCOUNT,
    EPIXEL_ACCOUNT,
    WHAUTOMATE_ACCOUNT,
    DbtRun,
    Others,
    invoke_dbt,
    middle_as_of,
    require_utility,
)
from tests.e2e.pipeline import run_pipeline
from tests.epixel import pipeline as epixel_pipeline
from tests.whautomate import pipeline as whautomate_pipeline
from whautomate_sim import WhautomateConfig, WhautomateSimulator

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@dataclass
class Built:
    """The simulators (still running), the warehouse and what the dbt build did."""

    sim: Simulator
    agile: AgileSimulator
    others: Others
    database: Path
    raw: Path
    workdir: Path
    as_of: str
    deleted: dict[tuple[str, str], int]
    build: DbtRun


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """Load the five accounts, delete a record or two, reconcile, build the dbt project."""
    require_utility("dbt-duckdb")
    workdir = tmp_path_factory.mktemp("analytics")
    with (
        Simulator(SimConfig(**ACCOUNT)) as sim,
        AgileSimulator(AgileConfig(**AGILE_ACCOUNT)) as agile,
        ACSimulator(ACConfig(**AC_ACCOUNT)) as ac,
        EpixelSimulator(EpixelConfig(**EPIXEL_ACCOUNT)) as epixel,
        WhautomateSimulator(WhautomateConfig(**WHAUTOMATE_ACCOUNT)) as whautomate,
    ):
        first = run_pipeline(workdir, sim.url)
        assert (first.tap_rc, first.target_rc) == (0, 0), first.tap_stderr[-2000:]
        # Deleted in EngageBay after the first sync: only the reconcile pass can see it.
        deleted = {}
        for stream in ("deals", "tasks", "contacts", "tickets"):
            deleted["engagebay", stream] = min(sim.ids(stream))
            sim.delete(stream, deleted["engagebay", stream])
        second = run_pipeline(workdir, sim.url, state=first.state, tap_config={"reconcile": True})
        assert (second.tap_rc, second.target_rc) == (0, 0), second.tap_stderr[-2000:]

        # Agile CRM into the same file (schema agilecrm), a deal deleted, then its full pass.
        config = agile_pipeline.tap_config(agile, page_size=50)
        agile_first = agile_pipeline.run_pipeline(workdir, config)
        assert (agile_first.tap_rc, agile_first.target_rc) == (0, 0), agile_first.tap_stderr[-2000:]
        deleted["agilecrm", "deals"] = min(agile.ids("deals"))
        agile.delete("deals", deleted["agilecrm", "deals"])
        agile_second = agile_pipeline.run_pipeline(
            workdir, {**config, "reconcile": True}, state=agile_first.state
        )
        assert (agile_second.tap_rc, agile_second.target_rc) == (0, 0), agile_second.tap_stderr[
            -2000:
        ]

        # ActiveCampaign, Epixel and Whautomate into the same file, each in its own schema.
        ac_run = ac_pipeline.run_pipeline(workdir, ac_pipeline.tap_config(ac))
        assert (ac_run.tap_rc, ac_run.target_rc) == (0, 0), ac_run.tap_stderr[-2000:]
        ep_run = epixel_pipeline.run_pipeline(workdir, epixel_pipeline.tap_config(epixel))
        assert (ep_run.tap_rc, ep_run.target_rc) == (0, 0), ep_run.tap_stderr[-2000:]
        wh_run = whautomate_pipeline.run_tap(
            workdir / "whautomate", whautomate_pipeline.tap_config(whautomate)
        )
        assert wh_run.rc == 0, wh_run.stderr[-2000:]
        whautomate_pipeline.load(workdir / "whautomate", wh_run, first.database)
        others = Others(ac, epixel, whautomate)

        # The raw tables alone, for the builds on a subset of the sources.
        raw = workdir / "raw.duckdb"
        shutil.copyfile(first.database, raw)
        as_of = middle_as_of(sim, agile)
        build = invoke_dbt(
            "dbt-duckdb",
            "build",
            workdir / "dbt",
            {"path": str(first.database), "as_of": as_of},
        )
        yield Built(sim, agile, others, first.database, raw, workdir, as_of, deleted, build)


#: Every source the warehouse of the tests holds (its schema's name).
SOURCES = ("engagebay", "agilecrm", "activecampaign", "epixel", "whautomate")


def warehouse_with_only(built: Built, source: str, folder: Path) -> Path:
    """A copy of the raw warehouse holding one source's schema, the others dropped."""
    database = folder / f"only-{source}.duckdb"
    shutil.copyfile(built.raw, database)
    con = duckdb.connect(str(database))
    try:
        for other in set(SOURCES) - {source}:
            con.execute(f"drop schema {other} cascade")
    finally:
        con.close()
    return database


# The throwaway PostgreSQL cluster of tests/pg, for the dbt-postgres test (it skips, or fails on
# CI, without PostgreSQL binaries).
from tests.pg.conftest import pg_server, pycache, target_postgres  # noqa: E402, F401

"""One warehouse for the analytics tests: a simulated account loaded, changed, reconciled, then
the dbt project built on it through Meltano (about 40 s in all)."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.analytics.harness import ACCOUNT, DbtRun, invoke_dbt, middle_as_of, require_utility
from tests.e2e.pipeline import run_pipeline

if t.TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@dataclass
class Built:
    """The simulator (still running), the warehouse and what the dbt build did."""

    sim: Simulator
    database: Path
    workdir: Path
    as_of: str
    deleted: dict[str, int]
    build: DbtRun


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """Load the account, delete one record per stream, reconcile, build the dbt project."""
    require_utility("dbt-duckdb")
    workdir = tmp_path_factory.mktemp("analytics")
    with Simulator(SimConfig(**ACCOUNT)) as sim:
        first = run_pipeline(workdir, sim.url)
        assert (first.tap_rc, first.target_rc) == (0, 0), first.tap_stderr[-2000:]
        # Deleted in EngageBay after the first sync: only the reconcile pass can see it.
        deleted = {}
        for stream in ("deals", "tasks", "contacts", "tickets"):
            deleted[stream] = min(sim.ids(stream))
            sim.delete(stream, deleted[stream])
        second = run_pipeline(workdir, sim.url, state=first.state, tap_config={"reconcile": True})
        assert (second.tap_rc, second.target_rc) == (0, 0), second.tap_stderr[-2000:]
        as_of = middle_as_of(sim)
        build = invoke_dbt(
            "dbt-duckdb",
            "build",
            workdir / "dbt",
            {"path": str(first.database), "as_of": as_of},
        )
        yield Built(sim, first.database, workdir, as_of, deleted, build)


# The throwaway PostgreSQL cluster of tests/pg, for the dbt-postgres test (it skips, or fails on
# CI, without PostgreSQL binaries).
from tests.pg.conftest import pg_server, pycache, target_postgres  # noqa: E402, F401

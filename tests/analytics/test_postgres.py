"""The same dbt project on PostgreSQL: tap | target-postgres, then `meltano invoke
dbt-postgres:build` reading the TARGET_POSTGRES_* variables; the marts match the simulator."""

from __future__ import annotations

import json
import os
import subprocess
import typing as t

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.analytics.harness import (
    ACCOUNT,
    ROOT,
    invoke_dbt,
    middle_as_of,
    require_utility,
    truth_funnel,
    truth_owner_tasks,
)
from tests.pg.harness import use_pycache

if t.TYPE_CHECKING:
    from pathlib import Path

RAW = "eb_analytics_raw"
MODELS = "eb_analytics"


@pytest.mark.postgres
@pytest.mark.meltano
@pytest.mark.slow
def test_dbt_postgres_builds_the_same_marts(pg_server, target_postgres, pycache, tmp_path: Path):
    require_utility("dbt-postgres")
    with Simulator(SimConfig(**ACCOUNT)) as sim:
        tap_config = {"api_key": sim.config.api_key, "api_url": sim.url, "retry_wait_base": 0.01}
        (tmp_path / "tap.json").write_text(json.dumps(tap_config))
        target_config = {**pg_server.target_settings(), "default_target_schema": RAW}
        (tmp_path / "target.json").write_text(json.dumps(target_config))
        env = {**os.environ, "PYTHONWARNINGS": "ignore", "PGTZ": "UTC"}
        use_pycache(env, pycache)
        with (tmp_path / "tap.stderr").open("w") as tap_err:
            tap = subprocess.Popen(
                [
                    str(ROOT / ".venv" / "bin" / "tap-engagebay"),
                    "--config",
                    str(tmp_path / "tap.json"),
                ],
                stdout=subprocess.PIPE,
                stderr=tap_err,
                env=env,
            )
            target = subprocess.run(
                [str(target_postgres), "--config", str(tmp_path / "target.json")],
                stdin=tap.stdout,
                capture_output=True,
                text=True,
                env=env,
                timeout=300,
                check=False,
            )
            assert tap.stdout is not None
            tap.stdout.close()
            assert tap.wait(timeout=300) == 0, (tmp_path / "tap.stderr").read_text()[-2000:]
        assert target.returncode == 0, target.stderr[-3000:]

        as_of = middle_as_of(sim)
        build = invoke_dbt(
            "dbt-postgres",
            "build",
            tmp_path / "dbt",
            {"source_schema": RAW, "schema": MODELS, "as_of": as_of},
            env={
                "TARGET_POSTGRES_HOST": pg_server.host,
                "TARGET_POSTGRES_PORT": str(pg_server.port),
                "TARGET_POSTGRES_USER": pg_server.user,
                "TARGET_POSTGRES_PASSWORD": pg_server.password,
                "TARGET_POSTGRES_DATABASE": pg_server.dbname,
            },
        )
        assert build.returncode == 0, build.output[-4000:]
        assert {r["status"] for r in build.results} == {"success", "pass"}

        with pg_server.connect() as conn:
            funnel = conn.execute(
                f"""select track_id, stage_position, pipeline_name, stage_name, deal_count,
                           cast(total_amount as double precision)
                    from {MODELS}.deal_funnel"""
            ).fetchall()
            tasks = conn.execute(
                f"""select owner_id, total_tasks, open_tasks, overdue_tasks, completed_tasks,
                           to_char(as_of, 'YYYY-MM-DD HH24:MI:SS')
                    from {MODELS}.owner_tasks"""
            ).fetchall()
        truth = truth_funnel(sim)
        assert {
            (r[0], r[1]): (r[2], r[3], r[4], pytest.approx(r[5], abs=0.005)) for r in funnel
        } == {key: (v["pipeline"], v["stage"], v["deals"], v["amount"]) for key, v in truth.items()}
        assert {r[5] for r in tasks} == {as_of}
        assert {r[0]: tuple(r[1:5]) for r in tasks} == truth_owner_tasks(sim, as_of)

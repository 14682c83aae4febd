"""The same dbt project on PostgreSQL: tap-engagebay, tap-agilecrm, tap-activecampaign,
tap-epixel and tap-whautomate each | target-postgres into its own schema, then `meltano invoke
dbt-postgres:build` reading the TARGET_POSTGRES_* variables; the crm_* marts match the five
simulators."""

from __future__ import annotations

import json
import os
import subprocess
import typing as t

import pytest

from activecampaign_sim import ACConfig, ACSimulator
from agilecrm_sim import AgileConfig, AgileSimulator
from engagebay_sim import SimConfig, Simulator
from epixel_sim import EpixelConfig, EpixelSimulator
from tests.activecampaign.pipeline import tap_config as ac_tap_config
from tests.agilecrm.pipeline import tap_config as agile_tap_config
from tests.analytics.harness import (
    AC_ACCOUNT,
    ACCOUNT,
    AGILE_ACCOUNT,
    EPIXEL_ACCOUNT,
    ROOT,
    WHAUTOMATE_ACCOUNT,
    Others,
    invoke_dbt,
    middle_as_of,
    require_utility,
    truth_activities,
    truth_funnel,
    truth_owner_tasks,
    truth_steps,
)
from tests.epixel.pipeline import tap_config as epixel_tap_config
from tests.pg.harness import use_pycache
from tests.whautomate.pipeline import tap_config as whautomate_tap_config
from whautomate_sim import WhautomateConfig, WhautomateSimulator

if t.TYPE_CHECKING:
    from pathlib import Path

# The raw schemas are <prefix>engagebay, <prefix>agilecrm... (the source_schema_prefix setting).
PREFIX = "crm_model_"
MODELS = "crm_model_analytics"


def load(  # noqa: PLR0913
    tap: str,
    tap_config: dict[str, t.Any],
    schema: str,
    *,
    pg_server: t.Any,
    target_postgres: Path,
    pycache: Path,
    workdir: Path,
) -> None:
    """Run ``tap | target-postgres`` into one schema, as Meltano pipes them."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tap.json").write_text(json.dumps(tap_config))
    target_config = {**pg_server.target_settings(), "default_target_schema": schema}
    (workdir / "target.json").write_text(json.dumps(target_config))
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "PGTZ": "UTC"}
    use_pycache(env, pycache)
    with (workdir / "tap.stderr").open("w") as tap_err:
        process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / tap), "--config", str(workdir / "tap.json")],
            stdout=subprocess.PIPE,
            stderr=tap_err,
            env=env,
        )
        target = subprocess.run(
            [str(target_postgres), "--config", str(workdir / "target.json")],
            stdin=process.stdout,
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert process.stdout is not None
        process.stdout.close()
        assert process.wait(timeout=300) == 0, (workdir / "tap.stderr").read_text()[-2000:]
    assert target.returncode == 0, target.stderr[-3000:]


@pytest.mark.postgres
@pytest.mark.meltano
@pytest.mark.slow
def test_dbt_postgres_builds_the_same_marts(pg_server, target_postgres, pycache, tmp_path: Path):
    require_utility("dbt-postgres")
    with (
        Simulator(SimConfig(**ACCOUNT)) as sim,
        AgileSimulator(AgileConfig(**AGILE_ACCOUNT)) as agile,
        ACSimulator(ACConfig(**AC_ACCOUNT)) as ac,
        EpixelSimulator(EpixelConfig(**EPIXEL_ACCOUNT)) as epixel,
        WhautomateSimulator(WhautomateConfig(**WHAUTOMATE_ACCOUNT)) as whautomate,
    ):
        eb_config = {"api_key": sim.config.api_key, "api_url": sim.url, "retry_wait_base": 0.01}
        pg = {"pg_server": pg_server, "target_postgres": target_postgres, "pycache": pycache}
        load("tap-engagebay", eb_config, f"{PREFIX}engagebay", **pg, workdir=tmp_path / "eb")
        agile_config = agile_tap_config(agile, page_size=50)
        load("tap-agilecrm", agile_config, f"{PREFIX}agilecrm", **pg, workdir=tmp_path / "agile")
        for tap, config, schema in (
            ("tap-activecampaign", ac_tap_config(ac), "activecampaign"),
            ("tap-epixel", epixel_tap_config(epixel), "epixel"),
            ("tap-whautomate", whautomate_tap_config(whautomate), "whautomate"),
        ):
            load(tap, config, f"{PREFIX}{schema}", **pg, workdir=tmp_path / schema)
        others = Others(ac, epixel, whautomate)

        as_of = middle_as_of(sim, agile)
        build = invoke_dbt(
            "dbt-postgres",
            "build",
            tmp_path / "dbt",
            {"source_schema_prefix": PREFIX, "schema": MODELS, "as_of": as_of},
            env={
                "TARGET_POSTGRES_HOST": pg_server.host,
                "TARGET_POSTGRES_PORT": str(pg_server.port),
                "TARGET_POSTGRES_USER": pg_server.user,
                "TARGET_POSTGRES_PASSWORD": pg_server.password,
                "TARGET_POSTGRES_DATABASE": pg_server.dbname,
            },
        )
        assert build.returncode == 0, build.output[-4000:]
        assert {r["status"] for r in build.results} == {"success", "pass"}, [
            (r["unique_id"], r["status"])
            for r in build.results
            if r["status"] not in {"success", "pass"}
        ]

        with pg_server.connect() as conn:
            funnel = conn.execute(
                f"""select stage_key, pipeline_name, stage_name, is_won, is_lost, deal_count,
                           cast(total_amount as double precision)
                    from {MODELS}.crm_deal_funnel"""
            ).fetchall()
            steps = conn.execute(
                f"""select funnel_key, deal_count, cast(amount as double precision),
                           cast(weighted_amount as double precision)
                    from {MODELS}.crm_funnel"""
            ).fetchall()
            tasks = conn.execute(
                f"""select owner_key, total_tasks, open_tasks, overdue_tasks, completed_tasks,
                           to_char(as_of, 'YYYY-MM-DD HH24:MI:SS')
                    from {MODELS}.crm_owner_tasks"""
            ).fetchall()
            activities = conn.execute(
                f"select source, kind, count(*) from {MODELS}.crm_activities group by source, kind"
            ).fetchall()
            contacts = conn.execute(
                f"select source, count(*) from {MODELS}.crm_contacts group by source"
            ).fetchall()
        assert {
            r[0]: (r[1], r[2], r[3], r[4], r[5], pytest.approx(r[6], abs=0.005)) for r in funnel
        } == {
            key: (v["pipeline"], v["stage"], v["is_won"], v["is_lost"], v["deals"], v["amount"])
            for key, v in truth_funnel(sim, agile, others).items()
        }
        assert {
            r[0]: (r[1], pytest.approx(r[2], abs=0.005), pytest.approx(r[3], abs=0.01))
            for r in steps
        } == truth_steps(sim, agile, others)
        assert {r[5] for r in tasks} == {as_of}
        assert {r[0]: tuple(r[1:5]) for r in tasks} == truth_owner_tasks(sim, agile, as_of, others)
        assert {(r[0], r[1]): r[2] for r in activities} == truth_activities(sim, agile, others)
        assert dict(contacts) == {
            "engagebay": sim.count("contacts"),
            "agilecrm": agile.count("contacts"),
            "activecampaign": ac.count("contacts"),
            "epixel": len(list(epixel.records("leads"))),
            "whautomate": len(list(whautomate.records("contacts"))),
        }

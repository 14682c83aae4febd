"""scripts/show_warehouse.py shows every source's schema next to its own simulator's counts."""

import subprocess
import sys
from pathlib import Path

import duckdb

from agilecrm_sim import AgileConfig, AgileSimulator
from engagebay_sim import SimConfig, Simulator

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "show_warehouse.py"


def warehouse(path, tables):
    with duckdb.connect(str(path)) as con:
        for (schema, table), ids in tables.items():
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            con.execute(f"CREATE TABLE {schema}.{table} (id BIGINT)")
            con.executemany(f"INSERT INTO {schema}.{table} VALUES (?)", [[i] for i in ids])


def show(database, *args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(database), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_each_source_against_its_own_simulator(tmp_path):
    with (
        AgileSimulator(AgileConfig(seed=1, contacts=4, companies=2)) as agile,
        Simulator(SimConfig(seed=1, contacts=3, companies=5)) as engagebay,
    ):
        agile_ids, eb_ids = sorted(agile.ids("contacts")), sorted(engagebay.ids("contacts"))
        sims = ["--simulator", f"engagebay={engagebay.url}", "--simulator", f"agilecrm={agile.url}"]
        good = tmp_path / "good.duckdb"
        warehouse(good, {("engagebay", "contacts"): eb_ids, ("agilecrm", "contacts"): agile_ids})
        out = show(good, *sims)
        # One row short in agilecrm only: that table alone is flagged.
        short = tmp_path / "short.duckdb"
        tables = {("engagebay", "contacts"): eb_ids, ("agilecrm", "contacts"): agile_ids[1:]}
        warehouse(short, tables)
        differs = show(short, *sims)
    assert out.returncode == 0, out.stdout + out.stderr
    engagebay_part, agile_part = out.stdout.split("== agilecrm")
    assert "== engagebay" in engagebay_part
    assert "contacts".ljust(16) + f"{3:>10}{3:>14}{3:>11}\n" in engagebay_part
    assert "contacts".ljust(16) + f"{4:>10}{4:>14}{4:>11}\n" in agile_part
    assert differs.returncode == 1
    assert differs.stdout.count("<-- differs") == 1
    assert "<-- differs" in differs.stdout.split("== agilecrm")[1]


def test_an_unknown_source_is_named(tmp_path):
    database = tmp_path / "w.duckdb"
    warehouse(database, {("engagebay", "contacts"): [1]})
    out = show(database, "--simulator", "hubspot=http://127.0.0.1:1")
    assert out.returncode != 0
    assert "unknown source 'hubspot'" in out.stderr

"""Under `meltano run`, a missing key and an exhausted quota each get one line saying so."""

from __future__ import annotations

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.meltano.project import TAP_ENGAGEBAY, TARGET_DUCKDB, meltano_fixture, tap_env

pytestmark = pytest.mark.meltano


meltano = meltano_fixture(TAP_ENGAGEBAY | TARGET_DUCKDB)


@pytest.fixture
def sim():
    with Simulator(SimConfig(seed=7, contacts=3, companies=1, deals_per_track=1)) as s:
        yield s


def test_no_key_under_meltano_is_one_line_naming_the_setting(meltano, sim, tmp_path):
    env = {**tap_env(sim.url, ""), "TARGET_DUCKDB_PATH": str(tmp_path / "w.duckdb")}
    del env["TAP_ENGAGEBAY_API_KEY"]
    out = meltano("run", "engagebay-to-duckdb", env=env)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if "api_key" in line]
    assert len(lines) == 1, out.stderr[-3000:]
    assert "Setting api_key is not set" in lines[0]


def test_the_quota_stop_is_recognisable_through_meltano(meltano, sim, tmp_path):
    sim.set_faults([{"kind": "quota", "path": "/tasks", "nth": [1]}])
    env = {**tap_env(sim.url, sim.config.api_key), "TARGET_DUCKDB_PATH": str(tmp_path / "w.duckdb")}
    out = meltano("run", "engagebay-to-duckdb", env=env)
    assert out.returncode == 1  # Meltano 4.4.1 turns the tap's 75 into 1
    assert "Traceback" not in out.stderr
    marker = "tap-engagebay: EngageBay's daily API call limit is reached"
    assert len([line for line in out.stderr.splitlines() if marker in line]) == 1


def test_a_loader_that_cannot_write_says_so_in_one_line_under_meltano(meltano, sim, tmp_path):
    (tmp_path / "a-file").write_text("")
    warehouse = tmp_path / "a-file" / "w.duckdb"
    env = {**tap_env(sim.url, sim.config.api_key), "TARGET_DUCKDB_PATH": str(warehouse)}
    out = meltano("run", "engagebay-to-duckdb", env=env)
    assert out.returncode == 1
    loader = [line for line in out.stderr.splitlines() if " target-duckdb " in line]
    assert not [line for line in loader if "Traceback" in line], out.stderr[-3000:]
    named = [line for line in loader if f"cannot write the warehouse file {warehouse}" in line]
    assert len(named) == 1, out.stderr[-3000:]
    assert "Set `path` to a file in a folder this user can write" in named[0]
    # Meltano's own report of the closed pipe (logging.yaml): one line, no traceback.
    assert "Traceback" not in out.stderr, out.stderr[-3000:]
    assert "BrokenPipeError" not in out.stderr
    gone = [line for line in out.stderr.splitlines() if "The loader stopped reading" in line]
    assert len(gone) == 1, out.stderr[-3000:]
    assert "[error    ] meltano      \n" not in out.stderr + "\n"  # no empty error line

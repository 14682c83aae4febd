"""The Meltano declaration itself: no secrets in it, Meltano 4.4.1 reads it, installs the pinned
target (loaders/target-postgres-tz) and runs it with the TARGET_POSTGRES_* variables."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agilecrm_sim import AgileConfig, AgileSimulator
from engagebay_sim import SimConfig, Simulator
from tests.agilecrm.pipeline import STREAMS as AGILE_STREAMS
from tests.agilecrm_sim.helpers import SMALL
from tests.meltano.project import Meltano, agilecrm_env, tap_env
from tests.pg.harness import (
    DECLARATION,
    ID,
    PATCH,
    ROOT,
    TIME,
    column_types,
    fetch,
    loader,
    record,
    schema_message,
    state,
    unavailable,
    use_pycache,
)

MELTANO = ROOT / ".venv-meltano" / "bin" / "meltano"
SECRETS = {
    "password",
    "sqlalchemy_url",
    "ssl_client_private_key",
    "ssh_tunnel.private_key",
    "ssh_tunnel.private_key_password",
}


def test_secrets_are_sensitive_and_have_no_value():
    settings = {s["name"]: s for s in loader()["settings"]}
    for name in SECRETS:
        assert settings[name].get("sensitive") is True, name
    for setting in settings.values():
        if setting.get("sensitive"):
            assert "value" not in setting, setting["name"]
    assert all("kind" in s for s in settings.values())


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A Meltano project holding only the PostgreSQL loader declaration."""
    if not MELTANO.is_file():
        unavailable(f"Meltano is not installed at {MELTANO} (scripts/bootstrap installs it)")
    folder = tmp_path_factory.mktemp("meltano-project")
    shutil.copy(DECLARATION, folder / DECLARATION.name)
    # pip_url `-e ./loaders/target-postgres-tz` is relative to the project.
    (folder / "loaders").mkdir()
    (folder / "loaders" / PATCH.name).symlink_to(PATCH)
    (folder / "meltano.yml").write_text(
        "project_id: tap-engagebay-postgres-declaration\n"
        "send_anonymous_usage_stats: false\n"
        f"include_paths:\n  - ./{DECLARATION.name}\n"
    )
    return folder


def meltano(project, pycache, *args, stdin=None, env=None):
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PG", "TARGET_POSTGRES_", "MELTANO_"))
    }
    # Meltano creates plugin venvs with the uv it finds on the PATH.
    environment["PATH"] = os.pathsep.join(
        [str(Path(sys.executable).parent), environment.get("PATH", "")]
    )
    environment["MELTANO_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    use_pycache(environment, pycache)
    environment |= env or {}
    return subprocess.run(
        [str(MELTANO), *args],
        cwd=project,
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
        check=False,
    )


@pytest.mark.meltano
def test_meltano_lists_every_setting_under_its_env_var(project, pycache):
    out = meltano(project, pycache, "config", "list", "target-postgres", "--all")
    assert out.returncode == 0, out.stderr[-3000:]
    for setting in loader()["settings"]:
        variable = "TARGET_POSTGRES_" + setting["name"].upper().replace(".", "_")
        assert f"[env: {variable}]" in out.stdout, variable


@pytest.mark.meltano
@pytest.mark.postgres
@pytest.mark.slow
def test_meltano_installs_and_runs_the_target_from_env_vars(project, pycache, pg_server):
    install = meltano(project, pycache, "install", "--plugin-type", "loader", "target-postgres")
    assert install.returncode == 0, install.stderr[-3000:]
    env = {
        "TARGET_POSTGRES_HOST": pg_server.host,
        "TARGET_POSTGRES_PORT": str(pg_server.port),
        "TARGET_POSTGRES_USER": pg_server.user,
        "TARGET_POSTGRES_PASSWORD": pg_server.password,
        "TARGET_POSTGRES_DATABASE": pg_server.dbname,
        "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": "via_meltano",
    }
    bookmark = {"bookmarks": {"contacts": {"replication_key_value": "x"}}}
    messages = [
        schema_message("contacts", {"id": ID, "updated_time": TIME}),
        record("contacts", {"id": 2**53 + 1, "updated_time": "2024-03-01T10:00:00+00:00"}),
        state(bookmark),
    ]
    stdin = "".join(json.dumps(m) + "\n" for m in messages)
    run = meltano(project, pycache, "invoke", "target-postgres", stdin=stdin, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads(run.stdout.splitlines()[-1]) == bookmark
    with pg_server.connect() as conn:
        rows = fetch(conn, "SELECT id, updated_time FROM via_meltano.contacts")
    assert rows == [(2**53 + 1, dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.UTC))]


@pytest.mark.meltano
@pytest.mark.postgres
@pytest.mark.slow
def test_meltano_run_tap_engagebay_target_postgres(pg_server, tmp_path_factory):
    # The project itself (meltano.yml + target_config/), configured only through variables.
    meltano = Meltano.isolated(
        tmp_path_factory.mktemp("meltano-sys"),
        tmp_path_factory.mktemp("pycache"),
        {
            "extractors/tap-engagebay": "tap-engagebay",
            "loaders/target-postgres": loader()["executable"],
        },
    )
    schema = "meltano_run"
    streams = ["contacts", "companies", "deals", "notes", "custom_fields", "forms"]
    with Simulator(SimConfig(seed=3, contacts=10, companies=3, deals_per_track=2)) as sim:
        env = {
            **tap_env(sim.url, sim.config.api_key),
            "TARGET_POSTGRES_HOST": pg_server.host,
            "TARGET_POSTGRES_PORT": str(pg_server.port),
            "TARGET_POSTGRES_USER": pg_server.user,
            "TARGET_POSTGRES_PASSWORD": pg_server.password,
            "TARGET_POSTGRES_DATABASE": pg_server.dbname,
            "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": schema,
        }
        meltano.ok("run", "tap-engagebay", "target-postgres", env=env)
        meltano.ok("run", "engagebay-to-postgres", env=env)  # the job: same pair, same state
        expected = {stream: sorted(sim.ids(stream)) for stream in streams}
    with pg_server.connect() as conn:
        loaded = {
            stream: sorted(i for (i,) in fetch(conn, f"SELECT id FROM {schema}.{stream}"))
            for stream in streams
        }
        types = column_types(conn, schema, "contacts")
    assert loaded == expected
    assert (types["id"], types["created_time"], types["tags"]) == (
        "bigint",
        "timestamp with time zone",
        "jsonb",
    )
    state = json.loads(meltano.ok("state", "get", "dev:tap-engagebay-to-target-postgres"))
    assert state["singer_state"]["bookmarks"]["contacts"]["replication_key_value"]


@pytest.mark.meltano
@pytest.mark.postgres
@pytest.mark.slow
def test_meltano_run_tap_agilecrm_target_postgres_lands_in_schema_agilecrm(
    pg_server, tmp_path_factory
):
    # No schema setting: the extractor's load_schema (agilecrm) names it. A database of its
    # own, so that other tests' schemas of the same name do not meet it.
    database = "meltano_agilecrm"
    with pg_server.connect() as conn:
        conn.execute(f"CREATE DATABASE {database}")
    meltano = Meltano.isolated(
        tmp_path_factory.mktemp("meltano-sys"),
        tmp_path_factory.mktemp("pycache"),
        {
            "extractors/tap-agilecrm": "tap-agilecrm",
            "loaders/target-postgres": loader()["executable"],
        },
    )
    with AgileSimulator(AgileConfig(**SMALL)) as sim:
        env = {
            **agilecrm_env(sim.url, sim.config.email, sim.config.api_key),
            "TARGET_POSTGRES_HOST": pg_server.host,
            "TARGET_POSTGRES_PORT": str(pg_server.port),
            "TARGET_POSTGRES_USER": pg_server.user,
            "TARGET_POSTGRES_PASSWORD": pg_server.password,
            "TARGET_POSTGRES_DATABASE": database,
        }
        meltano.ok("run", "tap-agilecrm", "target-postgres", env=env)
        expected = {stream: sorted(sim.ids(stream)) for stream in AGILE_STREAMS}
    with pg_server.connect(database) as conn:
        tables = fetch(
            conn,
            "SELECT DISTINCT table_schema FROM information_schema.tables"
            " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
        )
        schemas = {schema for (schema,) in tables}
        loaded = {
            stream: sorted(i for (i,) in fetch(conn, f'SELECT id FROM agilecrm."{stream}"'))
            for stream in AGILE_STREAMS
        }
    assert schemas == {"agilecrm"}
    assert loaded == expected

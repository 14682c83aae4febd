"""Under `meltano run`, each source's user mistakes get one line naming what to fix.

The mistakes of issue 18 (point 7), tried as a new user would, for tap-agilecrm,
tap-activecampaign, tap-whautomate and tap-epixel as meltano.yml declares them (EngageBay's:
test_user_mistakes.py): no secret set, a start_date that is not a date, a state that is not JSON
or holds a bookmark of the wrong shape (the extractor's `state` extra), a catalog naming a stream
the tap lacks (its `catalog` extra), an unreachable api_url. Each: one line naming the setting,
file or stream and what to do, no traceback, a failed run, the secret never printed.

Every run of the module starts at once, each with a Meltano system folder of its own (its
state, run files), and the tests read their outcomes: the Meltano runs take most of the time.
"""

from __future__ import annotations

import json
import socket
import typing as t
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass

import pytest

from activecampaign_sim import ACConfig, ACSimulator
from agilecrm_sim import AgileConfig, AgileSimulator
from epixel_sim import EpixelConfig, EpixelSimulator
from tests.meltano.project import Meltano
from whautomate_sim import WhautomateConfig, WhautomateSimulator

if t.TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable
    from pathlib import Path

pytestmark = pytest.mark.meltano


@dataclass(frozen=True)
class Source:
    """A tap as meltano.yml declares it, and how to start its simulator small."""

    tap: str
    job: str
    secret: str  # the setting a user forgets
    stream: str  # an incremental stream (its bookmark)
    simulator: Callable[[], t.Any]
    settings: Callable[[t.Any], dict[str, str]]
    has_start_date: bool = True

    @property
    def prefix(self) -> str:
        return self.tap.upper().replace("-", "_")

    def env(self, sim: t.Any) -> dict[str, str]:
        settings = {"retry_wait_base": "0.01", "max_retries": "1", **self.settings(sim)}
        return {f"{self.prefix}_{k.upper()}": v for k, v in settings.items()}


SOURCES = [
    Source(
        "tap-agilecrm",
        "agilecrm-to-duckdb",
        "api_key",
        "contacts",
        lambda: AgileSimulator(
            AgileConfig(seed=5, contacts=3, companies=1, deals_per_track=1, tasks=2, events=2)
        ),
        lambda sim: {
            "api_url": sim.url,
            "email": sim.config.email,
            "api_key": sim.config.api_key,
        },
    ),
    Source(
        "tap-activecampaign",
        "activecampaign-to-duckdb",
        "api_token",
        "contacts",
        lambda: ACSimulator(ACConfig(seed=5, contacts=3, accounts=1, deals=2)),
        lambda sim: {
            "api_url": sim.url,
            "api_token": sim.config.api_token,
            "requests_per_second": "50",
        },
    ),
    Source(
        "tap-whautomate",
        "whautomate-to-duckdb",
        "api_key",
        "contacts",
        lambda: WhautomateSimulator(WhautomateConfig(seed=5, contacts=3)),
        lambda sim: {"api_url": sim.url, "api_key": sim.config.api_key},
        has_start_date=False,
    ),
    Source(
        "tap-epixel",
        "epixel-to-duckdb",
        "api_key",
        "leads",
        lambda: EpixelSimulator(EpixelConfig(seed=5, leads=3, appointments=2)),
        lambda sim: {
            "api_url": sim.url + sim.config.api_prefix.rstrip("/"),
            "api_key": sim.config.api_key,
            "username": sim.config.username,
            "password": sim.config.password,
        },
        has_start_date=False,
    ),
]
BY_TAP = {s.tap: s for s in SOURCES}


#: A state per source, each kind of unreadable state tried on some source.
STATES = {
    "tap-agilecrm": ("not json", "is not JSON"),
    "tap-activecampaign": (
        '{"bookmarks": {"contacts": {"replication_key_value": "soon"}}}',
        "the bookmark of stream contacts has a replication_key_value that is not an ISO",
    ),
    "tap-whautomate": (
        '{"bookmarks": {"contacts": "x"}}',
        "the bookmark of stream contacts is not an object",
    ),
    "tap-epixel": (
        '{"bookmarks": {"leads": {"partitions": [{"replication_key_value": [1]}]}}}',
        "the bookmark of stream leads has a replication_key_value that is not an ISO",
    ),
}
NOT_A_STREAM = {"tap_stream_id": "contact", "stream": "contact", "schema": {}, "metadata": []}


def cases(source: Source, sim: t.Any, files: Path) -> dict[str, dict[str, str]]:
    """Each mistake's settings for a source: ``{case: environment}``."""
    good = source.env(sim)
    secret = f"{source.prefix}_{source.secret.upper()}"
    state, catalog = files / f"{source.tap}-state.json", files / f"{source.tap}-catalog.json"
    state.write_text(STATES[source.tap][0])
    catalog.write_text(json.dumps({"streams": [NOT_A_STREAM]}))
    with socket.socket() as closed:  # a port nothing listens on: connections are refused
        closed.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{closed.getsockname()[1]}"
    found = {
        "no-secret": {k: v for k, v in good.items() if k != secret},
        "state": {**good, f"{source.prefix}__STATE": str(state)},
        "catalog": {**good, f"{source.prefix}__CATALOG": str(catalog)},
        "unreachable": {**good, f"{source.prefix}_API_URL": unreachable},
    }
    if source.has_start_date:
        # Not "yesterday": Meltano turns a relative date into a date (`kind: date_iso8601`).
        found["start-date"] = {**good, f"{source.prefix}_START_DATE": "2024-02-30"}
    return found


@dataclass
class Outcome:
    env: dict[str, str]
    out: subprocess.CompletedProcess[str]


#: The case each test reads.
CASE_OF = {
    "test_no_secret_names_the_setting_and_how_to_set_it": "no-secret",
    "test_a_start_date_that_is_not_a_date_names_the_setting": "start-date",
    "test_a_state_the_tap_cannot_read_names_the_file_and_the_stream": "state",
    "test_a_catalog_naming_a_stream_the_tap_lacks_names_it": "catalog",
    "test_an_unreachable_api_url_names_it": "unreachable",
}


@pytest.fixture(scope="module")
def outcomes(request, tmp_path_factory) -> dict[tuple[str, str], Outcome]:
    """Every (tap, case) run the selected tests read, under `meltano run`, all at once."""
    wanted = {
        (item.callspec.params["tap"], CASE_OF[item.originalname])
        for item in request.session.items
        if item.module is request.module
    }
    pycache = tmp_path_factory.mktemp("pycache")
    files = tmp_path_factory.mktemp("files")
    needs = {f"extractors/{s.tap}": s.tap for s in SOURCES}
    needs["loaders/target-duckdb"] = "target-duckdb-sdk"
    with ExitStack() as stack:
        runs = {
            (source.tap, case): env
            for source in SOURCES
            for case, env in cases(source, stack.enter_context(source.simulator()), files).items()
            if (source.tap, case) in wanted
        }

        def run(key: tuple[str, str]) -> Outcome:
            folder = tmp_path_factory.mktemp("-".join(key))
            (folder / "sys").mkdir()
            meltano = Meltano.isolated(folder / "sys", pycache, needs)
            env = {**runs[key], "TARGET_DUCKDB_PATH": str(folder / "w.duckdb")}
            return Outcome(env, meltano("run", BY_TAP[key[0]].job, env=env))

        with ThreadPoolExecutor(max_workers=4) as pool:
            return dict(zip(runs, pool.map(run, runs), strict=True))


def the_line(outcome: Outcome, source: Source, naming: str) -> str:
    """The one stderr line naming the setting, file or stream; no traceback, a failed run."""
    out = outcome.out
    assert out.returncode == 1, out.stderr[-3000:]
    assert "Traceback" not in out.stderr, out.stderr[-5000:]
    names = ("API_KEY", "API_TOKEN", "PASSWORD", "EMAIL", "USERNAME")
    for name, value in outcome.env.items():
        if name.removeprefix(source.prefix + "_") in names:
            assert value not in out.stderr + out.stdout, f"{name} printed"
    lines = [line for line in out.stderr.splitlines() if naming in line]
    assert len(lines) == 1, out.stderr[-5000:]
    return lines[0]


@pytest.mark.parametrize("tap", BY_TAP)
def test_no_secret_names_the_setting_and_how_to_set_it(outcomes, tap):
    source = BY_TAP[tap]
    line = the_line(outcomes[tap, "no-secret"], source, f"Setting {source.secret} is not set")
    assert f"{source.prefix}_{source.secret.upper()}" in line
    assert f"meltano config {tap} set {source.secret}" in line


@pytest.mark.parametrize("tap", [s.tap for s in SOURCES if s.has_start_date])
def test_a_start_date_that_is_not_a_date_names_the_setting(outcomes, tap):
    line = the_line(outcomes[tap, "start-date"], BY_TAP[tap], "start_date")
    assert "'2024-02-30'" in line
    assert "ISO 8601" in line


@pytest.mark.parametrize("tap", BY_TAP)
def test_a_state_the_tap_cannot_read_names_the_file_and_the_stream(outcomes, tap):
    line = the_line(outcomes[tap, "state"], BY_TAP[tap], STATES[tap][1])
    assert "State file " in line  # Meltano's copy of the `state` extra: the line names it
    assert "meltano state" in line or "is not JSON" in line


@pytest.mark.parametrize("tap", BY_TAP)
def test_a_catalog_naming_a_stream_the_tap_lacks_names_it(outcomes, tap):
    line = the_line(outcomes[tap, "catalog"], BY_TAP[tap], "'contact'")
    assert f"which {tap} does not have" in line
    assert "--discover" in line


@pytest.mark.parametrize("tap", BY_TAP)
def test_an_unreachable_api_url_names_it(outcomes, tap):
    url = outcomes[tap, "unreachable"].env[f"{BY_TAP[tap].prefix}_API_URL"]
    line = the_line(outcomes[tap, "unreachable"], BY_TAP[tap], f"Cannot reach api_url {url}")
    assert "check the api_url setting" in line

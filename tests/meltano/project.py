"""Run Meltano on this project, isolated: its own system folder (state, logs, run files).

``MELTANO_SYS_DIR_ROOT`` points at a temp folder whose ``extractors``/``loaders``/``utilities``
link to the plugins ``meltano install`` put under ``.meltano/``; the system database (runs and
state) is then ``<temp>/meltano.db``, so tests never touch the project's state or each other's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import typing as t
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.pg.harness import ROOT, unavailable, use_pycache

if t.TYPE_CHECKING:
    from collections.abc import Mapping

MELTANO = ROOT / ".venv-meltano" / "bin" / "meltano"
PLUGIN_KINDS = ("extractors", "loaders", "utilities")
# Variables of the project's plugins and of Meltano that a developer's shell may hold.
SCRUBBED_PREFIXES = (
    "MELTANO_",
    "TAP_ENGAGEBAY",
    "TAP_AGILECRM",
    "TAP_WHAUTOMATE",
    "TARGET_",
    "DBT_",
    "PG",
)
TIMEOUT = 600
#: The installed executables a test needs, ``{plugin folder: executable}``, per plugin.
TAP_ENGAGEBAY = {"extractors/tap-engagebay": "tap-engagebay"}
TAP_AGILECRM = {"extractors/tap-agilecrm": "tap-agilecrm"}
TAP_WHAUTOMATE = {"extractors/tap-whautomate": "tap-whautomate"}
TARGET_DUCKDB = {"loaders/target-duckdb": "target-duckdb-sdk"}
#: A tiny EngageBay account, for the runs through Meltano.
SMALL_ENGAGEBAY = {
    "contacts": 12,
    "companies": 4,
    "tracks": 2,
    "deals_per_track": 3,
    "tasks": 4,
    "tickets": 3,
    "products": 2,
    "owners": 2,
    "tags": 3,
    "lists": 2,
    "forms": 2,
    "events": 4,
}


@dataclass
class Meltano:
    """Meltano on the project, with a system folder of its own."""

    sys_dir: Path
    pycache: Path

    @classmethod
    def isolated(cls, sys_dir: Path, pycache: Path, needs: Mapping[str, str]) -> Meltano:
        """Set up the system folder.

        Args:
            sys_dir: An empty folder.
            pycache: A bytecode cache for the plugins.
            needs: Installed executables the tests need, ``{plugin folder: executable}``
                (e.g. ``{"loaders/target-duckdb": "target-duckdb-sdk"}``).

        Returns:
            The runner.
        """
        if not MELTANO.is_file():
            unavailable(f"Meltano is not installed at {MELTANO} (scripts/bootstrap installs it)")
        for folder, executable in needs.items():
            if not (ROOT / ".meltano" / folder / "venv" / "bin" / executable).is_file():
                unavailable(f"{folder} is not installed: run scripts/bootstrap (meltano install)")
        for kind in PLUGIN_KINDS:
            if (ROOT / ".meltano" / kind).is_dir():
                (sys_dir / kind).symlink_to(ROOT / ".meltano" / kind)
        return cls(sys_dir, pycache)

    def __call__(
        self, *args: str, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``meltano <args>`` in the project folder.

        Args:
            args: The command line.
            env: Environment added (plugin settings, e.g. TAP_ENGAGEBAY_API_URL).

        Returns:
            The finished process.
        """
        environment = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_PREFIXES)}
        # Meltano finds uv on the PATH (plugin venvs); the tap's venv is Meltano's own install.
        environment["PATH"] = os.pathsep.join(
            [str(Path(sys.executable).parent), environment.get("PATH", "")]
        )
        environment["MELTANO_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        environment["MELTANO_SYS_DIR_ROOT"] = str(self.sys_dir)
        use_pycache(environment, self.pycache)
        environment |= env or {}
        return subprocess.run(
            [str(MELTANO), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=environment,
            timeout=TIMEOUT,
            check=False,
        )

    def ok(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run ``meltano <args>``, fail the test unless it exits 0, return its stdout."""
        out = self(*args, env=env)
        assert out.returncode == 0, f"meltano {' '.join(args)}:\n{out.stderr[-5000:]}"
        return out.stdout


def meltano_fixture(
    needs: Mapping[str, str], scope: t.Literal["module", "function"] = "module"
) -> t.Any:
    """A fixture ``meltano``: Meltano on the project, isolated, with the plugins it needs.

    Args:
        needs: Installed executables the tests need (e.g. ``TAP_ENGAGEBAY | TARGET_DUCKDB``).
        scope: The fixture's scope (a module's tests share one system folder by default).

    Returns:
        The fixture, to assign to ``meltano`` in a test module.
    """

    def meltano(tmp_path_factory: pytest.TempPathFactory) -> Meltano:
        return Meltano.isolated(
            tmp_path_factory.mktemp("meltano-sys"), tmp_path_factory.mktemp("pycache"), needs
        )

    return pytest.fixture(meltano, scope=scope)


def tap_env(url: str, api_key: str) -> dict[str, str]:
    """tap-engagebay's settings for a simulator, as environment variables."""
    return {
        "TAP_ENGAGEBAY_API_URL": url,
        "TAP_ENGAGEBAY_API_KEY": api_key,
        # Seconds, passed by Meltano as text (`kind: string`: Meltano 4.4.1 cannot pass a
        # `kind: decimal` setting read from the environment).
        "TAP_ENGAGEBAY_RETRY_WAIT_BASE": "0.01",
        # Before all the simulator's data: fewer empty calendar windows to walk.
        "TAP_ENGAGEBAY_START_DATE": "2019-01-01",
    }


def agilecrm_env(url: str, email: str, api_key: str) -> dict[str, str]:
    """tap-agilecrm's settings for a simulator, as environment variables."""
    return {
        "TAP_AGILECRM_API_URL": url,
        "TAP_AGILECRM_EMAIL": email,
        "TAP_AGILECRM_API_KEY": api_key,
        "TAP_AGILECRM_RETRY_WAIT_BASE_MS": "10",
    }

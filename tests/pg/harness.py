"""Run target-postgres as Meltano does: declared settings, a config file, Singer lines on stdin.

The settings' values and the plugin's ``env`` are read from target_config/postgres.meltano.yml,
so the tests exercise the declaration, not a copy of it.
"""

from __future__ import annotations

import itertools
import json
import os
import shlex
import shutil
import subprocess
import sys
import tomllib
import typing as t
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import psycopg

ROOT = Path(__file__).resolve().parents[2]
DECLARATION = ROOT / "target_config" / "postgres.meltano.yml"
PATCH = ROOT / "loaders" / "target-postgres-tz"
TAP = Path(sys.executable).parent / "tap-engagebay"  # the dev venv's, as tests/e2e use it
MELTANO_BIN = ROOT / ".meltano" / "loaders" / "target-postgres" / "venv" / "bin"
TIMEOUT = 300

Message = dict[str, Any] | str


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> t.NoReturn:
    """Fail on CI, where everything the tests need must be there; skip elsewhere."""
    if on_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@cache
def loader() -> dict[str, Any]:
    """The target-postgres plugin as declared."""
    plugins = yaml.safe_load(DECLARATION.read_text())["plugins"]["loaders"]
    [plugin] = [p for p in plugins if p["name"] == "target-postgres"]
    return t.cast("dict[str, Any]", plugin)


def declared_values() -> dict[str, Any]:
    """The settings the declaration gives a value (what Meltano puts in the config file)."""
    values = {s["name"]: s["value"] for s in loader()["settings"] if "value" in s}
    assert not any("." in name for name in values), "nested values are not handled here"
    return values


def declared_env() -> dict[str, str]:
    """The environment the declaration gives the plugin."""
    return {k: str(v) for k, v in (loader().get("env") or {}).items()}


def pinned_version() -> str:
    """The version of the patched target (loaders/target-postgres-tz), e.g. ``0.8.1+tz.1``."""
    assert loader()["pip_url"] == f"-e ./{PATCH.relative_to(ROOT)}", loader()["pip_url"]
    project = tomllib.loads((PATCH / "pyproject.toml").read_text())["project"]
    assert "meltanolabs-target-postgres==0.8.1" in project["dependencies"]
    return t.cast("str", project["version"])


def reports_version(executable: Path, version: str) -> bool:
    try:
        out = subprocess.run(
            [str(executable), "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError:
        return False
    return out.returncode == 0 and f" v{version}," in out.stdout


def find_target_postgres(scratch: Path) -> tuple[Path | None, str]:
    """The executable Meltano installed, if it is the current patch; else one built with uv.

    Args:
        scratch: An empty folder for the fallback venv.

    Returns:
        The executable, or None and why there is none.
    """
    version = pinned_version()
    name = loader()["executable"]
    if reports_version(MELTANO_BIN / name, version):
        return MELTANO_BIN / name, ""
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        return None, (
            f"target-postgres {version} is not installed ({MELTANO_BIN / name}; run "
            "`meltano install --plugin-type loader target-postgres`) and uv is not on the PATH"
        )
    venv = scratch / "venv"
    steps = [
        [uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--compile-bytecode",
            "--python",
            str(venv / "bin" / "python"),
            *shlex.split(loader()["pip_url"]),
        ],
    ]
    for step in steps:
        out = subprocess.run(
            step, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
        )
        if out.returncode != 0:
            return None, f"could not install target-postgres ({' '.join(step)}):\n{out.stderr}"
    executable = venv / "bin" / name
    if not reports_version(executable, version):
        return None, f"{executable} does not report version {version}"
    return executable, ""


def use_pycache(environment: dict[str, str], pycache: Path) -> None:
    """Let a Python subprocess keep its bytecode in ``pycache``.

    Plugin venvs are installed without .pyc files; with PYTHONDONTWRITEBYTECODE set, every start
    would compile SQLAlchemy and the SDK again (seconds per run). The cache is kept outside the
    venv, so nothing is written into it.
    """
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    environment["PYTHONPYCACHEPREFIX"] = str(pycache)


@dataclass
class TargetRun:
    """What one run of the target left."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def states(self) -> list[Any]:
        """The state values the target emitted, in order."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def ok(self) -> TargetRun:
        assert self.returncode == 0, self.stderr[-4000:]
        return self

    def failed_with(self, text: str) -> TargetRun:
        assert self.returncode != 0, "the target succeeded"
        assert text in self.stderr, self.stderr[-4000:]
        return self


@dataclass
class TapRun(TargetRun):
    """A run of the tap piped into the target."""

    tap_returncode: int = 0
    tap_stderr: str = ""

    @property
    def state(self) -> Any:
        """The last state the target confirmed."""
        return self.states[-1]


class TargetRunner:
    """Runs the target into one schema with the declared settings plus the test's."""

    def __init__(
        self,
        executable: Path,
        connection: Mapping[str, Any],
        schema: str,
        workdir: Path,
        pycache: Path | None = None,
    ) -> None:
        self.executable = executable
        self.pycache = pycache
        self.connection = dict(connection)
        self.schema = schema
        self.workdir = workdir
        self._runs = itertools.count(1)

    def config(self, **settings: Any) -> dict[str, Any]:
        return {
            **declared_values(),
            **self.connection,
            "default_target_schema": self.schema,
            **settings,
        }

    def environment(self, env: Mapping[str, str | None] | None = None) -> dict[str, str]:
        """The process environment: ours without PG*/TARGET_POSTGRES_*, plus the declared env."""
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith(("PG", "TARGET_POSTGRES_"))
        }
        if self.pycache is not None:
            use_pycache(environment, self.pycache)
        environment |= declared_env()
        for name, value in (env or {}).items():
            if value is None:
                environment.pop(name, None)
            else:
                environment[name] = value
        return environment

    def run_tap(
        self,
        tap_config: Mapping[str, Any],
        *,
        state: Any = None,
        tap_returncode: int = 0,
        tap: Path = TAP,
        **settings: Any,
    ) -> TapRun:
        """Run ``tap-engagebay | target-postgres``: two processes joined by a pipe, as Meltano does.

        Args:
            tap_config: The tap's settings.
            state: A state value to start the tap from.
            tap_returncode: The tap's expected exit code (75: the quota ran out).
            tap: The tap's executable (tap-engagebay unless told).
            settings: Settings added to the loader's declared ones.

        Returns:
            The run (fails the test unless the tap exits so and the target exits 0).
        """
        run_no = next(self._runs)
        config = self.workdir / f"target-config-{run_no}.json"
        config.write_text(json.dumps(self.config(**settings)))
        tap_json = self.workdir / f"tap-config-{run_no}.json"
        tap_json.write_text(json.dumps(dict(tap_config)))
        tap_cmd = [str(tap), "--config", str(tap_json)]
        if state is not None:
            state_json = self.workdir / f"state-{run_no}.json"
            state_json.write_text(json.dumps(state))
            tap_cmd += ["--state", str(state_json)]
        tap_env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        tap_err = (self.workdir / f"tap-{run_no}.stderr").open("w+")
        target_err = (self.workdir / f"target-{run_no}.stderr").open("w+")
        with tap_err, target_err:
            tap = subprocess.Popen(tap_cmd, stdout=subprocess.PIPE, stderr=tap_err, env=tap_env)
            target = subprocess.Popen(
                [str(self.executable), "--config", str(config)],
                stdin=tap.stdout,
                stdout=subprocess.PIPE,
                stderr=target_err,
                env=self.environment(),
                text=True,
            )
            assert tap.stdout is not None
            tap.stdout.close()  # the target holds the pipe: a dead target stops the tap
            out, _ = target.communicate(timeout=TIMEOUT)
            tap.wait(timeout=TIMEOUT)
            tap_err.seek(0)
            target_err.seek(0)
            run = TapRun(target.returncode, out, target_err.read(), tap.returncode, tap_err.read())
        assert run.tap_returncode == tap_returncode, run.tap_stderr[-4000:]
        assert run.returncode == 0, run.stderr[-4000:]
        return run

    def run(
        self,
        messages: Iterable[Message],
        *,
        env: Mapping[str, str | None] | None = None,
        **settings: Any,
    ) -> TargetRun:
        """Pipe the messages into the target.

        Args:
            messages: Singer messages, as dicts or as ready JSON lines.
            env: Environment added to the declared one; None removes a variable.
            settings: Settings added to the declared ones.

        Returns:
            The run.
        """
        config = self.workdir / f"target-config-{next(self._runs)}.json"
        config.write_text(json.dumps(self.config(**settings)))
        lines = (m if isinstance(m, str) else json.dumps(m) for m in messages)
        out = subprocess.run(
            [str(self.executable), "--config", str(config)],
            input="".join(f"{line}\n" for line in lines),
            capture_output=True,
            text=True,
            env=self.environment(env),
            timeout=TIMEOUT,
            check=False,
        )
        return TargetRun(out.returncode, out.stdout, out.stderr)


def schema_message(
    stream: str,
    properties: Mapping[str, Any],
    key_properties: Iterable[str] = ("id",),
) -> dict[str, Any]:
    return {
        "type": "SCHEMA",
        "stream": stream,
        "schema": {"type": "object", "properties": dict(properties)},
        "key_properties": list(key_properties),
    }


def record(stream: str, values: Mapping[str, Any], version: int | None = None) -> dict[str, Any]:
    message = {"type": "RECORD", "stream": stream, "record": dict(values)}
    if version is not None:
        message["version"] = version
    return message


def state(value: Any) -> dict[str, Any]:
    return {"type": "STATE", "value": value}


def activate_version(stream: str, version: int) -> dict[str, Any]:
    return {"type": "ACTIVATE_VERSION", "stream": stream, "version": version}


def column_types(conn: psycopg.Connection[Any], schema: str, table: str) -> dict[str, str]:
    """Column name -> data type as information_schema names it (``ARRAY`` as ``_elem[]``)."""
    rows = conn.execute(
        """
        SELECT column_name, data_type, udt_name FROM information_schema.columns
        WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position
        """,
        (schema, table),
    ).fetchall()
    return {
        name: f"{udt.removeprefix('_')}[]" if kind == "ARRAY" else kind for name, kind, udt in rows
    }


def fetch(conn: psycopg.Connection[Any], sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


# Column schemas as tap-engagebay emits them (tap_engagebay/schemas_base.py, properties.py),
# written out so that these tests pin the target's behaviour, not the tap's current code.
ID = {"type": ["integer", "null"]}
TEXT = {"type": ["string", "null"]}
NUMBER = {"type": ["number", "null"]}
BOOL = {"type": ["boolean", "null"]}
TIME = {"type": ["string", "null"], "format": "date-time"}
DATE = {"type": ["string", "null"], "format": "date"}
JSON_OBJECT = {"type": ["object", "null"], "additionalProperties": True}
JSON_ARRAY = {"type": ["array", "null"], "items": {}}  # json_array() and FILE fields
STRING_ARRAY = {"type": ["array", "null"], "items": {"type": "string"}}  # MULTICHECKBOX fields
ARRAY_NO_ITEMS = {"type": ["array", "null"]}  # not emitted by the tap today


def long_name(size: int, char: str = "x") -> str:
    """A ``cf_`` column name of exactly ``size`` bytes, made of ``char`` then ``z``."""
    name = "cf_" + char * ((size - 3) // len(char.encode()))
    return name + "z" * (size - len(name.encode()))

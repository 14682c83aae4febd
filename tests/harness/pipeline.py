"""Run a tap alone, or piped into target-duckdb-sdk the way Meltano does (two processes joined
by a pipe), and read what it left: its messages, its state, the warehouse's tables."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import typing as t
import warnings
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import duckdb

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    import pytest

BIN = Path(sys.executable).parent


def environment(*, quiet: bool = False) -> dict[str, str]:
    """The environment of this process for a tap or a loader, without Python's warnings.

    Args:
        quiet: Also without any log level or logging config the caller's shell may hold.

    Returns:
        The variables.
    """
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    if quiet:
        env = {k: v for k, v in env.items() if not k.endswith("LOGLEVEL")}
        env.pop("SINGER_SDK_LOG_CONFIG", None)
    return env


@dataclass
class Run:
    """What one pipeline run left behind."""

    tap_rc: int
    target_rc: int
    tap_stderr: str
    target_stderr: str
    states: list[dict[str, t.Any]]
    database: Path

    @property
    def state(self) -> dict[str, t.Any] | None:
        """The last state the loader confirmed."""
        return self.states[-1] if self.states else None


@dataclass
class Started:
    """A pipeline still running: the tap's stdout feeds the loader; the loader's is a pipe."""

    tap: subprocess.Popen[bytes]
    target: subprocess.Popen[bytes]
    database: Path
    #: Where the tap's and the loader's logs go.
    tap_log: Path
    target_log: Path


@dataclass
class TapRun:
    """What the tap alone wrote: its exit code, its messages (stdout) and its log (stderr)."""

    rc: int
    stdout: str
    stderr: str

    @property
    def messages(self) -> list[dict[str, t.Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def records(self, stream: str = "contacts") -> list[dict[str, t.Any]]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def ids(self, stream: str) -> list[int]:
        return [int(r["id"]) for r in self.records(stream)]

    def kinds(self, stream: str = "contacts") -> list[str]:
        return [m["type"] for m in self.messages if m.get("stream") == stream]

    def schema(self, stream: str = "contacts") -> dict[str, t.Any]:
        schemas = [
            m["schema"] for m in self.messages if m["type"] == "SCHEMA" and m["stream"] == stream
        ]
        assert schemas, self.stderr[-2000:]
        found: dict[str, t.Any] = schemas[-1]
        return found

    @property
    def state(self) -> dict[str, t.Any]:
        states = [m["value"] for m in self.messages if m["type"] == "STATE"]
        return states[-1] if states else {}


def query(database: Path, sql: str) -> list[tuple[t.Any, ...]]:
    """All rows of a query on a warehouse, opened read-only."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


@dataclass(frozen=True)
class Source:
    """One tap and the warehouse schema it loads into; its runs write their files in a folder.

    A run writes ``tap.json``, ``target.json`` (and ``state.json``, ``catalog.json`` when
    given) in its folder, the tap's and the loader's logs in ``tap.stderr`` and
    ``target.stderr`` (each name prefixed with ``<label>-`` when a label is given), and the
    warehouse in ``warehouse.duckdb``.
    """

    tap: str
    schema: str
    #: Seconds before a run is killed.
    timeout: float = 300

    @property
    def executable(self) -> Path:
        return BIN / self.tap

    def run_tap(  # noqa: PLR0913
        self,
        workdir: Path,
        config: dict[str, t.Any],
        *,
        state: dict[str, t.Any] | None = None,
        catalog: dict[str, t.Any] | None = None,
        args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        quiet: bool = False,
    ) -> TapRun:
        """Run the tap alone, to the end (``args`` follow ``--config``).

        ``env`` is added to this process's environment; ``quiet`` first drops from it any log
        level or logging config (see ``environment``).
        """
        cmd = self._tap_command(workdir, config, state=state, catalog=catalog, args=args)
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=self.timeout,
            check=False,
            env={**environment(quiet=quiet), **(env or {})},
        )
        return TapRun(proc.returncode, proc.stdout, proc.stderr)

    def run_pipeline(  # noqa: PLR0913
        self,
        workdir: Path,
        config: dict[str, t.Any],
        *,
        state: dict[str, t.Any] | None = None,
        catalog: dict[str, t.Any] | None = None,
        target_config: dict[str, t.Any] | None = None,
        timeout: float | None = None,
        label: str | None = None,
    ) -> Run:
        """Run ``tap | target-duckdb-sdk`` to the end, into ``workdir/warehouse.duckdb``."""
        pipe = self.start_pipeline(
            workdir, config, state=state, catalog=catalog, target_config=target_config, label=label
        )
        out, _ = pipe.target.communicate(timeout=timeout or self.timeout)
        pipe.tap.wait(timeout=timeout or self.timeout)
        states = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
        logs = pipe.tap_log.read_text(), pipe.target_log.read_text()
        return Run(pipe.tap.returncode, pipe.target.returncode, *logs, states, pipe.database)

    def start_pipeline(  # noqa: PLR0913
        self,
        workdir: Path,
        config: dict[str, t.Any],
        *,
        state: dict[str, t.Any] | None = None,
        catalog: dict[str, t.Any] | None = None,
        target_config: dict[str, t.Any] | None = None,
        label: str | None = None,
    ) -> Started:
        """Start ``tap | target-duckdb-sdk`` and return at once (the caller ends them)."""
        tap_cmd = self._tap_command(workdir, config, state=state, catalog=catalog, label=label)
        database = workdir / "warehouse.duckdb"
        target_json = self._target_config(workdir, database, target_config, label)
        target_cmd = [str(BIN / "target-duckdb-sdk"), "--config", str(target_json)]
        prefix = f"{label}-" if label else ""
        tap_log, target_log = workdir / f"{prefix}tap.stderr", workdir / f"{prefix}target.stderr"
        env = environment()
        with tap_log.open("w") as tap_err:
            tap = subprocess.Popen(tap_cmd, stdout=subprocess.PIPE, stderr=tap_err, env=env)
        with target_log.open("w") as tgt_err:
            target = subprocess.Popen(
                target_cmd, stdin=tap.stdout, stdout=subprocess.PIPE, stderr=tgt_err, env=env
            )
        assert tap.stdout is not None
        tap.stdout.close()
        return Started(tap, target, database, tap_log, target_log)

    def load(self, workdir: Path, run: TapRun, database: Path) -> None:
        """Pipe a tap run's output into target-duckdb-sdk (this source's schema)."""
        target = self._target_config(workdir, database, None, None)
        proc = subprocess.run(
            [str(BIN / "target-duckdb-sdk"), "--config", str(target)],
            input=run.stdout,
            capture_output=True,
            text=True,
            timeout=self.timeout,
            check=False,
            env=environment(),
        )
        assert proc.returncode == 0, proc.stderr[-3000:]

    def catalog_selecting(
        self, config: dict[str, t.Any], streams: Iterable[str]
    ) -> dict[str, t.Any]:
        """Discover the catalog and select only some streams."""
        result = subprocess.run(
            [str(self.executable), "--config", "/dev/stdin", "--discover"],
            input=json.dumps(config),
            capture_output=True,
            text=True,
            check=True,
        )
        catalog: dict[str, t.Any] = json.loads(result.stdout)
        selected = set(streams)
        for entry in catalog["streams"]:
            for meta in entry["metadata"]:
                if not meta["breadcrumb"]:
                    meta["metadata"]["selected"] = entry["tap_stream_id"] in selected
        return catalog

    def table_ids(self, database: Path, table: str, key: str = "id") -> tuple[int, set[t.Any]]:
        """Row count and distinct keys of one of this source's warehouse tables."""
        rows = query(database, f'SELECT "{key}" FROM {self.schema}."{table}"')
        return len(rows), {row[0] for row in rows}

    def _tap_command(  # noqa: PLR0913
        self,
        workdir: Path,
        config: dict[str, t.Any],
        *,
        state: dict[str, t.Any] | None,
        catalog: dict[str, t.Any] | None,
        args: tuple[str, ...] = (),
        label: str | None = None,
    ) -> list[str]:
        """Write the tap's config (and state, catalog) in ``workdir``; return its command."""
        workdir.mkdir(parents=True, exist_ok=True)
        prefix = f"{label}-" if label else ""
        tap_json = workdir / f"{prefix}tap.json"
        tap_json.write_text(json.dumps(config))
        cmd = [str(self.executable), "--config", str(tap_json), *args]
        if state is not None:
            (workdir / "state.json").write_text(json.dumps(state))
            cmd += ["--state", str(workdir / "state.json")]
        if catalog is not None:
            (workdir / "catalog.json").write_text(json.dumps(catalog))
            cmd += ["--catalog", str(workdir / "catalog.json")]
        return cmd

    def _target_config(
        self,
        workdir: Path,
        database: Path,
        target_config: dict[str, t.Any] | None,
        label: str | None,
    ) -> Path:
        """Write the loader's config in ``workdir`` (this source's schema); return its path."""
        workdir.mkdir(parents=True, exist_ok=True)
        prefix = f"{label}-" if label else ""
        path = workdir / f"{prefix}target.json"
        config = {"path": str(database), "default_target_schema": self.schema}
        path.write_text(json.dumps({**config, **(target_config or {})}))
        return path


def run_in_process(
    main: Callable[[], t.Any], argv: list[str], capfd: pytest.CaptureFixture[str]
) -> TapRun:
    """Run a tap's command line in this process (a second each saved over a subprocess).

    Args:
        main: The tap's entry point.
        argv: Its command line, the program's name first.
        capfd: pytest's capture of the file descriptors (the tap's stdout and stderr).

    Returns:
        Its exit code, its stdout, and its log (what logging and stderr received).
    """
    capfd.readouterr()
    rc: int | str | None = 0
    root = logging.getLogger()
    # Handlers the SDK set up in an earlier test hold that test's (closed) stderr.
    loggers = [root, *(v for v in logging.root.manager.loggerDict.values()
                       if isinstance(v, logging.Logger))]  # fmt: skip
    for logger in loggers:
        for old in logger.handlers:
            if type(old) is logging.StreamHandler and getattr(old.stream, "closed", False):
                old.stream = sys.stderr
    filters = [(h, list(h.filters)) for h in root.handlers]
    logged = io.StringIO()
    handler = logging.StreamHandler(logged)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    with mock.patch.object(sys, "argv", argv), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            main()
        except SystemExit as exc:
            rc = exc.code
    root.removeHandler(handler)
    for kept_handler, kept in filters:
        kept_handler.filters[:] = kept
    out, err = capfd.readouterr()
    return TapRun(rc if isinstance(rc, int) else 1, out, logged.getvalue() + err)


def resume_cursor(state: dict[str, t.Any], stream: str = "contacts") -> str | None:
    """The cursor a stream's state resumes from (its ``resume`` bookmark), if any."""
    resume = state.get("bookmarks", {}).get(stream, {}).get("resume") or {}
    cursor: str | None = resume.get("cursor")
    return cursor


def kill_once_confirmed(
    pipe: Started,
    confirmed_enough: Callable[[dict[str, t.Any]], bool],
    *,
    killed: str,
    deadline: float,
    log: Path,
) -> dict[str, t.Any]:
    """Kill a running pipeline with ``kill -9`` once the loader confirmed a state that is enough.

    Args:
        pipe: The pipeline, started with the loader confirming every state.
        confirmed_enough: Tells, of each state the loader confirms, whether to kill now.
        killed: ``"both"`` kills the loader too, ``"tap"`` the tap alone.
        deadline: Seconds to wait for that state, and for the processes to end.
        log: The loader's log, shown if the state never comes.

    Returns:
        The last state the loader confirmed.
    """
    confirmed: list[dict[str, t.Any]] = []
    reached = threading.Event()

    def read() -> None:
        assert pipe.target.stdout is not None
        for line in pipe.target.stdout:
            confirmed.append(json.loads(line))
            if confirmed_enough(confirmed[-1]):
                reached.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert reached.wait(deadline), log.read_text()[-2000:]
    victims = [pipe.target, pipe.tap] if killed == "both" else [pipe.tap]
    for process in victims:
        os.kill(process.pid, signal.SIGKILL)
    pipe.tap.wait(deadline)
    pipe.target.wait(deadline)
    reader.join(deadline)
    assert pipe.target.stdout is not None
    pipe.target.stdout.close()
    assert pipe.tap.returncode == -signal.SIGKILL
    return confirmed[-1]


def with_changes(config: dict[str, t.Any], change: dict[str, t.Any]) -> dict[str, t.Any]:
    """A copy of a tap's config with some settings changed (``None``: the setting removed)."""
    changed = {**config, **change}
    return {key: value for key, value in changed.items() if change.get(key, 0) is not None}


def assert_one_clear_line(run: TapRun, expected: str) -> None:
    """The tap failed before it wrote a message, with exactly one line saying ``expected``."""
    assert run.rc == 1
    lines = [line for line in run.stderr.splitlines() if expected in line]
    assert len(lines) == 1, run.stderr[-2000:]
    assert run.stdout == ""

"""Benchmark 5: ``kill -9`` of a Meltano run at given moments, then a rerun from its state.

Every stream selected, as a user runs it. For each kill: a fresh warehouse and a throwaway
Meltano system database; ``meltano run tap-engagebay target-duckdb``; at the moment, SIGKILL to
meltano, the tap and the loader (``pipeline``), to the tap alone (``tap``) or to the loader
alone (``loader``); once every process of the run has ended, the same command again with the
same system database (so it starts from the state Meltano saved), to its end. The simulator's
request log tells what the rerun asked for again.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import tempfile
import time
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from benchmarks.harness import ROOT, Sim, descendants, endpoint_of, meltano_env, simulator, table
from engagebay_sim.data import STREAMS

#: Who gets SIGKILL in each mode (short process names, see ``harness.descendants``).
MODES: dict[str, tuple[str, ...]] = {
    "pipeline": ("meltano", "tap-engagebay", "target-duckdb-sdk"),
    "tap": ("tap-engagebay",),
    "loader": ("target-duckdb-sdk",),
}
STATE_ID = "dev:tap-engagebay-to-target-duckdb"
SCHEMA = "engagebay"
RUN_TIMEOUT_S = 3600
#: How long the rest of a run may take to end after one of its processes was killed.
EXIT_TIMEOUT_S = 600
_POLL_S = 0.2

#: A request as the rerun could repeat it: method, endpoint and every parameter.
Key = tuple[str, str, tuple[tuple[str, str], ...]]


def key_of(entry: dict[str, t.Any]) -> Key:
    """The request's identity, its time aside.

    Args:
        entry: A simulator request log entry.

    Returns:
        (method, endpoint, sorted parameters of the query and the form).
    """
    params = {**(entry.get("query") or {}), **(entry.get("form") or {})}
    items = tuple(sorted((str(k), str(v)) for k, v in params.items()))
    return str(entry["method"]), endpoint_of(entry["path"]), items


@dataclass
class Case:
    """One kill and its rerun."""

    mode: str
    at: float
    #: Seconds from the start to the kill; None when the run ended before the moment.
    killed_after: float | None = None
    killed_at: float = 0.0
    #: Seconds from the killed run's first API request to the kill.
    requesting: float = 0.0
    before: int = 0
    after: int = 0
    #: Seconds from the last change of the state Meltano saved to the kill (None: none saved).
    state_age: float | None = None
    rerun_requests: int = 0
    rerun_seconds: float = 0.0
    #: Each request the rerun asked for again: how long before the kill the killed run sent it.
    repeated: dict[Key, float] = field(default_factory=dict)
    rows_once: str = ""
    load: str = ""
    note: str = ""


def _print(text: str) -> None:
    print(text, flush=True)


def _load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def _start(url: str, work: Path, log_name: str, *force: str) -> subprocess.Popen[bytes]:
    with (work / log_name).open("wb") as log:
        return subprocess.Popen(
            [str(ROOT / ".venv-meltano" / "bin" / "meltano"), "run", *force, "tap-engagebay",
             "target-duckdb"],
            cwd=ROOT,
            env=meltano_env(url, work),
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie, ended but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def _run_to_end(url: str, work: Path, log_name: str) -> float:
    started = time.monotonic()
    # --force: a killed meltano leaves its job marked running, and Meltano refuses another run
    # with the same state id until that job's heartbeat is 5 minutes old.
    with _start(url, work, log_name, "--force") as proc:
        try:
            rc = proc.wait(timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    if rc != 0:
        tail = (work / log_name).read_text(errors="replace")[-3000:]
        msg = f"meltano run exited with {rc}:\n{tail}"
        raise RuntimeError(msg)
    return time.monotonic() - started


class StateWatch:
    """Polls Meltano's system database for the run's saved state; notes when it last changed."""

    def __init__(self, work: Path) -> None:
        """Prepare.

        Args:
            work: The folder of ``meltano.db``.
        """
        self.path = work / "meltano.db"
        self.seen: object = None
        #: Epoch seconds of the last change seen; None while no state was saved.
        self.changed: float | None = None

    def poll(self) -> bool:
        """Read the state once.

        Returns:
            Whether it changed since the last read.
        """
        if not self.path.exists():
            return False
        try:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=0.5)
            try:
                row = con.execute(
                    "SELECT partial_state, completed_state FROM state WHERE state_id = ?",
                    (STATE_ID,),
                ).fetchone()
            finally:
                con.close()
        except sqlite3.Error:  # not created yet, or busy: the next poll reads it
            return False
        if row is None or row == self.seen:
            return False
        self.seen, self.changed = row, time.time()
        return True


def _wait_ended(proc: subprocess.Popen[bytes], family: list[int], case: Case) -> None:
    """Wait until meltano and every process it started ended (killing them after a while)."""
    try:
        proc.wait(timeout=EXIT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        case.note = f"meltano still running {EXIT_TIMEOUT_S} s after the kill; killed"
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + EXIT_TIMEOUT_S
    while any(_alive(pid) for pid in family) and time.monotonic() < deadline:
        time.sleep(_POLL_S)
    for pid in family:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            case.note = "a process of the run outlived it; killed"


def _kill(sim: Sim, work: Path, mode: str, at: float, case: Case) -> list[dict[str, t.Any]]:
    """Start a run, SIGKILL the mode's processes ``at`` seconds in, wait until all ended."""
    sim.clear_requests()
    with _start(sim.url, work, "run1.log") as proc:
        started = time.time()
        watch = StateWatch(work)
        while time.time() < started + at and proc.poll() is None:
            watch.poll()
            time.sleep(_POLL_S)
        if proc.poll() is not None:
            case.note = f"the run ended after {time.time() - started:.0f} s, before the kill"
            proc.wait()
            return []
        family = descendants(proc.pid)
        names = {name for _, name in family} | {"meltano"}
        missing = [name for name in MODES[mode] if name not in names]
        if missing:
            for pid in [proc.pid, *(pid for pid, _ in family)]:
                os.kill(pid, signal.SIGKILL)
            msg = (
                f"no {', '.join(missing)} process under meltano {at:.0f} s after its start "
                f"(found {sorted(names)}): kill later"
            )
            raise RuntimeError(msg)
        victims = [pid for pid, name in family if name in MODES[mode]]
        if "meltano" in MODES[mode]:
            victims.insert(0, proc.pid)
        killed = time.time()
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
        case.killed_after = killed - started
        case.killed_at = killed
        case.load = _load()
        _wait_ended(proc, [pid for pid, _ in family], case)
    first = sim.requests()
    case.before = sum(1 for e in first if e["ts"] <= killed)
    case.requesting = killed - min((float(e["ts"]) for e in first), default=killed)
    case.after = len(first) - case.before
    if watch.changed is not None:
        case.state_age = killed - watch.changed
    if watch.poll():
        case.note = "the loader confirmed a state after the kill"
    return first


def _rows_once(sim: Sim, warehouse: Path) -> str:
    """``yes`` when every stream's rows are the account's, each once and none marked deleted."""
    bad = []
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for stream in STREAMS:
            key = "tag" if stream == "tags" else "id"
            columns = {
                str(c[0])
                for c in con.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = ? AND table_name = ?",
                    [SCHEMA, stream],
                ).fetchall()
            }
            rows = distinct = deleted = 0
            if columns:
                gone = (
                    "count(*) FILTER (WHERE _sdc_deleted_at IS NOT NULL)"
                    if "_sdc_deleted_at" in columns
                    else "0"
                )
                found = con.execute(
                    f'SELECT count(*), count(DISTINCT "{key}"), {gone} '  # noqa: S608
                    f'FROM {SCHEMA}."{stream}"'
                ).fetchone()
                rows, distinct, deleted = found or (0, 0, 0)
            truth = sim.count(stream)
            if not rows == distinct == truth or deleted:
                bad.append(f"{stream} {rows:,} rows, {distinct:,} keys, {deleted} deleted, "
                           f"{truth:,} in the account")  # fmt: skip
    finally:
        con.close()
    return "yes" if not bad else "**no**: " + "; ".join(bad)


def _one(sim: Sim, mode: str, at: float, *, third: bool) -> tuple[Case, set[Key]]:
    """One kill and its rerun; with ``third``, also the requests of a run after the rerun."""
    case = Case(mode, at)
    with tempfile.TemporaryDirectory(prefix="eb-bench-kill-") as tmp:
        work = Path(tmp)
        first = _kill(sim, work, mode, at, case)
        if case.killed_after is None:
            return case, set()
        sim.clear_requests()
        case.rerun_seconds = _run_to_end(sim.url, work, "run2.log")
        log = sim.requests()
        case.rerun_requests = len(log)
        rerun = {key_of(e) for e in log}
        for entry in first:
            k = key_of(entry)
            if k in rerun and k not in case.repeated:
                case.repeated[k] = case.killed_at - float(entry["ts"])
        case.rows_once = _rows_once(sim, work / "warehouse.duckdb")
        case.load += f" / {_load()}"
        every_run: set[Key] = set()
        if third:  # nothing left to read: the requests every run sends whatever its state
            sim.clear_requests()
            _run_to_end(sim.url, work, "run3.log")
            every_run = {key_of(e) for e in sim.requests()}
    return case, every_run


def kill(sizes: list[int], moments: list[float], modes: list[str]) -> str:
    """Benchmark 5: what a rerun after ``kill -9`` repeats, and whether every row lands once.

    Args:
        sizes: Contact counts (``--preset demo``).
        moments: Seconds after the start of ``meltano run`` at which to kill.
        modes: Keys of ``MODES``.

    Returns:
        The report section.
    """
    _print("\n## 5. kill -9, then a rerun from the state Meltano saved (every stream)\n")
    rows: list[list[str]] = []
    for size in sizes:
        with simulator("--preset", "demo", "--contacts", str(size)) as sim:
            every_run: set[Key] = set()
            cases = []
            for mode in modes:
                for at in moments:
                    case, seen = _one(sim, mode, at, third=not every_run)
                    every_run |= seen
                    cases.append(case)
                    _print(f"  {size:,} contacts, {mode} killed at {at:.0f} s: "
                           f"{case.before:,} requests before, {len(case.repeated):,} asked "
                           f"again, load {case.load} {case.note}")  # fmt: skip
            rows.extend(_row(size, case, every_run) for case in cases)
    text = table(
        [
            "contacts",
            "killed",
            "at (s)",
            "requests before the kill",
            "after",
            "saved state's age at the kill (s)",
            "rerun's requests",
            "asked again",
            "of which work (not asked by every run)",
            "seconds of work lost",
            "oldest asked again (s before the kill)",
            "rerun (s)",
            "rows exactly once",
            "load at kill / after",
        ],
        rows,
    )
    text += (
        "\n\n*after*: requests of the killed run sent after the kill (by the processes not "
        "killed). *asked again*: the rerun's requests that the killed run had already sent "
        "(same endpoint and parameters); *of which work*: less those that every run sends "
        "whatever its state (custom fields, the unpaged lists; measured by a third run with "
        "nothing left to read). *seconds of work lost*: those requests at the killed run's "
        "pace (its requests before the kill per second since its first request). *oldest asked "
        "again*: how long before the kill the killed run sent the oldest of them (a stream's "
        "first page, read ahead at the start, is read again when the stream had not finished). "
        "*rows exactly once*: in every stream's "
        "table, rows = distinct keys = the simulator's count, none marked deleted."
    )
    _print(text)
    return text


def _row(size: int, case: Case, every_run: set[Key]) -> list[str]:
    if case.killed_after is None:
        return [f"{size:,}", case.mode, f"{case.at:.0f}", case.note, *[""] * 10]
    work = {k: ts for k, ts in case.repeated.items() if k not in every_run}
    pace = case.before / case.requesting if case.requesting > 0 else 0.0
    lost = len(work) / pace if pace else 0.0
    oldest = max(work.values(), default=0.0)
    sent = case.before + case.after
    share = f" ({len(work) / sent:.0%})" if sent else ""
    age = "no state" if case.state_age is None else f"{case.state_age:.0f}"
    return [
        f"{size:,}",
        case.mode,
        f"{case.killed_after:.0f}",
        f"{case.before:,}",
        f"{case.after:,}",
        age,
        f"{case.rerun_requests:,}",
        f"{len(case.repeated):,}",
        f"{len(work):,}{share}",
        f"{lost:.0f}",
        f"{oldest:.0f}",
        f"{case.rerun_seconds:.0f}",
        case.rows_once,
        case.load + (f" ({case.note})" if case.note else ""),
    ]

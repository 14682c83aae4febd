"""One run writes a warehouse file at a time: a second loader waits, or stops with one line."""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
import typing as t
from pathlib import Path

import pytest
from duckdb_target_helpers import SCHEMA, Warehouse, record, schema_message, state

from target_duckdb_sdk.lock import WarehouseBusyError, WarehouseLock, lock_path_of

if t.TYPE_CHECKING:
    from collections.abc import Iterator

TARGET = Path(sys.executable).parent / "target-duckdb-sdk"
#: Bound on waiting for a line from a child process (never reached when things work).
PATIENCE = 120.0


class FakeClock:
    """Time that passes only when the lock sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_a_second_lock_waits_its_timeout_then_names_the_holder(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    logger = logging.getLogger("test-lock")
    first = WarehouseLock(database)
    first.acquire(0, logger)
    clock = FakeClock()
    second = WarehouseLock(database, clock=clock, sleep=clock.sleep)
    with pytest.raises(WarehouseBusyError) as caught:
        second.acquire(5, logger)
    assert sum(clock.sleeps) == pytest.approx(5)
    message = str(caught.value)
    assert f"pid {os.getpid()}" in message
    assert str(database) in message
    assert "lock_timeout" in message
    assert not second.held

    first.release()
    second.acquire(0, logger)
    assert second.held
    assert oct(lock_path_of(database).stat().st_mode & 0o777) == oct(0o600)
    second.release()


def test_an_in_process_target_holds_the_lock_until_the_end_of_its_input(
    warehouse: Warehouse,
) -> None:
    messages = [
        schema_message("contacts", {"id": {"type": "integer"}}),
        record("contacts", {"id": 1}),
        state({"bookmarks": {}}),
    ]
    warehouse.run(messages)
    # Released at the end of the pipe: a second run does not wait at all.
    warehouse.run([messages[0], record("contacts", {"id": 2})], lock_timeout=0)
    assert warehouse.one(f"select count(*) from {SCHEMA}.contacts") == (2,)


def _lines(stream: t.IO[str]) -> queue.Queue[str]:
    """Read a child's stream on a thread, so that a test can wait for a line with a bound."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue[str], text: str) -> list[str]:
    seen: list[str] = []
    while True:
        line = lines.get(timeout=PATIENCE)
        seen.append(line)
        if text in line:
            return seen
        if line == "":
            pytest.fail(f"never saw {text!r}: {''.join(seen)}")


@pytest.fixture
def first_run(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """A loader that has started (holds the lock) and waits for more input."""
    database = tmp_path / "out" / "warehouse.duckdb"
    config = tmp_path / "first.json"
    config.write_text(json.dumps({"path": str(database)}))
    process = subprocess.Popen(
        [str(TARGET), "--config", str(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdin is not None
    first = [schema_message("contacts", {"id": {"type": "integer"}}), record("contacts", {"id": 1})]
    process.stdin.write("".join(json.dumps(m) + "\n" for m in first))
    process.stdin.flush()
    lock = lock_path_of(database)
    # The lock file names its holder once it is taken: wait for that, bounded.
    deadline = PATIENCE
    while deadline > 0 and f"pid {process.pid}" not in (lock.read_text() if lock.exists() else ""):
        threading.Event().wait(0.05)
        deadline -= 0.05
    assert f"pid {process.pid}" in lock.read_text()
    try:
        yield process, database
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=PATIENCE)
        if process.stdin is not None and not process.stdin.closed:
            process.stdin.close()


def _second(tmp_path: Path, database: Path, lock_timeout: int) -> subprocess.Popen[str]:
    config = tmp_path / "second.json"
    config.write_text(json.dumps({"path": str(database), "lock_timeout": lock_timeout}))
    return subprocess.Popen(
        [str(TARGET), "--config", str(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_a_second_loader_stops_with_one_line_when_it_may_not_wait(
    tmp_path: Path, first_run: tuple[subprocess.Popen[str], Path]
) -> None:
    first, database = first_run
    second = _second(tmp_path, database, lock_timeout=0)
    _, stderr = second.communicate(json.dumps(record("contacts", {"id": 2})) + "\n", PATIENCE)
    assert second.returncode == 1
    assert "Traceback" not in stderr
    problem = [line for line in stderr.splitlines() if "Another run is writing" in line]
    assert len(problem) == 1, stderr
    assert f"pid {first.pid}" in problem[0]
    assert "lock_timeout" in problem[0]
    # The first run is untouched and still loads everything.
    assert first.stdin is not None
    first.stdin.close()
    assert first.wait(timeout=PATIENCE) == 0
    assert Warehouse(database).all(f"select id from {SCHEMA}.contacts") == [(1,)]


@pytest.mark.slow
def test_a_second_loader_waits_for_the_first_then_loads(
    tmp_path: Path, first_run: tuple[subprocess.Popen[str], Path]
) -> None:
    first, database = first_run
    second = _second(tmp_path, database, lock_timeout=int(PATIENCE))
    assert second.stdin is not None
    assert second.stderr is not None
    second.stdin.write(json.dumps(schema_message("contacts", {"id": {"type": "integer"}})) + "\n")
    second.stdin.write(json.dumps(record("contacts", {"id": 2})) + "\n")
    second.stdin.close()
    errors = _lines(second.stderr)
    _wait_for(errors, "waiting up to")
    # The second has not written anything while the first holds the file.
    assert second.poll() is None
    assert first.stdin is not None
    first.stdin.close()
    assert first.wait(timeout=PATIENCE) == 0
    assert second.wait(timeout=PATIENCE) == 0
    while errors.get(timeout=PATIENCE):  # read to the end of its output
        pass
    second.stderr.close()
    assert Warehouse(database).all(f"select id from {SCHEMA}.contacts order by id") == [
        (1,),
        (2,),
    ]

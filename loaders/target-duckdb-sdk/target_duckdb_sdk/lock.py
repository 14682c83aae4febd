"""One writer per warehouse file: a lock the loader holds from start to end.

DuckDB lets one process write a database file; a second loader that opened the same file
while another run (the hourly job and the nightly full pass, say) still writes it would fail
halfway with DuckDB's own lock error. So the loader takes an exclusive ``flock`` on a file
beside the database (``<database>.lock``) before it reads any message, holds it until it has
loaded everything, and the operating system drops it when the process ends, however it ends
(``kill -9`` included). A second loader waits for it, up to ``lock_timeout`` seconds, then
stops with one line naming the other run. The lock lives in the loader, so it holds whichever
way the run was started: cron, ``meltano run``, ``meltano schedule run``, an orchestrator.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import time
import typing as t

if t.TYPE_CHECKING:
    import logging
    from collections.abc import Callable
    from pathlib import Path

#: Seconds between two attempts while another run holds the lock.
POLL_SECONDS = 1.0


class WarehouseBusyError(Exception):
    """Another run kept the warehouse file for longer than the loader may wait."""


def lock_path_of(database: Path) -> Path:
    """The lock file of a database file.

    Args:
        database: The DuckDB file.

    Returns:
        ``<database>.lock`` in the same folder.
    """
    return database.with_name(f"{database.name}.lock")


class WarehouseLock:
    """An exclusive lock on one warehouse file, held by one process at a time."""

    def __init__(
        self,
        database: Path,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Name the database; nothing is locked yet.

        Args:
            database: The DuckDB file.
            clock: Seconds, for the wait (a test passes a fake one).
            sleep: How to wait between attempts.
        """
        self.database = database
        self.path = lock_path_of(database)
        self._clock = clock
        self._sleep = sleep
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self, timeout: float, logger: logging.Logger) -> None:
        """Take the lock, waiting up to ``timeout`` seconds for another run to end.

        Args:
            timeout: Seconds to wait; 0 tries once.
            logger: Where the one "waiting" line goes.

        Raises:
            WarehouseBusyError: When another run still holds it after ``timeout``.
        """
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = self._clock() + max(0.0, timeout)
        told = False
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    holder = _holder(fd)
                    left = deadline - self._clock()
                    if left <= 0:
                        msg = (
                            f"Another run is writing {self.database} ({holder}); waited "
                            f"{timeout:g} s for it. Run this job once that one has ended, or "
                            "raise the loader's `lock_timeout` setting."
                        )
                        raise WarehouseBusyError(msg) from None
                    if not told:
                        logger.warning(
                            "Another run is writing %s (%s); waiting up to %g s for it to end",
                            self.database,
                            holder,
                            timeout,
                        )
                        told = True
                    self._sleep(min(POLL_SECONDS, left))
        except BaseException:
            os.close(fd)
            raise
        started = dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, since {started}\n".encode(), 0)
        self._fd = fd
        if told:
            logger.info("The other run ended; loading into %s", self.database)

    def release(self) -> None:
        """Let the next run write (also done by the system when the process ends)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)  # closing the descriptor drops the flock


def _holder(fd: int) -> str:
    """Who holds the lock, as its holder wrote it (pid and start time)."""
    try:
        text = os.pread(fd, 200, 0).decode(errors="replace").strip()
    except OSError:
        text = ""
    return text or "a process that has not said which"

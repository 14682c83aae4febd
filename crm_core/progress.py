"""Progress a person can follow: a line per stream every few seconds, a summary at its end.

Shared by every tap (``crm_core.http.CRMStream`` feeds it; ``CRMTap.progress`` holds it).
The SDK logs a METRIC line per request and, for a child stream synced once per parent record,
two per parent: thousands of lines for a few thousand contacts. At the default level the tap
writes instead, per stream, about one line every ``interval`` seconds while the stream is
written (records and pages so far, rate, requests, retries; for a child stream, how many
parents are done), then one summary line when the stream ends. The SDK's metrics stay
available at DEBUG (see :func:`quiet_sdk_metrics`).

The hooks: :meth:`StreamProgress.request`, :meth:`~StreamProgress.retry` and
:meth:`~StreamProgress.page` may be called from any thread (requests run in a pool);
records are counted by :class:`RecordCounter`, the SDK's record counter, on the thread that
writes them, which is also the only one that prints.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import typing as t

from singer_sdk import metrics

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

#: Seconds between two progress lines of one stream.
DEFAULT_INTERVAL = 5.0


@dataclasses.dataclass(frozen=True, slots=True)
class Counts:
    """What one stream has done so far."""

    records: int = 0
    pages: int = 0
    requests: int = 0
    retries: int = 0
    #: For a child stream: parent records whose children were written.
    parents_done: int = 0


class StreamProgress:
    """What one stream has done so far, and when it last said so."""

    def __init__(
        self,
        name: str,
        *,
        emit: Callable[[str, str], None],
        clock: Callable[[], float],
        interval: float,
        parent: str | None = None,
    ) -> None:
        """Start counting.

        Args:
            name: The stream.
            emit: Writes a line: ``emit(stream, text)``.
            clock: Seconds from a monotonic clock.
            interval: Seconds between two progress lines.
            parent: For a child stream, its parent stream's name.
        """
        self.name = name
        self.parent = parent
        self._emit = emit
        self._clock = clock
        self._interval = interval
        self._lock = threading.Lock()
        self.records = 0
        self.pages = 0
        self.requests = 0
        self.retries = 0
        self.parents_done = 0
        self.started: float | None = None
        self._last_line = 0.0
        self.finished = False

    # ---- hooks, from any thread --------------------------------------------------------------

    def request(self) -> None:
        """One request attempt was sent."""
        with self._lock:
            self.requests += 1

    def retry(self) -> None:
        """A request is retried."""
        with self._lock:
            self.retries += 1

    def page(self) -> None:
        """One page of a listing was read."""
        with self._lock:
            self.pages += 1

    # ---- hooks, from the thread writing the records ------------------------------------------

    def start(self) -> None:
        """The stream (a child: for one parent) begins writing; the clock starts once."""
        if self.started is None:
            self.started = self._last_line = self._clock()

    def add_records(self, count: int = 1) -> None:
        """Records were written.

        Args:
            count: How many.
        """
        self.records += count
        self.tick()

    def parent_done(self) -> None:
        """A child stream finished the records of one parent."""
        self.parents_done += 1
        self.tick()

    def tick(self) -> None:
        """Write a progress line when the last one is ``interval`` seconds old."""
        now = self._clock()
        if self.started is None:
            self.started = self._last_line = now
        elif now - self._last_line >= self._interval:
            self._last_line = now
            self._emit(self.name, self.line(now))

    def finish(self, *, failed: bool = False) -> None:
        """Write the summary line, once.

        Args:
            failed: The stream stopped on an error.
        """
        if self.finished:
            return
        self.finished = True
        now = self._clock()
        if self.started is None:
            self.started = now
        self._emit(self.name, self.line(now, final=True, failed=failed))

    # ---- the lines ---------------------------------------------------------------------------

    def counts(self) -> Counts:
        """What the stream has done so far, at once.

        Returns:
            The counts.
        """
        with self._lock:
            return Counts(
                records=self.records,
                pages=self.pages,
                requests=self.requests,
                retries=self.retries,
                parents_done=self.parents_done,
            )

    def line(self, now: float, *, final: bool = False, failed: bool = False) -> str:
        """Describe the progress.

        Args:
            now: The clock's time.
            final: The summary line.
            failed: The stream stopped on an error.

        Returns:
            One line, e.g. ``contacts: so far 1200 records, 12 pages, 13 requests,
            0 retries in 8.0 s (150 records/s)``; the rate from a second on.
        """
        elapsed = max(0.0, now - (self.started if self.started is not None else now))
        counts = self.counts()
        parts = [_count(counts.records, "record")]
        if self.parent is not None:
            parts[0] += f" for {counts.parents_done} {self.parent}"
        if counts.pages:
            parts.append(_count(counts.pages, "page"))
        parts += [_count(counts.requests, "request"), _count(counts.retries, "retry", "retries")]
        rate = f" ({counts.records / elapsed:.0f} records/s)" if elapsed >= 1 else ""
        if not final:
            head = "so far"
        elif failed:
            head = "stopped after"
        else:
            head = "done,"
        return f"{self.name}: {head} {', '.join(parts)} in {elapsed:.1f} s{rate}"


def _count(value: int, one: str, many: str | None = None) -> str:
    return f"{value} {one if value == 1 else (many or one + 's')}"


class Progress:
    """The progress of every stream of a run."""

    def __init__(
        self,
        logger: logging.Logger,
        *,
        interval: float = DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Set up the reporting.

        Args:
            logger: Lines go to its child named after the stream, at INFO.
            interval: Seconds between two progress lines of one stream.
            clock: Seconds from a monotonic clock (a fake one in tests).
        """
        self.logger = logger
        self.interval = interval
        self.clock = clock
        self._streams: dict[str, StreamProgress] = {}
        self._lock = threading.Lock()

    def stream(self, name: str, *, parent: str | None = None) -> StreamProgress:
        """The progress of one stream, created on first use.

        Args:
            name: The stream.
            parent: For a child stream, its parent stream's name.

        Returns:
            Its progress.
        """
        with self._lock:
            found = self._streams.get(name)
            if found is None:
                found = self._streams[name] = StreamProgress(
                    name, emit=self._emit, clock=self.clock, interval=self.interval, parent=parent
                )
            return found

    def finish(self, name: str, *, failed: bool = False) -> None:
        """A stream ended: its summary line, then its child streams'.

        Args:
            name: The stream.
            failed: It stopped on an error.
        """
        self.stream(name).finish(failed=failed)
        with self._lock:
            children = [s for s in self._streams.values() if s.parent == name]
        for child in children:
            child.finish(failed=failed)

    def _emit(self, name: str, text: str) -> None:
        self.logger.getChild(name).info("%s", text)


class RecordCounter(metrics.Counter):
    """The SDK's record counter (same METRIC points), also counting a stream's progress.

    The SDK opens one around each sync of a stream: once for a top-level stream, once per
    parent record for a child stream.
    """

    def __init__(
        self,
        progress: Progress,
        stream: StreamProgress,
        *,
        endpoint: str | None = None,
        log_interval: float = metrics.DEFAULT_LOG_INTERVAL,
    ) -> None:
        """Count for a stream.

        Args:
            progress: The run's progress.
            stream: The stream's progress.
            endpoint: As for the SDK's ``record_counter``.
            log_interval: As for the SDK's ``record_counter``.
        """
        tags: dict[str, t.Any] = {metrics.Tag.STREAM: stream.name}
        if endpoint:
            tags[metrics.Tag.ENDPOINT] = endpoint
        super().__init__(metrics.Metric.RECORD_COUNT, tags, log_interval=log_interval)
        self.progress = progress
        self.stream = stream

    def __enter__(self) -> t.Self:
        """Start the stream's clock.

        Returns:
            The counter.
        """
        self.stream.start()
        return super().__enter__()

    def increment(self, value: int = 1) -> None:
        """Count records.

        Args:
            value: How many.
        """
        super().increment(value)
        self.stream.add_records(value)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        """A parent done (child stream), or the stream's summary.

        Args:
            exc_type: The exception ending the sync, if any.
            exc_val: The exception.
            exc_tb: Its traceback.
        """
        super().__exit__(exc_type, exc_val, exc_tb)
        if self.stream.parent is not None:
            self.stream.parent_done()
        else:
            self.progress.finish(self.stream.name, failed=exc_type is not None)


def quiet_sdk_metrics(metrics_logger: logging.Logger) -> None:
    """Keep the SDK's METRIC lines for DEBUG, or for a logging config that asks for them.

    The SDK sets its metrics logger to the plugin's level (``<TAP_NAME>_LOGLEVEL`` or
    ``LOGLEVEL``, INFO by default). Unless that level or the root logger's is DEBUG, or a
    logging config (``SINGER_SDK_LOG_CONFIG``) gave the metrics logger a handler of its own,
    METRIC lines are not written: the progress lines say the same, a few per stream.

    Args:
        metrics_logger: The SDK's metrics logger (``singer_sdk.metrics``).
    """
    root = logging.getLogger().level
    debug = metrics_logger.getEffectiveLevel() <= logging.DEBUG or 0 < root <= logging.DEBUG
    if not debug and not metrics_logger.handlers:
        metrics_logger.setLevel(logging.WARNING)

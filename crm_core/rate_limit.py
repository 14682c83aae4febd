"""A client-side rate limiter: never more than N requests in any one-second window.

An API that allows N requests per second per account (ActiveCampaign: 5, shared by every key
and app of the account) counts them as they arrive. The limiter holds one of N slots from the
moment a request is sent until one window (1 s) after its answer came back: the server saw the
request somewhere between those two instants, so the next request that takes the slot arrives
at least one window after it, whatever the network or the threads did. No N+1 requests can
then arrive within one window, across all streams and threads of the run.

The price is the answer's latency on top of the second, per slot (a few percent on a fast API).
"""

from __future__ import annotations

import threading
import time
import typing as t
from contextlib import contextmanager

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

#: The window, with a millisecond's margin for clocks that round.
WINDOW_SECONDS = 1.001


class RateLimiter:
    """At most ``per_window`` requests in any window of ``window`` seconds."""

    def __init__(
        self,
        per_window: int,
        *,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Start with every slot free.

        Args:
            per_window: Requests allowed per window (at least 1).
            window: The window in seconds.
            clock: A monotonic clock (tests pass their own).
        """
        self.per_window = max(1, int(per_window))
        self.window = window
        self._clock = clock
        self._cond = threading.Condition()
        #: When each taken slot frees up (``inf`` while its request is in flight).
        self._busy: list[float] = []
        #: Seconds spent waiting for a slot, for the progress lines.
        self.waited = 0.0

    def _free_expired(self, now: float) -> None:
        self._busy = [until for until in self._busy if until > now]

    def acquire(self) -> None:
        """Wait for a free slot and take it (``release`` gives it back)."""
        with self._cond:
            began = self._clock()
            while True:
                now = self._clock()
                self._free_expired(now)
                if len(self._busy) < self.per_window:
                    self._busy.append(float("inf"))
                    self.waited += now - began
                    return
                soonest = min(self._busy)
                self._cond.wait(None if soonest == float("inf") else soonest - now)

    def release(self) -> None:
        """The answer came back: one in-flight slot frees up one window from now."""
        with self._cond:
            now = self._clock()
            for index, until in enumerate(self._busy):
                if until == float("inf"):
                    self._busy[index] = now + self.window
                    break
            self._cond.notify_all()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a slot while one request is sent and answered (failed ones too).

        Yields:
            Nothing: send the request inside.
        """
        self.acquire()
        try:
            yield
        finally:
            self.release()

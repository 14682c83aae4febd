"""The run-wide controls every stream of a tap shares, as one typed object.

- the request gate: at most ``max_concurrent_requests`` requests in flight, from any thread;
- the stop flag: set by the first answer that makes every further request pointless (the
  quota, refused credentials); every later attempt fails at once with the same error;
- the thread pool that children, windows and pages ahead are read in (None at one request at
  a time): a ``PriorityPool``, each stream's reads in a lane ranked by its turn in the sync;
- whether the API host has answered yet in this run (until then a request that cannot
  connect is most likely a wrong URL, and is tried only a few times);
- optionally a rate limiter (``crm_core.rate_limit``): no more requests per second than the
  API allows, whichever stream or thread sends them.
"""

from __future__ import annotations

import threading
import typing as t
from contextlib import contextmanager, nullcontext

from singer_sdk import typing as th
from singer_sdk.exceptions import FatalAPIError

from crm_core.prefetch import Lane, PriorityPool

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from crm_core.rate_limit import RateLimiter

CONCURRENCY_SETTING = th.Property(
    "max_concurrent_requests",
    th.IntegerType(minimum=1, maximum=16),
    default=4,
    description="Requests in flight at once, across all streams. 1 reads strictly one "
    "request after another.",
)


class RunControl:
    """The request gate, the stop flag and the pool of one run."""

    def __init__(
        self, max_in_flight: int = 4, *, name: str = "crm", limiter: RateLimiter | None = None
    ) -> None:
        """Prepare the controls (no thread starts before the pool is first used).

        Args:
            max_in_flight: Requests in flight at once (at least 1).
            name: Prefix of the pool's thread names.
            limiter: Keeps the requests per second under the API's limit, if it has one.
        """
        self.limiter = limiter
        self.max_in_flight = max(1, max_in_flight)
        self._gate = threading.BoundedSemaphore(self.max_in_flight)
        self._name = name
        self._pool: PriorityPool | None = None
        self._lock = threading.Lock()
        self.stop_error: FatalAPIError | None = None
        #: Streams that failed in this run, and why (in one line).
        self.failures: dict[str, str] = {}
        #: Set by the API host's first answer in this run (any status).
        self.host_answered = False

    @property
    def gate(self) -> threading.BoundedSemaphore:
        """The semaphore behind ``request_slot`` (for tests and diagnostics)."""
        return self._gate

    @contextmanager
    def request_slot(self) -> Iterator[None]:
        """Hold one of the slots for a request in flight; refuse once the run is stopping.

        Yields:
            Nothing: the request is sent inside.

        Raises:
            FatalAPIError: Of the same class as the error that stopped the run.
        """
        with self._gate:
            self._raise_if_stopping()
            with self.limiter.slot() if self.limiter else nullcontext():
                self._raise_if_stopping()
                yield

    def _raise_if_stopping(self) -> None:
        stop = self.stop_error
        if stop is not None:
            raise type(stop)(str(stop))

    def halt(self, error: BaseException) -> None:
        """Make every later request attempt fail at once: the run is ending.

        Args:
            error: Why.
        """
        with self._lock:
            if self.stop_error is None:
                self.stop_error = (
                    error
                    if isinstance(error, FatalAPIError)
                    else FatalAPIError(f"the sync stopped: {error}")
                )

    @property
    def pool(self) -> PriorityPool | None:
        """Threads for concurrent reads; None when limited to one request at a time."""
        if self.max_in_flight == 1:
            return None
        with self._lock:
            if self._pool is None:
                self._pool = PriorityPool(self.max_in_flight, name=self._name)
            return self._pool

    def lane(self, rank: float) -> Lane | None:
        """Where a stream's reads run: ranked by the stream's turn in the sync (lower first).

        Args:
            rank: The stream's turn.

        Returns:
            The lane, or None without a pool.
        """
        pool = self.pool
        return None if pool is None else pool.lane(rank)

    def shutdown(self, *, failed: bool = False) -> None:
        """Stop the threads, cancelling what is queued; after a failure, not waiting either.

        Args:
            failed: The run failed.
        """
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=not failed, cancel_futures=True)

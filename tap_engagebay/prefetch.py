"""Requests started before they are needed, with a bound on what waits in memory.

The SDK syncs one stream after another, and a cursor chain can only be walked one page after
another. What is independent is read ahead through the tap's thread pool (at most
``max_concurrent_requests`` in flight):

- :class:`PageReader` walks one cursor chain in the background, at most ``ahead`` pages
  read (or being read) and not yet handed out (``ahead=0``: only the first page is read
  early; every later page is asked for when it is wanted, so a reader that stops early never
  pays for a page).
- :class:`OrderedPrefetch` runs independent calls (calendar windows) in order, at most
  ``ahead`` results waiting.

Results are handed out in order on the consuming thread; an error is raised there, where
the page would have been fetched. Only a thread outside the pool may consume them: a task
running in the pool that waited on the pool could wait forever.
"""

from __future__ import annotations

import threading
import typing as t
from collections import deque

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from concurrent.futures import Executor, Future

    from tap_engagebay.client import Page

T = t.TypeVar("T")
R = t.TypeVar("R")


class PageReader:
    """One cursor chain, read in the background a bounded number of pages ahead."""

    def __init__(
        self,
        fetch: Callable[[str | None], Page],
        cursor: str | None,
        *,
        pool: Executor,
        ahead: int,
    ) -> None:
        """Start reading the first page.

        Args:
            fetch: Reads the page at a cursor (None: the first page).
            cursor: Where to start.
            pool: The threads requests run on.
            ahead: Pages read, or being read, and not yet handed out, at most (0: only the
                first page is read early; each later one when it is asked for).
        """
        self._fetch = fetch
        self._pool = pool
        self._ahead = ahead
        self._lock = threading.RLock()
        self._queue: deque[Future[Page]] = deque()
        self._parked: str | None = None
        self._closed = False
        with self._lock:  # a page's ``_run`` must find itself in the queue
            self._submit(cursor)

    def _submit(self, cursor: str | None) -> None:
        self._queue.append(self._pool.submit(self._run, cursor))

    def _run(self, cursor: str | None) -> Page:
        """Read a page; before handing it over, ask for the next one or park its cursor."""
        page = self._fetch(cursor)
        if page.next_cursor is not None:
            with self._lock:
                # This page is still queued and every page before it has arrived: the
                # queue holds the pages read and not yet handed out, this one included.
                if self._closed:
                    pass
                elif len(self._queue) < self._ahead:
                    self._submit(page.next_cursor)
                else:
                    self._parked = page.next_cursor
        return page

    def _unpark(self) -> None:
        with self._lock:
            if self._parked is not None and not self._closed:
                cursor, self._parked = self._parked, None
                self._submit(cursor)

    def __iter__(self) -> Iterator[Page]:
        """Pages in order.

        Yields:
            Each page of the chain.

        Raises:
            RuntimeError: When the chain broke (a bug, never expected).
        """
        try:
            while True:
                with self._lock:
                    if not self._queue:
                        self._unpark()  # ahead=0: the next page is wanted now
                    if not self._queue:
                        msg = "page reader lost its place in the cursor chain"
                        raise RuntimeError(msg)
                    future = self._queue[0]
                page = future.result()
                with self._lock:
                    self._queue.popleft()
                    if self._ahead:
                        self._unpark()
                yield page
                if page.next_cursor is None:
                    return
        finally:
            self.close()

    def close(self) -> None:
        """Stop reading: nothing more is asked for; queued requests are cancelled."""
        with self._lock:
            self._closed = True
            self._parked = None
            for future in self._queue:
                future.cancel()


class OrderedPrefetch(t.Generic[T, R]):
    """Independent calls run in the background, results handed out in order."""

    def __init__(
        self, func: Callable[[T], R], items: Sequence[T], *, pool: Executor, ahead: int
    ) -> None:
        """Start the first ``ahead`` calls.

        Args:
            func: The call.
            items: Its arguments, in order.
            pool: The threads calls run on.
            ahead: Calls started and not yet handed out, at most (at least 1).
        """
        self._func = func
        self._items = list(items)
        self._pool = pool
        self._ahead = max(1, ahead)
        self._lock = threading.Lock()
        self._queue: deque[Future[R]] = deque()
        self._next = 0
        self._closed = False
        with self._lock:
            self._refill()

    def _refill(self) -> None:
        while not self._closed and self._next < len(self._items) and len(self._queue) < self._ahead:
            self._queue.append(self._pool.submit(self._func, self._items[self._next]))
            self._next += 1

    def __iter__(self) -> Iterator[R]:
        """Results in the order of the items.

        Yields:
            Each call's result.
        """
        try:
            while True:
                with self._lock:
                    if not self._queue:
                        return
                    future = self._queue[0]
                result = future.result()
                with self._lock:
                    self._queue.popleft()
                    self._refill()
                yield result
        finally:
            self.close()

    def close(self) -> None:
        """Start nothing more; cancel what has not started."""
        with self._lock:
            self._closed = True
            for future in self._queue:
                future.cancel()

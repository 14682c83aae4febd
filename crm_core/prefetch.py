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
- :class:`PriorityPool` runs them all, most urgent first: each stream's reads go through a
  :class:`Lane` ranked by the stream's turn in the sync.

Results are handed out in order on the consuming thread; an error is raised there, where
the page would have been fetched. Only a thread outside the pool may consume them: a task
running in the pool that waited on the pool could wait forever.
"""

from __future__ import annotations

import functools
import itertools
import queue
import threading
import typing as t
from collections import deque
from concurrent.futures import Executor, Future

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from crm_core.pagination import Page

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


class PriorityPool(Executor):
    """Worker threads taking the most urgent task first (lowest priority number, then FIFO).

    The tap gives each stream the rank of its turn in the sync: the stream being written
    (and its children) is served first; what is read ahead for later streams fills the
    remaining requests in flight. Threads are daemons: a process that ends does not wait for
    requests it no longer needs.
    """

    _STOP = float("inf")

    def __init__(self, workers: int, *, name: str) -> None:
        """Start the threads.

        Args:
            workers: How many.
            name: Thread name prefix.
        """
        self._queue: queue.PriorityQueue[tuple[float, int, _Task | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._lock = threading.Lock()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, name=f"{name}_{n}", daemon=True)
            for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def lane(self, priority: float) -> Lane:
        """An executor whose tasks all have this priority.

        Args:
            priority: Lower runs first.

        Returns:
            The lane.
        """
        return Lane(self, priority)

    def submit(self, fn: Callable[..., R], /, *args: t.Any, **kwargs: t.Any) -> Future[R]:  # noqa: ANN401
        """Run a task at the highest priority.

        Args:
            fn: The task.
            args: Its arguments.
            kwargs: Its keyword arguments.

        Returns:
            Its future.
        """
        return self.submit_at(-1, fn, *args, **kwargs)

    def submit_at(
        self,
        priority: float,
        fn: Callable[..., R],
        /,
        *args: t.Any,  # noqa: ANN401
        **kwargs: t.Any,  # noqa: ANN401
    ) -> Future[R]:
        """Run a task at a priority.

        Args:
            priority: Lower runs first.
            fn: The task.
            args: Its arguments.
            kwargs: Its keyword arguments.

        Returns:
            Its future.

        Raises:
            RuntimeError: After shutdown.
        """
        future: Future[R] = Future()
        with self._lock:
            if self._closed:
                msg = "cannot schedule new tasks after shutdown"
                raise RuntimeError(msg)
            task = _Task(future, functools.partial(fn, *args, **kwargs))
            self._queue.put((priority, next(self._order), task))
        return future

    def _work(self) -> None:
        while True:
            _, _, task = self._queue.get()
            if task is None:
                return
            task.run()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:  # noqa: FBT001, FBT002 - Executor's signature
        """Stop taking tasks; optionally cancel the queued ones and wait for the running ones.

        Args:
            wait: Wait for the threads to finish.
            cancel_futures: Cancel the tasks not yet started.
        """
        with self._lock:
            self._closed = True
            if cancel_futures:
                while True:
                    try:
                        _, _, task = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if task is not None:
                        task.future.cancel()
            for _ in self._threads:
                self._queue.put((self._STOP, next(self._order), None))
        if wait:
            for thread in self._threads:
                thread.join()


class Lane(Executor):
    """The tasks of one stream in a :class:`PriorityPool`, all at the stream's priority."""

    def __init__(self, pool: PriorityPool, priority: float) -> None:
        """Bind a priority.

        Args:
            pool: The pool.
            priority: Lower runs first.
        """
        self._pool = pool
        self._priority = priority

    def submit(self, fn: Callable[..., R], /, *args: t.Any, **kwargs: t.Any) -> Future[R]:  # noqa: ANN401
        """Run a task at this lane's priority.

        Args:
            fn: The task.
            args: Its arguments.
            kwargs: Its keyword arguments.

        Returns:
            Its future.
        """
        return self._pool.submit_at(self._priority, fn, *args, **kwargs)


class _Task:
    """A queued call and the future it completes."""

    __slots__ = ("call", "future")

    def __init__(self, future: Future[t.Any], call: Callable[[], t.Any]) -> None:
        self.future = future
        self.call = call

    def run(self) -> None:
        if not self.future.set_running_or_notify_cancel():
            return  # cancelled while queued
        try:
            result = self.call()
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
            self.future.set_exception(exc)
        else:
            self.future.set_result(result)

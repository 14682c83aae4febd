"""Child lists read ahead: a parent page's children are requested while the page is written.

The SDK syncs a child stream once per parent record, right after that record, one parent
after another: with a request per parent, a run waits for every answer in turn. Instead, when
a parent stream has a page of records, ``CRMStream.before_page`` hands each selected child
stream the contexts of that page's parents; :class:`ChildReadAhead` starts their reads in the
run's pool (``RunControl.pool``: ``max_concurrent_requests`` threads, every request still
through the run's request gate), and the child's ``get_records`` takes a parent's records from
there when the SDK reaches that parent.

Bounds and order: reads are started one page at a time, and what a page left unused (a parent
the parent stream skipped) is cancelled when the next page comes, so at most a page of parents'
children waits in memory. Records are handed out per parent in the SDK's order, so the state
and the records are exactly as without read-ahead. An error is raised where the read would have
been made (on the thread that syncs), and the reads not yet started are cancelled. With
``max_concurrent_requests`` 1 there is no pool and children are read one after another.
"""

from __future__ import annotations

import threading
import typing as t

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from concurrent.futures import Executor, Future

#: Records of one parent.
Records = list[dict[str, t.Any]]


def context_key(context: Mapping[str, t.Any]) -> str:
    """A parent's key, alike for a raw record's id and the same id conformed.

    The parent's page is seen before its records are conformed: an id sent as the string
    ``"5"`` must find the read the SDK later asks for with the integer ``5``.

    Args:
        context: The child's context, e.g. ``{"contact_id": 5}``.

    Returns:
        The key.
    """
    return "&".join(f"{name}={context[name]}" for name in sorted(context))


class ChildReadAhead:
    """The reads of one child stream started ahead, by parent."""

    def __init__(self, read: Callable[[Mapping[str, t.Any]], Records], pool: Executor) -> None:
        """Bind the read and the pool.

        Args:
            read: Reads every record of one parent (runs in the pool).
            pool: The run's threads.
        """
        self._read = read
        self._pool = pool
        self._lock = threading.Lock()
        self._started: dict[str, Future[Records]] = {}
        #: Parents already read in this sync of the parent stream (``start(once=True)``).
        self._seen: set[str] = set()

    def start(self, contexts: Iterable[Mapping[str, t.Any]], *, once: bool = False) -> None:
        """Start reading these parents' children; drop what the previous page left unused.

        Args:
            contexts: The contexts of a page's parents, in order.
            once: The parent stream emits each record once however often the API lists it
                (``once_each``): a parent already read in this sync is not read again.
        """
        with self._lock:
            stale, self._started = self._started, {}
            for future in stale.values():
                future.cancel()
            for context in contexts:
                key = context_key(context)
                if key in self._started or (once and key in self._seen):
                    continue
                if once:
                    self._seen.add(key)
                self._started[key] = self._pool.submit(self._read, dict(context))

    def take(self, context: Mapping[str, t.Any]) -> Records | None:
        """The records of a parent whose read was started, waiting for them if needed.

        Args:
            context: The parent's context.

        Returns:
            The records, or None when no read was started for this parent.

        Raises:
            Exception: What the read raised; the other reads not started yet are cancelled.
        """
        with self._lock:
            future = self._started.pop(context_key(context), None)
        if future is None or future.cancelled():
            return None
        try:
            return future.result()
        except BaseException:
            self.cancel()
            raise

    def cancel(self) -> None:
        """Cancel the reads not started yet and forget every read started (the sync ended)."""
        with self._lock:
            started, self._started = self._started, {}
            self._seen.clear()
        for future in started.values():
            future.cancel()

    @property
    def pending(self) -> int:
        """Parents whose read was started and not yet taken."""
        with self._lock:
            return len(self._started)

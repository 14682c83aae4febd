"""Reading ahead: order kept, bounded, nothing asked for that is not wanted, errors surface."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor, wait

import pytest

from crm_core.pagination import Page
from crm_core.prefetch import OrderedPrefetch, PageReader, PriorityPool


class Chain:
    """A listing of ``pages`` pages, cursor ``c<n>`` naming page n; counts every fetch."""

    def __init__(self, pages: int, *, fail_at: int | None = None) -> None:
        self.pages = pages
        self.fail_at = fail_at
        self.fetched: list[str | None] = []
        self.lock = threading.Lock()

    def __call__(self, cursor: str | None) -> Page:
        with self.lock:
            self.fetched.append(cursor)
        number = 1 if cursor is None else int(cursor[1:])
        if number == self.fail_at:
            msg = f"page {number} failed"
            raise RuntimeError(msg)
        next_cursor = f"c{number + 1}" if number < self.pages else None
        return Page(records=[{"id": number}], next_cursor=next_cursor, server_time=None)


def settle(reader: PageReader) -> None:
    """Wait until no page of the reader is in flight (its state can no longer change)."""
    while True:
        pending = list(reader._queue)
        wait(pending)
        if pending == list(reader._queue):
            return


@pytest.fixture
def pool():
    with ThreadPoolExecutor(max_workers=4) as executor:
        yield executor


@pytest.mark.parametrize("ahead", [0, 1, 2, 5])
def test_every_page_once_in_order(pool, ahead):
    chain = Chain(12)
    pages = list(PageReader(chain, None, pool=pool, ahead=ahead))
    assert [p.records[0]["id"] for p in pages] == list(range(1, 13))
    assert chain.fetched == [None, *(f"c{n}" for n in range(2, 13))]


def test_a_saved_cursor_starts_the_chain_there(pool):
    chain = Chain(5)
    pages = list(PageReader(chain, "c3", pool=pool, ahead=2))
    assert [p.records[0]["id"] for p in pages] == [3, 4, 5]


@pytest.mark.parametrize("ahead", [1, 2, 3])
def test_never_more_than_ahead_pages_wait(pool, ahead):
    chain = Chain(50)
    reader = PageReader(chain, None, pool=pool, ahead=ahead)
    settle(reader)
    # Nothing handed out yet: the first page and at most ``ahead`` - 1 more.
    assert len(chain.fetched) == max(1, ahead)
    pages = iter(reader)
    for handed_out in range(1, 6):
        next(pages)
        settle(reader)
        assert len(chain.fetched) == handed_out + ahead
    pages.close()


def test_ahead_zero_reads_only_what_is_asked_for(pool):
    # The incremental passes stop after the first page when nothing changed: a second page
    # read ahead would be a request wasted on every run.
    chain = Chain(10)
    reader = PageReader(chain, None, pool=pool, ahead=0)
    settle(reader)
    assert chain.fetched == [None]
    pages = iter(reader)
    next(pages)
    settle(reader)
    assert chain.fetched == [None]
    next(pages)
    settle(reader)
    assert chain.fetched == [None, "c2"]
    pages.close()
    settle(reader)
    assert chain.fetched == [None, "c2"]


def test_closing_stops_the_chain(pool):
    chain = Chain(50)
    reader = PageReader(chain, None, pool=pool, ahead=3)
    pages = iter(reader)
    next(pages)
    pages.close()
    settle(reader)
    fetched = len(chain.fetched)
    assert fetched <= 1 + 3
    settle(reader)
    assert len(chain.fetched) == fetched


def test_an_error_is_raised_where_the_page_is_wanted(pool):
    chain = Chain(6, fail_at=4)
    pages = iter(PageReader(chain, None, pool=pool, ahead=2))
    assert [next(pages).records[0]["id"] for _ in range(3)] == [1, 2, 3]
    with pytest.raises(RuntimeError, match="page 4 failed"):
        next(pages)
    assert "c5" not in chain.fetched


class CountingPool(ThreadPoolExecutor):
    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.submitted = 0

    def submit(self, *args, **kwargs):
        self.submitted += 1
        return super().submit(*args, **kwargs)


def test_ordered_prefetch_keeps_order_and_bound():
    release = threading.Event()

    def slow_first(item: int) -> int:
        if item == 0:
            release.wait(10)
        return item * item

    with CountingPool() as counting:
        calls = OrderedPrefetch(slow_first, range(20), pool=counting, ahead=4)
        assert counting.submitted == 4
        results = iter(calls)
        release.set()
        assert next(results) == 0
        assert counting.submitted == 5
        assert list(results) == [n * n for n in range(1, 20)]
        assert counting.submitted == 20


def test_ordered_prefetch_raises_in_order():
    def func(item: int) -> int:
        if item == 3:
            msg = "window 3 failed"
            raise ValueError(msg)
        return item

    with ThreadPoolExecutor(max_workers=2) as executor:
        results = iter(OrderedPrefetch(func, range(6), pool=executor, ahead=3))
        assert [next(results) for _ in range(3)] == [0, 1, 2]
        with pytest.raises(ValueError, match="window 3 failed"):
            next(results)


def test_priority_pool_runs_the_most_urgent_first():
    pool = PriorityPool(1, name="test")
    gate = threading.Event()
    ran: list[str] = []
    try:
        blocker = pool.submit(gate.wait, 10)  # holds the only thread while the rest queue up
        futures = [
            pool.lane(3).submit(ran.append, "later stream"),
            pool.lane(1).submit(ran.append, "stream being written"),
            pool.lane(2).submit(ran.append, "next stream"),
            pool.lane(1).submit(ran.append, "stream being written, second"),
            pool.submit(ran.append, "lookup"),
        ]
        gate.set()
        wait([blocker, *futures])
    finally:
        pool.shutdown()
    assert ran == [
        "lookup",
        "stream being written",
        "stream being written, second",
        "next stream",
        "later stream",
    ]


def test_priority_pool_hands_errors_to_the_waiter():
    pool = PriorityPool(2, name="test")

    def fail() -> None:
        msg = "request failed"
        raise ValueError(msg)

    try:
        with pytest.raises(ValueError, match="request failed"):
            pool.lane(4).submit(fail).result(timeout=10)
    finally:
        pool.shutdown()


def test_priority_pool_shutdown_cancels_what_has_not_started():
    pool = PriorityPool(1, name="test")
    started, gate = threading.Event(), threading.Event()
    ran: list[str] = []

    def block() -> str:
        started.set()
        gate.wait(10)
        return "finished"

    running = pool.submit(block)
    assert started.wait(10)
    queued = [pool.lane(n).submit(ran.append, str(n)) for n in range(3)]
    pool.shutdown(wait=False, cancel_futures=True)
    gate.set()
    assert running.result(timeout=10) == "finished"
    assert all(f.cancelled() for f in queued)
    pool.shutdown(wait=True)
    assert ran == []
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.submit(print)


def test_page_reader_on_a_lane_reads_in_order(pool):
    lanes = PriorityPool(3, name="test")
    try:
        chain = Chain(9)
        pages = list(PageReader(chain, None, pool=lanes.lane(2), ahead=2))
    finally:
        lanes.shutdown()
    assert [p.records[0]["id"] for p in pages] == list(range(1, 10))

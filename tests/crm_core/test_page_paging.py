"""The page-number reader (crm_core.page_paging) on canned servers, one per open question."""

from __future__ import annotations

import typing as t

import pytest

from crm_core.page_paging import PageNumberReader

Records = list[dict[str, t.Any]]
MAX_REQUESTS = 200  # more means a loop: the test fails instead of hanging


def server(  # noqa: PLR0913 - one knob per variant
    total: int,
    *,
    first: int = 1,
    cap: int | None = None,
    past_end: str = "empty",
    page_zero: str = "alias",
    log: list[tuple[int, int]] | None = None,
) -> t.Callable[[int, int], Records]:
    """A canned list of ``total`` records answering ``(page, limit)`` as a server variant."""
    rows = [{"id": f"r{n:04d}"} for n in range(total)]

    def fetch(page: int, limit: int) -> Records:
        if log is not None:
            log.append((page, limit))
        size = min(limit, cap) if cap else limit
        if page < first:
            if page_zero == "empty":
                return []
            if page_zero == "error":
                raise LookupError(page)
            page = first
        start = (page - first) * size
        out = rows[start : start + size]
        if not out and start and past_end == "repeat_last":
            return rows[((total - 1) // size) * size :]
        if not out and start and past_end == "repeat_first":
            return rows[:size]
        return out

    return fetch


def read(
    fetch: t.Callable[[int, int], Records], **kwargs: t.Any
) -> tuple[Records, PageNumberReader, list[str]]:
    warnings: list[str] = []
    asked = 0

    def bounded(page: int, limit: int) -> Records:
        nonlocal asked
        asked += 1
        assert asked <= MAX_REQUESTS, "the reader is looping"
        return fetch(page, limit)

    reader = PageNumberReader(bounded, warn=warnings.append, **{"limit": 10, **kwargs})
    records = [r for page in reader.pages() for r in page.records]
    return records, reader, warnings


def ids(total: int) -> list[str]:
    return [f"r{n:04d}" for n in range(total)]


@pytest.mark.parametrize("total", [0, 1, 9, 10, 11, 35, 40])
@pytest.mark.parametrize("first", [0, 1])
@pytest.mark.parametrize("past_end", ["empty", "repeat_last", "repeat_first"])
def test_every_record_once_whatever_the_first_page_and_the_end(total, first, past_end):
    records, reader, _ = read(server(total, first=first, past_end=past_end))
    assert [r["id"] for r in records] == ids(total)
    assert reader.complete


@pytest.mark.parametrize("total", [0, 5, 30, 31])
@pytest.mark.parametrize("page_zero", ["alias", "empty"])
def test_a_server_counting_from_one_is_found_out(total, page_zero):
    records, reader, _ = read(server(total, first=1, page_zero=page_zero))
    assert [r["id"] for r in records] == ids(total)
    if total:
        assert reader.first_page == 1


@pytest.mark.parametrize("total", [0, 5, 30])
def test_a_server_refusing_page_zero_is_read_from_one(total):
    fetch = server(total, first=1, page_zero="error")
    records, reader, _ = read(fetch, page_zero_errors=(LookupError,))
    assert [r["id"] for r in records] == ids(total)
    assert reader.first_page == 1
    with pytest.raises(LookupError):
        read(fetch, first_page=0, page_zero_errors=(LookupError,))


def test_a_server_counting_from_zero_is_read_from_zero():
    log: list[tuple[int, int]] = []
    records, reader, _ = read(server(25, first=0, log=log))
    assert [r["id"] for r in records] == ids(25)
    assert reader.first_page == 0
    assert [page for page, _ in log] == [0, 1, 2]


def test_first_page_one_never_asks_page_zero():
    log: list[tuple[int, int]] = []
    records, _, _ = read(server(25, first=1, page_zero="empty", log=log), first_page=1)
    assert [r["id"] for r in records] == ids(25)
    assert log[0][0] == 1
    assert all(page >= 1 for page, _ in log)


@pytest.mark.parametrize("total", [99, 100, 250, 300])
def test_a_silent_cap_on_the_limit_is_not_taken_for_the_end(total):
    """Asked 500 a page, the server serves 100: a page of 100 is not the end."""
    records, reader, _ = read(server(total, first=1, cap=100), limit=500)
    assert [r["id"] for r in records] == ids(total)
    assert reader.served == min(total, 100)


def test_the_end_is_a_page_shorter_than_one_served_before():
    log: list[tuple[int, int]] = []
    read(server(35, first=0, log=log))
    assert [page for page, _ in log] == [0, 1, 2, 3]  # 10, 10, 10, 5: no page after the 5


def test_a_repeated_page_stops_the_read_with_a_warning():
    log: list[tuple[int, int]] = []
    records, reader, warnings = read(server(30, first=0, past_end="repeat_last", log=log))
    assert [r["id"] for r in records] == ids(30)
    assert reader.complete
    assert len(warnings) == 1
    assert "repeated the previous page" in warnings[0]
    assert len(log) == 4


def test_a_server_ignoring_page_altogether_does_not_loop():
    records, _, warnings = read(lambda _page, _limit: [{"id": "a"}, {"id": "b"}])
    assert [r["id"] for r in records] == ["a", "b"]
    assert warnings


def test_records_without_a_key_are_compared_whole():
    pages = {0: [{"x": 1}], 1: [{"x": 2}], 2: [{"x": 2}]}
    records, _, warnings = read(lambda page, _limit: pages.get(page, []), limit=1)
    assert records == [{"x": 1}, {"x": 2}]
    assert warnings


def test_an_error_leaves_the_read_incomplete():
    def fetch(page: int, _limit: int) -> Records:
        if page == 2:
            msg = "boom"
            raise RuntimeError(msg)
        return [{"id": f"{page}-{n}"} for n in range(10)]

    reader = PageNumberReader(fetch, limit=10)
    pages = reader.pages()
    with pytest.raises(RuntimeError):
        list(pages)
    assert not reader.complete


@pytest.mark.parametrize(("limit", "first"), [(0, None), (10, 2)])
def test_bad_arguments_are_refused(limit, first):
    with pytest.raises(ValueError, match="must be"):
        PageNumberReader(lambda _p, _l: [], limit=limit, first_page=first)

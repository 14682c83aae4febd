"""Incremental readers: pure functions over page iterators, unit-tested with canned pages.

- ``read_resumable``: a whole listing, saving after each page the cursor of the next one, so
  a run stopped midway resumes there (a page is read at most twice, never skipped);
- ``changed_since``: only the records created or updated at or after a time;
- ``newest_first_until``: a listing sorted newest first, stopped at the first page that
  reaches back past a time (the early stop of listings with no "since" filter);
- ``once_each``: each record once, however many listings hold it;
- ``iso_time`` and ``epoch_of_iso``: bookmarks (ISO 8601, UTC) to and from epoch seconds.
"""

from __future__ import annotations

import datetime as dt
import typing as t

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, MutableMapping

    from crm_core.pagination import Page

Record = dict[str, t.Any]
RESUME = "resume"


def epoch(value: t.Any) -> int:  # noqa: ANN401
    """Epoch seconds of a raw time value; 0 for never, missing or unreadable.

    Args:
        value: Seconds as a number or a digit string.

    Returns:
        The seconds.
    """
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def modified(
    record: t.Mapping[str, t.Any], keys: tuple[str, ...] = ("created_time", "updated_time")
) -> int:
    """The latest of a raw record's time keys, in epoch seconds (0 when none is set).

    Args:
        record: The raw record.
        keys: Keys holding epoch seconds.

    Returns:
        The seconds.
    """
    return max((epoch(record.get(key)) for key in keys), default=0)


def read_resumable(pages: Iterable[Page], state: MutableMapping[str, t.Any]) -> Iterator[Record]:
    """Every record of a listing; ``state["resume"]`` holds the cursor of the next page.

    The cursor is saved once a page's records were all handed on, and removed at the end:
    a STATE message written at any point resumes at a page not yet finished.

    Args:
        pages: The listing (from a saved cursor, if the caller resumes).
        state: The stream's state (changed in place).

    Yields:
        Each record.
    """
    for page in pages:
        yield from page.records
        if page.next_cursor:
            resume = state.get(RESUME)
            state[RESUME] = {
                **(resume if isinstance(resume, dict) else {}),
                "cursor": page.next_cursor,
            }
    state.pop(RESUME, None)


def saved_cursor(state: t.Mapping[str, t.Any]) -> str | None:
    """The cursor an interrupted read saved, if any.

    Args:
        state: The stream's state.

    Returns:
        The cursor or None.
    """
    resume = state.get(RESUME)
    cursor = resume.get("cursor") if isinstance(resume, dict) else None
    return cursor if isinstance(cursor, str) and cursor else None


def changed_since(
    records: Iterable[Record], since: float, time_of: Callable[[Record], float] = modified
) -> Iterator[Record]:
    """Only the records changed at or after a time.

    Args:
        records: Raw records.
        since: Epoch seconds.
        time_of: A record's time.

    Yields:
        The records at or after ``since``.
    """
    return (record for record in records if time_of(record) >= since)


def newest_first_until(
    pages: Iterable[Page], since: float, time_of: Callable[[Record], float] = modified
) -> Iterator[Record]:
    """Records of a newest-first listing down to a time; stops at the first page past it.

    Args:
        pages: The listing, newest first.
        since: Epoch seconds.
        time_of: A record's time (the listing's sort key).

    Yields:
        The records at or after ``since``.
    """
    for page in pages:
        fresh = [record for record in page.records if time_of(record) >= since]
        yield from fresh
        if len(fresh) < len(page.records):
            return


def once_each(records: Iterable[Record], key: str = "id") -> Iterator[Record]:
    """Each record once (by its key as text), the first time it comes.

    Args:
        records: Records, possibly repeated.
        key: The key naming a record.

    Yields:
        Records not seen before.
    """
    seen: set[str] = set()
    for record in records:
        name = str(record.get(key))
        if name not in seen:
            seen.add(name)
            yield record


def iso_time(seconds: float) -> str:
    """A bookmark: epoch seconds as an ISO 8601 UTC time, to the second.

    Args:
        seconds: Epoch seconds.

    Returns:
        E.g. ``2024-01-31T00:00:00+00:00``.
    """
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).isoformat(timespec="seconds")


def epoch_of_iso(iso: str) -> float:
    """Epoch seconds of an ISO 8601 time (UTC when it names no zone).

    Args:
        iso: E.g. a bookmark or ``start_date``.

    Returns:
        The seconds.
    """
    when = dt.datetime.fromisoformat(iso)
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()

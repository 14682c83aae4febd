"""Page-number paging (``page`` and ``limit``) over lists answered as bare arrays.

Such an API often leaves unsaid what a reader needs; this reader does not guess blindly:

- **The first page's number, 0 or 1.** ``first_page=None`` (auto) asks page 0 first. When
  page 0 and page 1 answer the same records, the server counts from 1 (it reads page 0 as
  page 1): page 1 is not handed on twice and the read goes on with page 2. When page 0 is
  empty, page 1 is asked before the list is taken for empty. ``first_page=0`` does the same
  check, and one that refuses page 0 (an error of ``page_zero_errors``) is read from 1;
  ``first_page=0`` does the alias check; ``first_page=1`` starts at 1.
- **The largest limit.** A server may serve fewer records than asked (a silent cap). The
  page size actually served (the largest page seen so far) decides what a short page is: a
  page shorter than an earlier page ends the list, but a first page shorter than the limit
  asked does not (it may be the cap), so the next page is asked.
- **The end.** An empty page, or a page shorter than an earlier one.
- **A server that answers a page again past the end** (the last page, or the first, for any
  page number beyond the end): a page whose records are exactly those of the previous page
  or of the first page ends the list with a warning, instead of looping forever.

The reader is pure over a ``fetch(page, limit)`` function; it keeps two pages' keys, so its
memory stays flat however long the list is. After the loop, ``complete`` says the list was
read to its end and ``first_page`` holds the first page's number as found.
"""

from __future__ import annotations

import dataclasses
import json
import typing as t

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

Record = dict[str, t.Any]


@dataclasses.dataclass(frozen=True, slots=True)
class NumberedPage:
    """One page of a page-numbered list.

    Attributes:
        number: The page number asked for.
        records: The records, in the order sent.
    """

    number: int
    records: list[Record]


def _signature(records: list[Record], key: str) -> tuple[str, ...]:
    """What identifies a page: its records' keys (the whole record when one has none)."""
    return tuple(
        str(r[key]) if r.get(key) is not None else json.dumps(r, sort_keys=True, default=str)
        for r in records
    )


class PageNumberReader:
    """Read a ``page``/``limit`` list to its end, robust to what its API leaves unsaid."""

    def __init__(  # noqa: PLR0913 - each knob is one of the open questions
        self,
        fetch: Callable[[int, int], list[Record]],
        *,
        limit: int,
        first_page: int | None = None,
        key: str = "id",
        warn: Callable[[str], None] | None = None,
        note: Callable[[str], None] | None = None,
        page_zero_errors: tuple[type[Exception], ...] = (),
    ) -> None:
        """Prepare a read.

        Args:
            fetch: Answers ``(page number, limit)`` with the page's records.
            limit: Records asked for per page.
            first_page: 0 or 1 when known; None to find out (page 0 first).
            key: The record key naming a record (to recognise a repeated page).
            warn: Where a repeated page is reported.
            note: Where what was found out (the first page's number, the limit served) goes.
            page_zero_errors: Errors that, on page 0 when finding out, mean "count from 1".

        Raises:
            ValueError: On a limit below 1 or a first page other than 0, 1 or None.
        """
        if limit < 1:
            msg = f"limit must be at least 1, got {limit}"
            raise ValueError(msg)
        if first_page not in {None, 0, 1}:
            msg = f"first_page must be 0, 1 or None (find out), got {first_page}"
            raise ValueError(msg)
        self.fetch = fetch
        self.limit = limit
        self.first_page: int | None = first_page
        self.key = key
        self.warn = warn or (lambda _message: None)
        self.note = note or (lambda _message: None)
        self.page_zero_errors = page_zero_errors
        #: The largest page served so far (the server's page size, as far as known).
        self.served = 0
        #: True once the list was read to its end.
        self.complete = False
        #: Pages asked for (also pages not handed on: a repeat, an alias of page 1).
        self.requests = 0

    def _ask(self, number: int) -> list[Record]:
        self.requests += 1
        return self.fetch(number, self.limit)

    def pages(self) -> Iterator[NumberedPage]:  # noqa: C901 - each rule of the module docstring
        """Every page with records, in order; ``complete`` is True once the end was reached.

        Yields:
            Pages (an alias of page 1 and a repeated page are not handed on).
        """
        number = 0 if self.first_page is None else self.first_page
        try:
            records = self._ask(number)
        except self.page_zero_errors as exc:
            if self.first_page is not None:
                raise
            self.note(f"page 0 was refused ({exc}): the server counts pages from 1")
            self.first_page = number = 1
            records = self._ask(number)
        if not records and number == 0 and self.first_page is None:
            # A server counting from 1 may answer page 0 with nothing.
            number = 1
            records = self._ask(number)
            if records:
                self.first_page = 1
                self.note("page 0 was empty and page 1 was not: the server counts pages from 1")
        if not records:
            self.complete = True
            return
        first = previous = _signature(records, self.key)
        yield NumberedPage(number, records)
        self.served = len(records)
        if self.served < self.limit:
            self.note(
                f"the first page held {self.served} records of the {self.limit} asked for "
                "(the end, or the server's largest page): asking the next page to tell"
            )
        while True:
            number += 1
            records = self._ask(number)
            if not records:
                break
            signature = _signature(records, self.key)
            if number == 1 and signature == first and self.first_page != 1:
                self.first_page = 1
                self.note("pages 0 and 1 answered the same records: the server counts from 1")
                continue
            if signature in {previous, first}:
                which = "previous page" if signature == previous else "first page"
                self.warn(
                    f"page {number} repeated the {which} ({len(records)} records): taken for "
                    "the end of the list (the server seems to answer a page again past the "
                    "end)"
                )
                break
            yield NumberedPage(number, records)
            previous = signature
            if len(records) < self.served:
                break
            self.served = max(self.served, len(records))
        if self.first_page is None:
            self.first_page = 0
        self.complete = True

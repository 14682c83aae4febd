"""The EngageBay cursor paginator.

EngageBay puts the cursor for the next page on the LAST record of a page, and leaves it out
on the last page, even when that page is full. A cursor that comes back a second time would
loop forever, so it is an error.
"""

from __future__ import annotations

import typing as t

from singer_sdk.pagination import BaseAPIPaginator

if t.TYPE_CHECKING:
    import requests


class RepeatedCursorError(RuntimeError):
    """The API handed out a cursor it had already handed out in this listing."""


class LastRecordCursorPaginator(BaseAPIPaginator[str | None]):
    """Follow the ``cursor`` key of the last record of each page.

    The paginator never parses a response itself: the stream hands it the records it parsed
    (``remember_page``), so a page is decoded once and a body that is not a JSON array never
    reaches here.
    """

    def __init__(self, start_value: str | None = None) -> None:
        """Start a listing, optionally from a saved cursor.

        Args:
            start_value: A cursor to resume from, or None for the first page.
        """
        super().__init__(start_value)
        self._seen: set[str] = {start_value} if start_value else set()
        self._next: str | None = None

    def remember_page(self, records: t.Sequence[t.Mapping[str, t.Any]]) -> None:
        """Record the next cursor carried by a page's last record.

        Args:
            records: The records of the page just received, in order.

        Raises:
            RepeatedCursorError: When the cursor was already returned in this listing.
        """
        cursor = records[-1].get("cursor") if records else None
        if not isinstance(cursor, str) or not cursor:
            self._next = None
            return
        if cursor in self._seen:
            msg = (
                f"EngageBay returned a cursor already seen in this listing (after {self.count + 1}"
                " pages); stopping instead of looping."
            )
            raise RepeatedCursorError(msg)
        self._seen.add(cursor)
        self._next = cursor

    def has_more(self, response: requests.Response) -> bool:  # noqa: ARG002
        """Tell whether the last page carried a cursor.

        Args:
            response: The last response (unused: the cursor was taken from its records).

        Returns:
            True when another page exists.
        """
        return self._next is not None

    def get_next(self, response: requests.Response) -> str | None:  # noqa: ARG002
        """Return the cursor of the next page.

        Args:
            response: The last response (unused).

        Returns:
            The next cursor, or None at the end.
        """
        return self._next

"""Pages, and the last-record cursor paginator with its repeated-cursor guard.

EngageBay and Agile CRM put the cursor for the next page on the LAST record of a page. No
cursor ends the list (Agile CRM also answers 204 for a page past the end). A cursor that comes
back a second time would loop forever, so it is an error.
"""

from __future__ import annotations

import dataclasses
import typing as t

from singer_sdk.pagination import BaseAPIPaginator

from crm_core.errors import RepeatedCursorError

if t.TYPE_CHECKING:
    import requests


@dataclasses.dataclass(frozen=True, slots=True)
class Page:
    """One page of a listing.

    Attributes:
        records: The records, in the order sent.
        next_cursor: The cursor of the next page; None at the end.
        server_time: The server's clock (epoch seconds) when it answered, if known.
    """

    records: list[dict[str, t.Any]]
    next_cursor: str | None = None
    server_time: int | None = None


class LastRecordCursorPaginator(BaseAPIPaginator[str | None]):
    """Follow the cursor key of the last record of each page.

    The paginator never parses a response itself: the stream hands it the records it parsed
    (``remember_page``), so a page is decoded once.
    """

    def __init__(self, start_value: str | None = None, *, key: str = "cursor") -> None:
        """Start a listing, optionally from a saved cursor.

        Args:
            start_value: A cursor to resume from, or None for the first page.
            key: The record key holding the cursor.
        """
        super().__init__(start_value)
        self.key = key
        self._seen: set[str] = {start_value} if start_value else set()
        self._next: str | None = None

    def remember_page(self, records: t.Sequence[t.Mapping[str, t.Any]]) -> None:
        """Record the next cursor carried by a page's last record.

        Args:
            records: The records of the page just received, in order.

        Raises:
            RepeatedCursorError: When the cursor was already returned in this listing.
        """
        cursor = records[-1].get(self.key) if records else None
        if not isinstance(cursor, str) or not cursor:
            self._next = None
            return
        if cursor in self._seen:
            msg = (
                f"the API returned a cursor already seen in this listing (after "
                f"{self.count + 1} pages); stopping instead of looping."
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

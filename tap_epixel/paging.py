"""Epixel's list answers: a plain JSON array, or pages of an envelope followed by ``next``.

The document shows no answer bodies. Installs on the Django REST framework answer a list
either as a JSON array (no paging) or as ``{"count", "next", "previous", "results"}`` with
``next`` the absolute URL of the following page. ``read_listing`` takes either and says
whether the listing was read completely:

- ``next`` is followed only to the host of ``api_url`` (the apikey and token go with it);
- a ``next`` already followed, or a page repeating the previous one, stops the listing with a
  warning (incomplete);
- when ``count`` changed between the first and the last page, or the listing's records do not
  add up to it, records may have shifted between pages (page-number paging skips a record
  when one before it is deleted midway): the read is incomplete.

An incomplete read still hands on every record it got, but deletions are not inferred from it.
"""

from __future__ import annotations

import dataclasses
import typing as t
from urllib.parse import urlparse

from crm_core.errors import UnexpectedBodyError

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

Record = dict[str, t.Any]


class ForeignNextLinkError(ValueError):
    """A ``next`` link to another host than ``api_url``'s."""


@dataclasses.dataclass
class Listing:
    """What a listing read came to.

    Attributes:
        complete: Every record of the listing was read (deletions may be inferred).
        pages: Pages read.
        records: Records handed on (repeats included).
        why_incomplete: Why not complete, in words.
    """

    complete: bool = True
    pages: int = 0
    records: int = 0
    why_incomplete: str = ""

    def stop(self, why: str) -> None:
        """Mark the listing incomplete.

        Args:
            why: Why.
        """
        self.complete = False
        self.why_incomplete = self.why_incomplete or why


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port of a URL (default ports made explicit).

    Args:
        url: A URL.

    Returns:
        The origin.
    """
    parsed = urlparse(url)
    default = {"https": 443, "http": 80}.get(parsed.scheme)
    return parsed.scheme, (parsed.hostname or "").lower(), parsed.port or default


def records_and_next(payload: t.Any, where: str) -> tuple[list[Record], str | None, int | None]:  # noqa: ANN401
    """The records of one answer, its ``next`` link and its ``count``.

    Args:
        payload: The decoded answer (None: no records).
        where: The path, for messages.

    Returns:
        ``(records, next URL or None, count or None)``.

    Raises:
        UnexpectedBodyError: An answer that is neither a list nor an envelope.
    """
    if payload is None:
        return [], None, None
    if isinstance(payload, list):
        return [r if isinstance(r, dict) else {"value": r} for r in payload], None, None
    if isinstance(payload, dict):
        for key in ("results", "data"):
            if isinstance(payload.get(key), list):
                records, _, _ = records_and_next(payload[key], where)
                nxt = payload.get("next")
                count = payload.get("count")
                return (records, nxt if isinstance(nxt, str) and nxt else None,
                        count if isinstance(count, int) else None)  # fmt: skip
    keys = sorted(payload)[:8] if isinstance(payload, dict) else type(payload).__name__
    msg = f"Epixel answered {where} with neither a list nor a paged envelope ({keys})"
    raise UnexpectedBodyError(msg)


def read_listing(  # noqa: PLR0913 - the listing and its context
    first: t.Any,  # noqa: ANN401
    fetch_url: Callable[[str], t.Any],
    *,
    api_url: str,
    where: str,
    listing: Listing,
    warn: Callable[[str], None],
    key: str = "id",
) -> Iterator[Record]:
    """Every record of a listing, from its first answer on, following ``next``.

    Args:
        first: The first answer, decoded.
        fetch_url: Fetches and decodes the answer at an absolute URL.
        api_url: The ``api_url`` setting (``next`` must stay on its host).
        where: The listing's path, for messages.
        listing: Filled in with what the read came to.
        warn: Logs a warning.
        key: The record key compared to tell a repeated page.

    Yields:
        Each record, in the order sent.

    Raises:
        ForeignNextLinkError: When ``next`` leads to another host.
    """
    payload = first
    followed: set[str] = set()
    previous: list[t.Any] | None = None
    first_count: int | None = None
    count: int | None = None
    while True:
        records, nxt, count = records_and_next(payload, where)
        listing.pages += 1
        if listing.pages == 1:
            first_count = count
        keys = [r.get(key) for r in records]
        if previous is not None and records and keys == previous:
            warn(f"{where}: page {listing.pages} repeats the page before it; stopping here")
            listing.stop("a page repeated the one before it")
            return
        previous = keys
        listing.records += len(records)
        yield from records
        if nxt is None:
            break
        if origin(nxt) != origin(api_url):
            scheme, host, port = origin(nxt)
            msg = (
                f"Epixel's next-page link for {where} leads to {scheme}://{host}:{port}, not "
                f"to api_url's host; the tap does not send the apikey and token elsewhere. "
                f"Set `api_url` to the address your install links to."
            )
            raise ForeignNextLinkError(msg)
        if nxt in followed:
            warn(f"{where}: the next-page link of page {listing.pages} was already followed; "
                 f"stopping here")  # fmt: skip
            listing.stop("a next-page link repeated")
            return
        followed.add(nxt)
        payload = fetch_url(nxt)
    if count is not None and (count != first_count or listing.records != count):
        warn(f"{where}: the listing changed while it was read (count {first_count} at the "
             f"start, {count} at the end, {listing.records} records read)")  # fmt: skip
        listing.stop("the listing changed while it was read")

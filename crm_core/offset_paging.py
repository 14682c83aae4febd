"""Offset paging over envelopes: ``limit``/``offset``, records under a key, ``meta.total``.

An answer is ``{"<resource>": [...], "meta": {"total": "123"}, ...sideloads}``; the total is
often a string. The next page starts after the records received (not after ``limit``: a server
that sends fewer than asked is not skipped past). The listing ends on an empty page, once the
total is reached, or, without a total, on a page shorter than asked.

An offset listing is a snapshot of nothing: a record inserted before the current offset while
the listing is read pushes the others along (one record is read twice), and one deleted before
it pulls them back (one is skipped). Streams read this way say so; those that can page by id
(``id_greater``) do.
"""

from __future__ import annotations

import typing as t

from singer_sdk.pagination import OffsetPaginator

if t.TYPE_CHECKING:
    import requests


class EnvelopeError(ValueError):
    """An answer that is not the envelope expected."""


def total_of(payload: t.Mapping[str, t.Any]) -> int | None:
    """The envelope's ``meta.total``, read from a string or a number.

    Args:
        payload: The decoded answer.

    Returns:
        The total, or None when absent or unreadable.
    """
    meta = payload.get("meta")
    total = meta.get("total") if isinstance(meta, dict) else None
    try:
        return int(str(total).strip()) if total is not None else None
    except ValueError:
        return None


def records_in(payload: t.Any, key: str) -> list[dict[str, t.Any]]:  # noqa: ANN401
    """The records an envelope holds under a key.

    Args:
        payload: The decoded answer (None: no records).
        key: The resource's key (``contacts``, ``dealCustomFieldData``).

    Returns:
        The records (a scalar where a record belongs is kept as ``{"value": ...}``).

    Raises:
        EnvelopeError: When the answer is not an object with a list under the key.
    """
    if payload is None:
        return []
    if not isinstance(payload, dict):
        msg = f"expected a JSON object with {key!r}, got a JSON {type(payload).__name__}"
        raise EnvelopeError(msg)
    records = payload.get(key)
    if records is None and key not in payload:
        keys = ", ".join(sorted(payload)[:8]) or "none"
        msg = f"expected the key {key!r} in the answer, found {keys}"
        raise EnvelopeError(msg)
    if records is None:
        return []
    if isinstance(records, dict):  # a one-record answer
        records = [records]
    if not isinstance(records, list):
        msg = f"expected a list under {key!r}, got a JSON {type(records).__name__}"
        raise EnvelopeError(msg)
    return [item if isinstance(item, dict) else {"value": item} for item in records]


class EnvelopeOffsetPaginator(OffsetPaginator):
    """The SDK's offset paginator, told each page's record count and total by the stream.

    The stream decodes each answer once and hands the paginator what it found
    (``remember_page``), as ``crm_core.pagination.LastRecordCursorPaginator`` does.
    """

    def __init__(self, start_value: int = 0, page_size: int = 100) -> None:
        """Start at an offset (a saved one, to resume).

        Args:
            start_value: The first offset.
            page_size: Records asked for per page.
        """
        super().__init__(start_value, page_size)
        self._received = 0
        self._total: int | None = None

    def remember_page(self, received: int, total: int | None) -> None:
        """What the page just read held.

        Args:
            received: Its record count.
            total: Its ``meta.total``, if any.
        """
        self._received = received
        self._total = total

    def has_more(self, response: requests.Response | None) -> bool:  # noqa: ARG002
        """Tell whether another page may hold records.

        Args:
            response: Unused (the stream passed the counts).

        Returns:
            False on an empty page, once the total is reached, or on a short page without one.
        """
        if self._received == 0:
            return False
        if self._total is not None:
            return self.current_value + self._received < self._total
        return self._received >= self.page_size

    def get_next(self, response: requests.Response | None) -> int | None:  # noqa: ARG002
        """The next offset: after the records received.

        Args:
            response: Unused.

        Returns:
            The next offset.
        """
        return self.current_value + self._received

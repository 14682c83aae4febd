"""Whautomate's contacts API on the simulator core: routes, the ``x-api-key`` and paging.

Routes as the API document lists them, under ``/v1/``: ``GET contacts`` (``page``,
``limit``, ``tags``, ``locationId``, ``channel``, ``searchText``; a bare array),
``POST contacts``, ``GET|PUT|DELETE contacts/{contactId}`` and
``POST contacts/{contactId}/tags/add|remove``. What the document leaves open is a switch of
``WhautomateConfig``: the first page's number, what page 0 answers when pages count from 1,
the largest ``limit`` (capped silently) and what a page past the end answers.

The document shows no error bodies. A missing or wrong key gets ``403 {"message":
"Forbidden"}``, a used-up quota ``429 {"message": "Limit Exceeded"}`` and a burst
``429 {"message": "Too Many Requests"}``: what an API keyed by ``x-api-key`` behind AWS API
Gateway answers (an assumption, listed in the README).
"""

from __future__ import annotations

import bisect
import itertools
import typing as t

from crm_sim.account import AccountSimulator, compile_routes
from crm_sim.server import ALLOWED_HOST, ApiRequest, Reply
from crm_sim.table import UnknownRecordError
from whautomate_sim.config import WhautomateConfig
from whautomate_sim.data import WhautomateData

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from crm_sim.table import Record

FORBIDDEN = {"message": "Forbidden"}
TOO_MANY = {"message": "Too Many Requests"}
#: Fields a client may set (``POST``/``PUT`` bodies); ``id`` is the server's.
WRITABLE = ("name", "phoneNumber", "location", "stage", "notes", "customFields", "tags")


class _BadRequestError(ValueError):
    """A parameter the API cannot read (answered 400 with its message)."""


class WhautomateSimulator(AccountSimulator[WhautomateConfig, WhautomateData]):
    """A simulated Whautomate account served on 127.0.0.1 under ``/v1/``."""

    name = "whautomate-sim"
    api_prefix = "/v1/"
    redact_headers = frozenset({"x-api-key"})
    key_header = "x-api-key"
    refusal = (403, FORBIDDEN)

    config_class = WhautomateConfig
    data_class = WhautomateData
    fault_bodies: t.ClassVar[dict[str, tuple[int, dict[str, t.Any]]]] = {
        "quota": (429, {"message": "Limit Exceeded"}),
        "429": (429, TOO_MANY),
        "429_retry_after": (429, TOO_MANY),
        "403": (403, FORBIDDEN),
    }

    def __init__(self, config: WhautomateConfig | None = None, *, host: str = ALLOWED_HOST,
                 port: int = 0) -> None:  # fmt: skip
        """Prepare (not start) the simulator (``config`` defaults to ``WhautomateConfig()``)."""
        super().__init__(config, host=host, port=port)
        self.routes = compile_routes([
            ("GET", r"contacts/?", self._list),
            ("POST", r"contacts/?", self._add),
            ("GET", r"contacts/([^/]+)/?", self._get),
            ("PUT", r"contacts/([^/]+)/?", self._put),
            ("DELETE", r"contacts/([^/]+)/?", self._delete),
            ("POST", r"contacts/([^/]+)/tags/(add|remove)/?", self._tags),
        ])  # fmt: skip

    # ----------------------------------------------------------------- core hooks

    def handle(self, request: ApiRequest) -> Reply:
        """Route an authenticated request; bad parameters get 400, unknown contacts 404."""
        route = self.route(request)
        if route is None:
            return Reply(404, {"message": f"No such endpoint: {request.method} {request.path}"})
        try:
            return route(request)
        except _BadRequestError as exc:
            return Reply(400, {"message": str(exc)})
        except UnknownRecordError:
            return Reply(404, {"message": "Contact not found"})

    # ----------------------------------------------------------------- ground truth

    def ids(self, stream: str) -> set[str]:  # type: ignore[override]
        """Ids of the current records of a stream, as the API shows them (hex strings).

        Args:
            stream: Stream name.

        Returns:
            The ids.
        """
        table = self.table(stream)
        assert hasattr(table, "str_ids")  # noqa: S101 - every table here is a HexIdTable
        ids: set[str] = table.str_ids()
        return ids

    # ----------------------------------------------------------------- listing

    @staticmethod
    def _number(request: ApiRequest, name: str, default: int) -> int:
        raw = request.params.get(name, "")
        if raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            msg = f"'{name}' must be a number"
            raise _BadRequestError(msg) from None

    def _start(self, position: int) -> int:
        """The index of the contact at a position of the unfiltered list, without walking it.

        The base index less the deleted ones before it (a binary search over the deletions).
        """
        table = self.data.contacts
        with table.lock:
            deleted = sorted(i for i, v in table.over.items() if v is None and i < table.count_base)
        index = position
        while True:
            moved = position + bisect.bisect_right(deleted, index)
            if moved == index:
                return index
            index = moved

    def _matching(self, request: ApiRequest, start: int = 0) -> Iterator[int]:
        """Indexes of the contacts the filters keep, in creation order, from a position."""
        table = self.data.contacts
        filtered = any(
            request.params.get(k) for k in ("tags", "locationId", "channel", "searchText")
        )
        if not filtered:
            index = self._start(start)
            if index < table.count_base:  # skip straight there (created contacts come after)
                yield from table.walk(after=index - 1 if index else None)
                return
        walked = table.walk()
        yield from itertools.islice(self._filtered(request, walked), start, None)

    def _filtered(self, request: ApiRequest, indexes: Iterator[int]) -> Iterator[int]:
        """The indexes the filters keep."""
        table = self.data.contacts
        wanted_tags = {s.strip() for s in request.params.get("tags", "").split(",") if s.strip()}
        location = request.params.get("locationId", "")
        channel = request.params.get("channel", "")
        text = request.params.get("searchText", "").strip().lower()
        for index in indexes:
            if channel and self.data.channel(index) != channel:
                continue
            if not (wanted_tags or location or text):
                yield index
                continue
            with table.lock:
                if not table.exists(index):
                    continue
                record = table.render(index)
            if wanted_tags and not wanted_tags & set(record.get("tags") or []):
                continue
            if location and (record.get("location") or {}).get("id") != location:
                continue
            if text and text not in f"{record.get('name')} {record.get('phoneNumber')}".lower():
                continue
            yield index

    def _list(self, request: ApiRequest) -> Reply:
        c = self.config
        limit = self._number(request, "limit", c.default_limit)
        if limit < 1:
            msg = "'limit' must be at least 1"
            raise _BadRequestError(msg)
        limit = min(limit, c.max_limit)  # capped silently
        page = self._number(request, "page", c.first_page)
        if page < 0:
            msg = "'page' must not be negative"
            raise _BadRequestError(msg)
        if page < c.first_page:  # page 0 of a server counting from 1
            if c.page_zero == "error":
                msg = "'page' must be at least 1"
                raise _BadRequestError(msg)
            if c.page_zero == "empty":
                return Reply(200, [])
            page = c.first_page
        start = (page - c.first_page) * limit
        indexes = list(itertools.islice(self._matching(request, start), limit))
        if not indexes and start > 0 and c.past_end == "repeat_last":
            total = sum(1 for _ in self._matching(request))
            last_start = ((total - 1) // limit) * limit if total else 0
            indexes = list(itertools.islice(self._matching(request, last_start), limit))
        return Reply(200, self._render(indexes))

    def _render(self, indexes: list[int]) -> list[Record]:
        table = self.data.contacts
        with table.lock:
            return [table.render(i) for i in indexes if table.exists(i)]

    # ----------------------------------------------------------------- one contact

    def _get(self, _request: ApiRequest, contact_id: str) -> Reply:
        table = self.data.contacts
        with table.lock:
            return Reply(200, table.render(table.index_for(contact_id)))

    @staticmethod
    def _fields(request: ApiRequest, *, required: bool) -> dict[str, t.Any]:
        body = request.body if isinstance(request.body, dict) else {}
        if required:
            missing = [k for k in ("name", "phoneNumber") if not body.get(k)]
            if missing:
                msg = f"{', '.join(missing)} required"
                raise _BadRequestError(msg)
        return {k: body[k] for k in WRITABLE if k in body}

    def _add(self, request: ApiRequest) -> Reply:
        (record,) = self.data.contacts.create(1, **self._fields(request, required=True))
        return Reply(200, record)

    def _put(self, request: ApiRequest, contact_id: str) -> Reply:
        fields = self._fields(request, required=True)
        return Reply(200, self.data.contacts.update(contact_id, **fields))

    def _delete(self, _request: ApiRequest, contact_id: str) -> Reply:
        self.data.contacts.delete(contact_id)
        return Reply(200, {"success": True})

    def _tags(self, request: ApiRequest, contact_id: str, action: str) -> Reply:
        body = request.body if isinstance(request.body, dict) else {}
        given = body.get("tags") or []
        if isinstance(given, str):
            given = [given]
        table = self.data.contacts
        with table.lock:
            tags = list(table.render(table.index_for(contact_id)).get("tags") or [])
        if action == "add":
            tags += [tag for tag in given if tag not in tags]
        else:
            tags = [tag for tag in tags if tag not in given]
        record = table.update(contact_id, tags=tags)
        return Reply(200, {"id": record["id"], "tags": record["tags"]})

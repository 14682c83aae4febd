"""The Agile CRM API on the simulator core: routes, Basic auth, paging and its quirks.

Quirks served as the API document and its users report them: HTTP Basic auth with the user's
email and API key, XML unless ``Accept: application/json``, 204 for an empty list, the
cursor on the last record of every full page (also the last one), the count on the first
record, pages above ``max_page_size`` timing out with a 500, and optionally a cursor that
repeats.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import typing as t

from agilecrm_sim.config import AgileConfig
from agilecrm_sim.data import AgileData
from agilecrm_sim.filters import DynamicFilter, FilterError
from crm_sim.account import AccountSimulator, compile_routes
from crm_sim.server import ALLOWED_HOST, ApiRequest, Reply
from crm_sim.table import ChildTable, UnknownRecordError
from crm_sim.text import h64

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from crm_sim.table import Record, Table

STREAMS = (
    "contacts",
    "companies",
    "deals",
    "tracks",
    "tasks",
    "events",
    "campaigns",
    "tickets",
    "notes",
    "deal_notes",
    "documents",
    "ticket_messages",
)
TIMEOUT_BODY = {"error": "Request timed out. Please try again later.", "status": "500"}
NO_CONTENT = Reply(204)


class AgileSimulator(AccountSimulator[AgileConfig, AgileData]):
    """A simulated Agile CRM account served on 127.0.0.1 under ``/dev/api/``."""

    name = "agilecrm-sim"
    api_prefix = "/dev/api/"
    refusal = (401, {"error": "Unauthorized", "status": "401"})

    config_class = AgileConfig
    data_class = AgileData
    fault_bodies: t.ClassVar[dict[str, tuple[int, dict[str, t.Any]]]] = {
        "quota": (403, {"error": "API limit exceeded for the day", "status": "403"}),
        "500": (500, TIMEOUT_BODY),
        "invalid_cursor": (500, {"error": "Invalid cursor", "status": "500"}),
    }

    def __init__(self, config: AgileConfig | None = None, *, host: str = ALLOWED_HOST,
                 port: int = 0) -> None:  # fmt: skip
        """Prepare (not start) the simulator (``config`` defaults to ``AgileConfig()``)."""
        super().__init__(config, host=host, port=port)
        self.repeat_cursor_page = self.config.repeat_cursor_page
        self.routes = compile_routes([
            ("GET", r"contacts/?", self._contacts),
            ("GET", r"contacts/(\d+)/?", self._one("contacts")),
            ("GET", r"contacts/(\d+)/notes/?", self._children("notes")),
            ("POST", r"contacts/companies/list/?", self._companies),
            ("GET", r"opportunity/?", self._deals),
            ("GET", r"opportunity/based/?", self._deals),
            ("GET", r"opportunity/(\d+)/?", self._one("deals")),
            ("GET", r"opportunity/(\d+)/notes/?", self._children("deal_notes")),
            ("GET", r"milestone/pipelines/?", self._tracks),
            ("GET", r"tasks(?:/based)?/?", self._tasks),
            ("GET", r"tasks/(\d+)/?", self._one("tasks")),
            ("GET", r"events/?", self._events),
            ("GET", r"workflows/?", self._campaigns),
            ("GET", r"documents/contact/(\d+)/docs/?", self._children("documents")),
            ("GET", r"tickets/filters/?", self._ticket_filters),
            ("GET", r"tickets/filter/?", self._tickets),
            ("GET", r"tickets/notes/(\d+)/?", self._children("ticket_messages")),
            ("POST", r"filters/filter/dynamic-filter/?", self._dynamic_filter),
        ])  # fmt: skip

    # ----------------------------------------------------------------- core hooks

    def authenticate(self, request: ApiRequest) -> bool:
        """HTTP Basic auth: the user's email as user name, the API key as password.

        Args:
            request: The request.

        Returns:
            True when both match.
        """
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(token, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        good_user = hmac.compare_digest(user.encode(), self.config.email.encode())
        good_key = hmac.compare_digest(password.encode(), self.config.api_key.encode())
        return good_user and good_key

    def secrets(self) -> tuple[str, ...]:
        """The API key, the user's email and their Basic token never reach the request log.

        Returns:
            The values.
        """
        c = self.config
        token = base64.b64encode(f"{c.email}:{c.api_key}".encode()).decode()
        return (token, token.rstrip("="), c.api_key, c.email)

    def wants_json(self, request: ApiRequest) -> bool:
        """XML unless the client asks for JSON.

        Args:
            request: The request.

        Returns:
            True for JSON.
        """
        return "application/json" in request.headers.get("accept", "")

    def handle(self, request: ApiRequest) -> Reply:
        """Route an authenticated request; bad filters and page sizes get 400, large pages 500."""
        route = self.route(request)
        if route is None:
            return Reply(404, {"error": f"No such endpoint: {request.method} {request.path}"})
        try:
            return route(request)
        except (FilterError, _BadPageSizeError) as exc:
            return Reply(400, {"error": str(exc), "status": "400"})
        except _PageTooLargeError:
            return Reply(500, TIMEOUT_BODY)

    # ----------------------------------------------------------------- paging

    def _size(self, request: ApiRequest) -> int:
        raw = request.params.get("page_size", "")
        if raw == "":
            return self.config.default_page_size
        try:
            size = int(raw)
        except ValueError:
            raise _BadPageSizeError(raw) from None
        if size < 1:
            raise _BadPageSizeError(raw)
        if size > self.config.max_page_size:
            raise _PageTooLargeError
        return size

    def _listing(  # noqa: PLR0913 - the listing's knobs
        self,
        request: ApiRequest,
        table: Table,
        scope: str,
        *,
        desc: bool = False,
        keep: Callable[[int], bool] | None = None,
        bounds: tuple[int, int] = (0, 2**63),
        count: Callable[[], int] | None = None,
    ) -> Reply:
        size = self._size(request)
        cursor = request.params.get("cursor") or None
        lo = table.first_created_after(bounds[0] - 1) if bounds[0] > 0 else 0
        hi = table.first_created_after(bounds[1]) if bounds[1] < 2**62 else None
        page = table.page(scope, cursor=cursor, size=size, desc=desc, keep=keep, lo=lo, hi=hi)
        if not page.indexes:
            return NO_CONTENT
        with table.lock:
            records = [table.render(i) for i in page.indexes if table.exists(i)]
        if not records:
            return NO_CONTENT
        if count is not None:
            records[0] = {"count": count(), **records[0]}
        if len(page.indexes) == size:  # a full page always carries a cursor, even the last
            repeat = cursor is not None and page.number == self.repeat_cursor_page
            records[-1]["cursor"] = cursor if repeat else page.cursor
        return Reply(200, records)

    @staticmethod
    def _desc(request: ApiRequest) -> bool:
        return request.params.get("global_sort_key", "").startswith("-")

    # ----------------------------------------------------------------- routes

    def _contacts(self, request: ApiRequest) -> Reply:
        table = self.tables["contacts"]
        return self._listing(request, table, "contacts", count=table.size)

    def _companies(self, request: ApiRequest) -> Reply:
        desc = self._desc(request)
        return self._listing(request, self.tables["companies"], f"companies:{desc}", desc=desc)

    def _one(self, stream: str) -> Callable[[ApiRequest, str], Reply]:
        def get(_request: ApiRequest, record_id: str) -> Reply:
            table = self.tables[stream]
            try:
                with table.lock:
                    return Reply(200, table.render(table.index_for(record_id)))
            except UnknownRecordError:
                return NO_CONTENT

        return get

    def _children(self, stream: str) -> Callable[[ApiRequest, str], Reply]:
        def get(_request: ApiRequest, parent_id: str) -> Reply:
            table = self.tables[stream]
            assert isinstance(table, ChildTable)  # noqa: S101 - built by AgileData
            try:
                parent = table.parent.index_for(parent_id)
            except UnknownRecordError:
                return NO_CONTENT
            with table.lock:
                records = [table.render(i) for i in table.of_parent(parent)]
            if not records:
                return NO_CONTENT
            if stream == "notes":
                records[0] = {"count": len(records), **records[0]}
            return Reply(200, records)

        return get

    def _deal_track(self, index: int) -> int:
        table = self.tables["deals"]
        over = table.over.get(index)
        if over and "pipeline_id" in over:
            return self.tables["tracks"].ids.index_of(int(str(over["pipeline_id"])))
        return self.data.deal_track(index)

    def _deals(self, request: ApiRequest) -> Reply:
        table = self.tables["deals"]
        raw = request.params.get("pipeline_id")
        if raw is None or raw == "1":  # 1: every track
            return self._listing(request, table, "deals:all", count=table.size)
        if raw == "0":  # 0: the default track
            track = 0
        else:
            try:
                track = self.tables["tracks"].index_for(raw)
            except UnknownRecordError:
                return NO_CONTENT

        def keep(index: int) -> bool:
            return self._deal_track(index) == track

        def count() -> int:
            return sum(1 for i in table.indexes() if keep(i))

        return self._listing(request, table, f"deals:{track}", keep=keep, count=count)

    def _tracks(self, _request: ApiRequest) -> Reply:
        records = list(self.tables["tracks"].truth())
        return Reply(200, records) if records else NO_CONTENT

    def _tasks(self, request: ApiRequest) -> Reply:
        table = self.tables["tasks"]
        return self._listing(request, table, "tasks", count=table.size)

    def _campaigns(self, request: ApiRequest) -> Reply:
        return self._listing(request, self.tables["campaigns"], "campaigns")

    def _events(self, request: ApiRequest) -> Reply:
        try:
            start, end = int(request.params["start"]), int(request.params["end"])
        except (KeyError, ValueError):
            return Reply(400, {"error": "start and end (epoch seconds) are required"})
        table = self.tables["events"]
        lead = 7 * 86_400
        lo = table.first_created_after(start - lead - 1)
        hi = table.first_created_after(end - lead)
        with table.lock:
            out = []
            for index in table.walk(lo=lo, hi=hi):
                record = table.render(index)
                if start <= int(record["start"]) <= end:
                    out.append(record)
        out.sort(key=lambda r: (int(r["start"]), int(r["id"])))
        return Reply(200, out) if out else NO_CONTENT

    def _ticket_filters(self, _request: ApiRequest) -> Reply:
        return Reply(200, self.data.ticket_filters())

    def _tickets(self, request: ApiRequest) -> Reply:
        filters = {str(f["id"]): f for f in self.data.ticket_filters()}
        flt = filters.get(request.params.get("filter_id", ""))
        if flt is None:
            return Reply(400, {"error": "filter_id must be one of GET tickets/filters' ids"})
        table = self.tables["tickets"]

        def keep(index: int) -> bool:
            return self.data.in_filter(table.render(index), flt)

        desc = self._desc(request)
        return self._listing(request, table, f"tickets:{flt['id']}:{desc}", desc=desc, keep=keep)

    def _dynamic_filter(self, request: ApiRequest) -> Reply:
        dyn = DynamicFilter.parse(request.params.get("filterJson", "{}"))
        table = self.tables[dyn.stream]
        now_ms = int(self.now() * 1000)

        def keep(index: int) -> bool:
            record = None if dyn.time_only else table.render(index)
            return dyn.matches(record, table.times_of(index), now_ms)

        desc = self._desc(request)
        scope = f"dyn:{h64(self.seed, request.params.get('filterJson', ''))}:{desc}"
        bounds = dyn.created_bounds(now_ms)
        return self._listing(request, table, scope, desc=desc, keep=keep, bounds=bounds)

    # ----------------------------------------------------------------- ground truth

    def ticket_ids_in_filter(self, filter_name: str) -> set[int]:
        """Ids of the current tickets of a filter (ground truth).

        Args:
            filter_name: A filter's name, e.g. ``New Tickets``.

        Returns:
            The ids.
        """
        flt = next(f for f in self.data.ticket_filters() if f["name"] == filter_name)
        return {int(r["id"]) for r in self.records("tickets") if self.data.in_filter(r, flt)}

    def records_of(self, stream: str) -> list[Record]:
        """Every current record of a stream, as a list.

        Args:
            stream: Stream name.

        Returns:
            The records.
        """
        return list(self.records(stream))


class _BadPageSizeError(ValueError):
    """page_size that is not a positive integer."""


class _PageTooLargeError(ValueError):
    """page_size above the account's maximum: the server times out."""

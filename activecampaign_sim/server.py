"""The simulated ActiveCampaign v3 API: routes, envelopes, offset paging, filters and limits."""

from __future__ import annotations

import bisect
import collections
import datetime as dt
import re
import threading
import time
import typing as t

from activecampaign_sim.config import ACConfig
from activecampaign_sim.data import BY_NAME, MAX_UPDATE_DELAY, STREAMS, ACData, Stream
from activecampaign_sim.tables import HoleyTable, PatternChildTable, nth
from crm_sim.account import AccountSimulator
from crm_sim.server import ALLOWED_HOST, ApiRequest, Reply
from crm_sim.table import UnknownRecordError

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from crm_sim.faults import Rule
    from crm_sim.server import Simulator
    from crm_sim.table import Record, Table

HEAD_CACHE = 16  # time-filtered heads kept (see Listing._head)
AUTH_FAILED = {"message": "No Result found for Subscriber with id 0"}
FORBIDDEN = {"message": "Forbidden"}
TOO_MANY = {"message": "Too Many Requests"}
SERVER_ERROR = {"message": "Server error, please try again later"}

#: The envelope key of one record (``GET /contacts/1`` answers ``{"contact": {...}}``).
SINGULAR = {
    "contacts": "contact",
    "accounts": "account",
    "deals": "deal",
    "dealGroups": "dealGroup",
    "dealStages": "dealStage",
    "users": "user",
    "groups": "group",
    "lists": "list",
    "tags": "tag",
    "automations": "automation",
    "campaigns": "campaign",
    "messages": "message",
    "forms": "form",
    "segments": "segment",
    "fields": "field",
    "dealCustomFieldMeta": "dealCustomFieldMetum",
    "accountCustomFieldMeta": "accountCustomFieldMetum",
    "ecomCustomers": "ecomCustomer",
    "fieldValues": "fieldValue",
    "contactTags": "contactTag",
    "contactLists": "contactList",
    "contactAutomations": "contactAutomation",
    "accountContacts": "accountContact",
    "notes": "note",
    "dealTasks": "dealTask",
    "dealCustomFieldData": "dealCustomFieldDatum",
    "accountCustomFieldData": "accountCustomFieldDatum",
    "ecomOrders": "ecomOrder",
    "contactDeals": "contactDeal",
    "dealTasktypes": "dealTasktype",
    "dealRoles": "dealRole",
    "connections": "connection",
    "ecomOrderProducts": "ecomOrderProduct",
}
#: ``GET /contacts/{id}/<key>``: a contact's children.
CONTACT_CHILDREN = {
    "fieldValues": "field_values",
    "contactTags": "contact_tags",
    "contactLists": "contact_lists",
    "contactAutomations": "contact_automations",
    "accountContacts": "account_contacts",
    "notes": "notes",
}
#: Equality filters per stream: query parameter -> record field (a parent's id filter is fast).
EQUAL_FILTERS: dict[str, dict[str, str]] = {
    "deals": {"filters[group]": "group", "filters[stage]": "stage", "filters[owner]": "owner",
              "filters[status]": "status"},
    "deal_stages": {"filters[d_groupid]": "group"},
    "deal_tasks": {"filters[relid]": "relid", "filters[status]": "status",
                   "filters[userid]": "userid"},
    "deal_custom_field_data": {"filters[dealId]": "dealId"},
    "account_custom_field_data": {"filters[customerAccountId]": "customerAccountId"},
    "account_contacts": {"filters[contact]": "contact", "filters[account]": "account"},
    "field_values": {"filters[fieldid]": "field", "filters[val]": "value"},
    "ecom_orders": {"filters[customerid]": "customerid", "filters[state]": "state",
                    "filters[email]": "email"},
    "ecom_customers": {"filters[email]": "email", "filters[externalid]": "externalid"},
    "connections": {"filters[service]": "service", "filters[externalid]": "externalid"},
    "contacts": {"email": "email"},
    "campaigns": {"filters[seriesid]": "seriesid"},
}  # fmt: skip
#: Time filters: stream -> {parameter: (which time, comparison)}.
TIME_FILTERS: dict[str, dict[str, tuple[str, str]]] = {
    # Contacts: the document says "after" / "prior to": strictly.
    "contacts": {
        "filters[created_after]": ("created", ">"),
        "filters[created_before]": ("created", "<"),
        "filters[updated_after]": ("updated", ">"),
        "filters[updated_before]": ("updated", "<"),
    },
    # Deals: the document says "greater than or equal to" and "less than".
    "deals": {
        "filters[created_after]": ("created", ">="),
        "filters[created_before]": ("created", "<"),
        "filters[updated_after]": ("updated", ">="),
        "filters[updated_before]": ("updated", "<"),
    },
}
FILTER_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?"
)


class BadParameterError(ValueError):
    """A query parameter the API answers with 422."""

    def __init__(self, parameter: str, title: str) -> None:
        """Name the parameter.

        Args:
            parameter: The parameter.
            title: What is wrong.
        """
        super().__init__(title)
        self.parameter = parameter
        self.title = title


class ACSimulator(AccountSimulator[ACConfig, ACData]):
    """A simulated ActiveCampaign account served on 127.0.0.1 under ``/api/3/``."""

    name = "activecampaign-sim"
    api_prefix = "/api/3/"
    redact_headers = frozenset({"api-token", "authorization"})
    key_header = "api-token"
    key_field = "api_token"
    refusal = (403, AUTH_FAILED)

    config_class = ACConfig
    data_class = ACData
    fault_bodies: t.ClassVar[dict[str, tuple[int, dict[str, t.Any]]]] = {
        "429": (429, TOO_MANY),
        "429_retry_after": (429, TOO_MANY),
        "quota": (429, TOO_MANY),
        **{kind: (int(kind), SERVER_ERROR) for kind in ("500", "502", "503")},
    }
    retry_after_kinds = frozenset({"429_retry_after", "quota"})

    def __init__(self, config: ACConfig | None = None, *, host: str = ALLOWED_HOST,
                 port: int = 0) -> None:  # fmt: skip
        """Prepare (not start) the simulator (``config`` defaults to ``ACConfig()``)."""
        super().__init__(config, host=host, port=port)
        self.by_path = {s.path: s for s in STREAMS}
        self._rate_lock = threading.Lock()
        self._recent: collections.deque[float] = collections.deque()
        self.rate_limited = 0
        self._head_cache: dict[tuple[t.Any, ...], list[int]] = {}

    # ----------------------------------------------------------------- core hooks

    def fault_reply(self, kind: str, rule: Rule | None) -> Reply:
        """A ``403`` fault answers its rule's ``body`` if it has one; the rest ``fault_bodies``.

        Args:
            kind: Fault kind.
            rule: The rule, if any.

        Returns:
            The reply.
        """
        if kind == "403":
            return Reply(403, rule.params.get("body", FORBIDDEN) if rule else FORBIDDEN)
        return super().fault_reply(kind, rule)

    def _rate_ok(self) -> bool:
        limit = self.config.rate_limit
        if limit is None:
            return True
        window = self.config.rate_window_s
        now = time.monotonic()
        with self._rate_lock:
            while self._recent and now - self._recent[0] >= window:
                self._recent.popleft()
            if len(self._recent) >= limit:
                self.rate_limited += 1
                return False
            self._recent.append(now)
            return True

    def busiest_window(self, window_s: float = 1.0, *, rejected: bool = True) -> int:
        """The most API requests the log holds within any ``window_s`` seconds.

        What a client sent, from the log's arrival times (``ts``): a client that keeps the
        limit never exceeds ``rate_limit`` here.

        Args:
            window_s: Window length in seconds.
            rejected: Count the requests answered 429 too (they were sent all the same).

        Returns:
            The count.
        """
        stamps = sorted(e["ts"] for e in self.requests()
                        if rejected or e["status"] != 429)  # fmt: skip  # noqa: PLR2004
        best = first = 0
        for last, stamp in enumerate(stamps):
            while stamp - stamps[first] >= window_s:
                first += 1
            best = max(best, last - first + 1)
        return best

    def reset_rate_window(self) -> None:
        """Forget the requests of the current rate window (tests between phases)."""
        with self._rate_lock:
            self._recent.clear()

    def handle(self, request: ApiRequest) -> Reply:
        """Route an authenticated request (after the per-second limit).

        Args:
            request: The request.

        Returns:
            The reply.
        """
        if not self._rate_ok():
            wait = max(1, round(self.config.rate_window_s))
            return Reply(429, dict(TOO_MANY), headers={"Retry-After": str(wait)})
        if request.method != "GET":
            return Reply(405, {"message": "The simulator serves GET requests only"})
        try:
            return self._route(request)
        except BadParameterError as exc:
            return unprocessable(exc.parameter, exc.title)

    def _route(self, request: ApiRequest) -> Reply:
        parts = request.path.strip("/").split("/")
        if parts == ["users", "me"]:
            return self._one(BY_NAME["users"], "1")
        stream = self.by_path.get(parts[0])
        if stream is None:
            return Reply(404, {"message": f"No route for /api/3/{request.path}"})
        if len(parts) == 1:
            return self._list(stream, request)
        if len(parts) == 2:  # noqa: PLR2004
            return self._one(stream, parts[1])
        if len(parts) == 3 and stream.name == "contacts" and parts[2] in CONTACT_CHILDREN:  # noqa: PLR2004
            return self._children(CONTACT_CHILDREN[parts[2]], parts[1])
        return Reply(404, {"message": f"No route for /api/3/{request.path}"})

    # ----------------------------------------------------------------- answers

    def _one(self, stream: Stream, record_id: str) -> Reply:
        table = self.tables[stream.name]
        singular = SINGULAR[stream.key]
        try:
            with table.lock:
                record = table.render(table.index_for(record_id))
        except UnknownRecordError:
            kind = singular[0].upper() + singular[1:]
            return Reply(404, {"message": f"No Result found for {kind} with id {record_id}"})
        body: dict[str, t.Any] = {singular: record}
        if stream.name == "contacts":
            for key, child in CONTACT_CHILDREN.items():
                body[key] = self._records_of_parent(child, record_id)
        return Reply(200, body)

    def _records_of_parent(self, stream: str, parent_id: str) -> list[Record]:
        table = self.tables[stream]
        assert isinstance(table, PatternChildTable)  # noqa: S101 - built by ACData
        try:
            parent = table.parent.index_for(parent_id)
        except UnknownRecordError:
            return []
        with table.lock:
            return [table.render(i) for i in table.of_parent(parent) if table.exists(i)]

    def _children(self, stream: str, parent_id: str) -> Reply:
        records = self._records_of_parent(stream, parent_id)
        key = BY_NAME[stream].key
        return Reply(200, {key: records, "meta": {"total": str(len(records))}})

    def _list(self, stream: Stream, request: ApiRequest) -> Reply:
        params = request.params
        limit, offset = self._paging(params)
        table = self.tables[stream.name]
        desc, by_cdate = self._order(params)
        listing = self._listing(stream, table, params)
        listing.by_cdate = by_cdate
        total, indexes = listing.page(offset, limit, desc=desc)
        with table.lock:
            records = [table.render(i) for i in indexes if table.exists(i)]
        body: dict[str, t.Any] = {}
        if stream.name == "contacts":
            body["scoreValues"] = []
        body[stream.key] = records
        if stream.name == "fields":
            body["fieldOptions"] = [o for i in indexes for o in self.data.field_options(i)]
            body["fieldRels"] = []
        if stream.name == "deal_groups":
            stages = self.tables["deal_stages"]
            ids = {s for r in records for s in r["stages"]}
            body["dealStages"] = [stages.render(stages.index_for(s)) for s in sorted(ids, key=int)
                                  if _exists(stages, s)]  # fmt: skip
        meta: dict[str, t.Any] = {"total": str(total)}
        if stream.name == "contacts":
            meta["page_input"] = {"limit": limit, "offset": offset, "sort": None,
                                  "sort_direction": "DESC" if desc else "ASC"}  # fmt: skip
        body["meta"] = meta
        return Reply(200, body)

    def _paging(self, params: dict[str, str]) -> tuple[int, int]:
        c = self.config
        raw_limit, raw_offset = params.get("limit", ""), params.get("offset", "")
        limit = _integer("limit", raw_limit) if raw_limit != "" else c.default_limit
        offset = _integer("offset", raw_offset) if raw_offset != "" else 0
        if limit < 1:
            msg = "The limit must be at least 1"
            raise BadParameterError(parameter="limit", title=msg)
        if offset < 0:
            msg = "The offset must be 0 or more"
            raise BadParameterError(parameter="offset", title=msg)
        return min(limit, c.max_limit), offset

    @staticmethod
    def _order(params: dict[str, str]) -> tuple[bool, bool]:
        """Read ``orders[id]`` or ``orders[cdate]``.

        Args:
            params: The parameters.

        Returns:
            ``(descending, by created time)``.

        Raises:
            BadParameterError: On a direction other than ASC or DESC.
        """
        for key in ("orders[id]", "orders[cdate]"):
            value = params.get(key)
            if value is None:
                continue
            if value.upper() not in {"ASC", "DESC"}:
                raise BadParameterError(key, f"{key} must be ASC or DESC")
            return value.upper() == "DESC", key == "orders[cdate]"
        return False, False

    def _listing(self, stream: Stream, table: Table, params: dict[str, str]) -> Listing:
        listing = Listing(table, self._head_cache)
        if stream.name == "contacts":
            for key in ("id_greater", "id_less"):
                if key in params:
                    value = _integer(key, params[key])
                    if key == "id_greater":
                        listing.lo = max(listing.lo, value)  # id N+1 is index N
                    else:
                        listing.hi = min(listing.hi, max(0, value - 1))
        for key, (which, op) in TIME_FILTERS.get(stream.name, {}).items():
            if key in params:
                listing.add_time(which, op, self.filter_time(key, params[key]))
        for key, field in EQUAL_FILTERS.get(stream.name, {}).items():
            if key in params:
                listing.add_equal(stream, field, params[key])
        return listing

    def filter_time(self, parameter: str, text: str) -> int:
        """Read a filter time; one without an offset is in the ACCOUNT's time zone.

        Args:
            parameter: The parameter (for the error).
            text: Its value.

        Returns:
            Epoch seconds.

        Raises:
            BadParameterError: When not a date or date-time.
        """
        match = FILTER_TIME.fullmatch(text.strip())
        if not match:
            msg = f"{parameter} must be a date (YYYY-MM-DD) or a date-time"
            raise BadParameterError(parameter, msg)
        year, month, day, hour, minute, second, offset = match.groups()
        tz: dt.tzinfo
        if offset is None:  # the trap: read in the account's zone, not UTC
            tz = self.data.tz
        elif offset == "Z":
            tz = dt.UTC
        else:
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        try:
            when = dt.datetime(int(year), int(month), int(day), int(hour or 0),
                               int(minute or 0), int(second or 0), tzinfo=tz)  # fmt: skip
        except ValueError:
            msg = f"{parameter} is not a valid date"
            raise BadParameterError(parameter, msg) from None
        return int(when.timestamp())

    # ----------------------------------------------------------------- changes

    def mutate_extra(self, op: dict[str, t.Any]) -> t.Any:  # noqa: ANN401
        """ActiveCampaign's ``/_sim/mutate`` operations.

        ``set_field_value`` (contact, field, value): a contact's custom field value changes
        (its ``udate`` moves; the contact's only with ``field_value_touches_contact``).
        ``insert_low`` (stream, n): records at the lowest free ids, below older records.
        ``insert_during_read`` (after, stream, low, high): after the n-th API request from now,
        ``low`` records at free lower ids and ``high`` new records at the top.

        Args:
            op: The operation.

        Returns:
            The result.
        """
        kind = op.get("op")
        if kind == "set_field_value":
            return self.set_field_value(op["contact"], op["field"], op["value"])
        if kind == "set_custom_value":
            return self.set_custom_value(op["stream"], op["parent"], op["field"], op["value"])
        if kind == "insert_low":
            return self.insert_low(op["stream"], int(op.get("n", 1)), **op.get("overrides", {}))
        if kind == "insert_during_read":
            low, high = int(op.get("low", 0)), int(op.get("high", 0))
            self.insert_during_read(int(op["after"]), op.get("stream", "contacts"), low=low,
                                    high=high)  # fmt: skip
            return {"scheduled": True}
        return super().mutate_extra(op)

    def insert_low(self, stream: str, n: int = 1, **overrides: t.Any) -> list[Record]:  # noqa: ANN401
        """Create records at the lowest free ids (below records created before them).

        Args:
            stream: A stream with holes (contacts, accounts, deals, ecom_customers).
            n: How many.
            **overrides: Fields.

        Returns:
            The new records.

        Raises:
            ValueError: When the stream has no free ids below its records.
        """
        table = self.table(stream)
        if not isinstance(table, HoleyTable) or not table.hole:
            msg = f"{stream} has no free lower ids"
            raise ValueError(msg)
        indexes = table.fill_holes(n, **overrides)
        with table.lock:
            return [table.render(i) for i in indexes]

    def insert_during_read(self, after: int, stream: str = "contacts", *, low: int = 0,
                           high: int = 0) -> None:  # fmt: skip
        """After the n-th API request from now, insert records below and above the others.

        Args:
            after: API requests from now (1 = the next one).
            stream: The stream.
            low: Records at free lower ids.
            high: Records at new higher ids.
        """

        def insert(sim: Simulator) -> None:
            if low:
                self.insert_low(stream, low)
            if high:
                sim.create(stream, high)

        self.after_requests(after, insert)

    def set_field_value(self, contact: object, field: object, value: str) -> Record:
        """Change (or add) a contact's value of a custom field.

        Args:
            contact: Contact id.
            field: Field id (of ``fields``).
            value: The new value (as the API sends it: a string).

        Returns:
            The field value as now served.
        """
        return self.set_custom_value("field_values", contact, field, value)

    def set_custom_value(
        self,
        stream: str,
        parent_id: object,
        field: object,
        value: t.Any,  # noqa: ANN401 - a string, number or list, as the API sends it
    ) -> Record:
        """Change (or add) a record's value of a custom field; the value's update time moves.

        The parent's own update time (contact ``udate``, deal ``mdate``, account
        ``updatedTimestamp``) moves only with ``field_value_touches_contact``.

        Args:
            stream: ``field_values``, ``deal_custom_field_data`` or
                ``account_custom_field_data``.
            parent_id: The contact's, deal's or account's id.
            field: The field's id.
            value: The new value.

        Returns:
            The value's record as now served.

        Raises:
            ValueError: On another stream.
        """
        keys = {
            "field_values": ("fields", "field", "value"),
            "deal_custom_field_data": ("deal_custom_field_meta", "customFieldId", "fieldValue"),
            "account_custom_field_data": (
                "account_custom_field_meta", "customFieldId", "fieldValue"),
        }  # fmt: skip
        if stream not in keys:
            msg = f"{stream} holds no custom field values; use one of {', '.join(keys)}"
            raise ValueError(msg)
        meta, field_key, value_key = keys[stream]
        table = self.tables[stream]
        assert isinstance(table, PatternChildTable)  # noqa: S101 - built by ACData
        parent = table.parent.index_for(parent_id)
        self.tables[meta].index_for(field)  # an unknown field is an error
        with table.lock:
            current = [i for i in table.of_parent(parent)
                       if str(table.render(i)[field_key]) == str(field)]  # fmt: skip
            if current:
                record = table.update(table.ids.id_of(current[0]), **{value_key: value})
            else:
                fid: object = str(field) if field_key == "field" else int(str(field))
                over = {table.parent_field: str(parent_id), field_key: fid, value_key: value}
                record = table.create(1, **over)[0]
        if self.config.field_value_touches_contact:
            table.parent.update(parent_id)
        return record

    # ----------------------------------------------------------------- ground truth

    def truth(self) -> dict[str, dict[str, t.Any]]:
        """Every stream's path and count (``GET /_sim/truth``).

        Returns:
            ``{stream: {"path", "count"}}``.
        """
        return {s.name: {"path": s.path, "count": self.count(s.name)} for s in STREAMS}

    def control_routes(self) -> dict[tuple[str, str], Callable[[], t.Any]]:
        """``GET /_sim/truth`` (``truth``) and ``POST /_sim/rate/reset``.

        Returns:
            The routes.
        """

        def reset() -> dict[str, bool]:
            self.reset_rate_window()
            return {"ok": True}

        return {("GET", "truth"): self.truth, ("POST", "rate/reset"): reset}


def _integer(parameter: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        msg = f"The {parameter} must be an integer"
        raise BadParameterError(parameter, msg) from None


def _exists(table: Table, record_id: str) -> bool:
    try:
        table.index_for(record_id)
    except UnknownRecordError:
        return False
    return True


def unprocessable(parameter: str, title: str) -> Reply:
    """ActiveCampaign's 422 for a bad parameter.

    Args:
        parameter: The parameter.
        title: What is wrong.

    Returns:
        The reply.
    """
    error = {"title": title, "detail": "", "code": "field_invalid",
             "source": {"pointer": f"/query/{parameter}"}}  # fmt: skip
    return Reply(422, {"errors": [error]})


class Listing:
    """One listing's bounds and filters, paged by offset without walking what it skips."""

    def __init__(self, table: Table, cache: dict[tuple[t.Any, ...], list[int]]) -> None:
        """Start with every record.

        Args:
            table: The table.
            cache: The simulator's cache of time-filtered heads (see ``_head``).
        """
        self.table = table
        self.cache = cache
        self.keys: list[tuple[str, str, int]] = []  # the time filters, as the cache's key
        self.lo = 0  # lowest index (from id bounds)
        self.hi = 2**62  # one past the highest index
        self.lo_base = 0  # lowest base index a time filter can match
        self.sure_lo = 0  # from here on every base record matches the time filters
        self.lower_only = True  # only lower time bounds (no other filter)
        self.conds: list[Callable[[int], bool]] = []
        self.parent: int | None = None  # a parent's index: only its children
        self.by_cdate = False  # ordered by created time (records at lower free ids move)

    def add_time(self, which: str, op: str, seconds: int) -> None:
        """Keep records whose created or updated time compares with a bound.

        Args:
            which: ``created`` or ``updated``.
            op: ``>``, ``>=`` or ``<``.
            seconds: The bound.
        """
        table = self.table
        pos = 0 if which == "created" else 1
        compare: Callable[[int], bool] = {
            ">": lambda x: x > seconds,
            ">=": lambda x: x >= seconds,
            "<": lambda x: x < seconds,
        }[op]
        self.conds.append(lambda i: compare(table.times_of(i)[pos]))
        self.keys.append((which, op, seconds))
        if op in {">", ">="}:
            since = seconds - 1 if which == "created" else seconds - 1 - MAX_UPDATE_DELAY
            self.lo_base = max(self.lo_base, table.first_created_after(since))
            # Created after the bound implies updated after it too (updated >= created).
            sure = table.first_created_after(seconds if op == ">" else seconds - 1)
            self.sure_lo = max(self.sure_lo, sure)
        else:
            self.lower_only = False

    def add_equal(self, stream: Stream, field: str, value: str) -> None:
        """Keep records whose field equals a value (a parent's id: only its children).

        Args:
            stream: The stream.
            field: Record field.
            value: The value.
        """
        table = self.table
        if isinstance(table, PatternChildTable) and field == stream.parent_field:
            try:
                self.parent = table.parent.index_for(value)
            except UnknownRecordError:
                self.parent = -1
            return
        self.lower_only = False
        self.conds.append(lambda i: str(table.render(i).get(field)) == value)

    def _trivial(self) -> bool:
        return not self.conds and self.parent is None and self.lo_base == 0

    def candidates(self, *, desc: bool = False) -> Iterator[int]:
        """Indexes that can match, in order.

        Args:
            desc: Downwards.

        Yields:
            Indexes.
        """
        table = self.table
        if self.parent is not None:
            assert isinstance(table, PatternChildTable)  # noqa: S101 - set in add_equal
            found = table.of_parent(self.parent) if self.parent >= 0 else []
            yield from reversed(found) if desc else found
            return
        lo_base = max(self.lo, self.lo_base)
        hi_base = min(self.hi, table.count_base)
        for i in table.walk(lo=lo_base, hi=hi_base, desc=desc):
            if self.lo <= i < self.hi and table.exists(i):
                yield i

    def matches(self, desc: bool = False) -> Iterator[int]:  # noqa: FBT001, FBT002
        """Indexes of matching records, in order.

        Args:
            desc: Downwards.

        Returns:
            An iterator.
        """
        conds = self.conds
        return (i for i in self.candidates(desc=desc) if all(c(i) for c in conds))

    def page(self, offset: int, limit: int, *, desc: bool = False) -> tuple[int, list[int]]:
        """The total and one page of a listing.

        Args:
            offset: Records to skip.
            limit: Page size.
            desc: Newest first.

        Returns:
            ``(total, indexes)``.
        """
        table = self.table
        with table.lock:
            moved = self._moved()
            if moved:
                return self._cdate_page(moved, offset, limit, desc=desc)
            if self._trivial() and isinstance(table, HoleyTable | PatternChildTable):
                return self._ranked_page(table, offset, limit, desc=desc)
            fast = self._bounded_page(offset, limit, desc=desc)
            if fast is not None:
                return fast
            total = 0
            out: list[int] = []
            for index in self.matches(desc):
                if offset <= total < offset + limit:
                    out.append(index)
                total += 1
            return total, out

    def _bounded_page(self, offset: int, limit: int, *, desc: bool) -> tuple[int, list[int]] | None:
        """A page under lower time bounds only, walking just the records that may not match.

        Base records are created in index order and updated at most ``MAX_UPDATE_DELAY`` after
        their creation, so past ``sure_lo`` every base record matches: only the records before
        it (and the changed ones) are checked one by one; the rest is counted by rank.

        Args:
            offset: Records to skip.
            limit: Page size.
            desc: Newest first (not handled here).

        Returns:
            ``(total, indexes)``, or None when this listing needs the full walk.
        """
        table = self.table
        if desc or self.parent is not None or not self.lower_only or not self.conds:
            return None
        if not isinstance(table, HoleyTable):
            return None
        end = table.end()
        lo, hi = min(self.lo, end), min(self.hi, end)
        sure = max(lo, min(self.sure_lo, hi))
        members = [i for i, v in table.over.items() if v is not None and sure <= i < hi]
        if not all(self._match(i) for i in members):
            return None  # e.g. a bound in the future: records created now do not match it
        head: list[int] = []
        if lo < sure:  # else every record from lo on surely matches
            head_all = self._head()
            head = head_all[bisect.bisect_left(head_all, lo) : bisect.bisect_left(head_all, sure)]
        before = table.rank(sure)
        total = len(head) + table.rank(hi) - before
        out = head[offset : offset + limit]
        skip = max(0, offset - len(head))
        if len(out) < limit and len(head) + skip < total:
            start = nth(table, before + skip)
            for index in table.walk(after=(start or 0) - 1):
                if index >= hi:
                    break
                if table.exists(index):
                    out.append(index)
                    if len(out) == limit:
                        break
        return total, out

    def _head(self) -> list[int]:
        """Matching records before ``sure_lo`` (the ones checked one by one), cached per change.

        An incremental read pages by ``id_greater`` through the same filter, so the records
        updated in the window before ``sure_lo`` are found once per table version, not once
        per page.

        Returns:
            Their indexes, ascending.
        """
        table = self.table
        assert isinstance(table, HoleyTable)  # noqa: S101 - checked by the caller
        key = (table.name, tuple(self.keys), table.version)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        head = [i for i in table.walk(lo=self.lo_base, hi=self.sure_lo)
                if i < self.sure_lo and table.exists(i) and self._match(i)]  # fmt: skip
        if len(self.cache) >= HEAD_CACHE:
            self.cache.clear()
        self.cache[key] = head
        return head

    def _moved(self) -> list[int]:
        """Records whose created time puts them elsewhere than their id, in cdate order.

        Only records inserted at a free lower id (``insert_low``) move: every other record
        is created in id order. Empty unless the listing is ordered by ``cdate``.

        Returns:
            The records at filled holes, with the records created at the top.
        """
        table = self.table
        if not self.by_cdate or not isinstance(table, HoleyTable) or not table.hole:
            return []
        filled = [i for i, v in table.over.items()
                  if v is not None and i < table.count_base and table.is_hole(i)]  # fmt: skip
        if not filled:
            return []
        top = [i for i, v in table.over.items() if v is not None and i >= table.count_base]
        return sorted(filled + top, key=lambda i: (table.times_of(i)[0], i))

    def _cdate_page(
        self, moved: list[int], offset: int, limit: int, *, desc: bool
    ) -> tuple[int, list[int]]:
        """A page in created-time order: records in place by id, then the moved ones.

        Args:
            moved: The moved records in cdate order (``_moved``).
            offset: Records to skip.
            limit: Page size.
            desc: Newest first.

        Returns:
            ``(total, indexes)``.
        """
        table = self.table
        away = set(moved)
        tail = [i for i in moved if self.lo <= i < self.hi and self._match(i)]
        if self._trivial() and self.lo == 0 and self.hi >= table.count_base:
            assert isinstance(table, HoleyTable)  # noqa: S101 - checked by _moved
            in_place = table.rank(table.count_base) - sum(1 for i in moved if i < table.count_base)
        else:
            in_place = sum(1 for i in self.matches() if i not in away)
        total = in_place + len(tail)
        if desc:
            a, b = max(0, total - offset - limit), max(0, total - offset)
        else:
            a, b = offset, min(total, offset + limit)
        out: list[int] = []
        if a < in_place:  # walks up to the page (only after an insert at a lower id)
            want = min(b, in_place) - a
            seen = 0
            for index in self.matches():
                if index in away:
                    continue
                if seen >= a:
                    out.append(index)
                    if len(out) == want:
                        break
                seen += 1
        out += tail[max(0, a - in_place) : max(0, b - in_place)]
        return total, out[::-1] if desc else out

    def _match(self, index: int) -> bool:
        return all(c(index) for c in self.conds)

    def _ranked_page(
        self, table: HoleyTable | PatternChildTable, offset: int, limit: int, *, desc: bool
    ) -> tuple[int, list[int]]:
        end = table.end()
        lo, hi = min(self.lo, end), min(self.hi, end)
        before = table.rank(lo)
        total = max(0, table.rank(hi) - before)
        if offset >= total:
            return total, []
        if desc:
            start = nth(table, before + total - 1 - offset)
            it = table.walk(after=(start or 0) + 1, desc=True)
        else:
            start = nth(table, before + offset)
            it = table.walk(after=(start or 0) - 1)
        out: list[int] = []
        for index in it:
            if (index < lo) if desc else (index >= hi):
                break
            if not lo <= index < hi or not table.exists(index):
                continue
            out.append(index)
            if len(out) == limit:
                break
        return total, out

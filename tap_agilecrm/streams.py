"""One class per Agile CRM resource."""

from __future__ import annotations

import datetime as dt
import json
import time
import typing as t
from functools import cached_property

from requests.auth import HTTPBasicAuth
from singer_sdk import typing as th
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from crm_core.columns import BOOL, ID, NUMBER, TEXT, TIME, columns, json_array, json_object, schema
from crm_core.custom_fields import columns_for_run
from crm_core.errors import UnreachableHostError, Vocabulary
from crm_core.http import CRMStream
from crm_core.incremental import (
    RESUME,
    epoch_of_iso,
    iso_time,
    modified,
    once_each,
    read_resumable,
    saved_cursor,
)
from tap_agilecrm.fields import FieldColumns, custom_data_of, properties_of

if t.TYPE_CHECKING:
    from collections.abc import Generator, Iterable, Iterator

    from singer_sdk.helpers.types import Context

    from crm_core.pagination import Page

MODIFIED = "modified_time"
DAY = 86_400
_EARLIEST = dt.datetime(2012, 1, 1, tzinfo=dt.UTC).timestamp()
VOCABULARY = Vocabulary(
    vendor="Agile CRM",
    credentials_hint="Check the `email` (the user you log in with) and `api_key` settings "
    "(Agile CRM: Admin Settings -> Developers & API -> REST API key).",
    quota_markers=("limit exceeded", "limit reached", "api call limit"),
    auth_markers=("unauthorized", "unauthenticated"),
)


class AgileStream(CRMStream):
    """Base of every Agile CRM stream: ``{api_url}/dev/api``, Basic auth, JSON asked for."""

    vocabulary = VOCABULARY
    api_prefix = "/dev/api"
    paging_keys = frozenset({"cursor", "count"})

    @cached_property
    def authenticator(self) -> HTTPBasicAuth:
        """HTTP Basic with the user's email and the API key."""
        return HTTPBasicAuth(str(self.config["email"]), str(self.config["api_key"]))

    @property
    def start_seconds(self) -> float | None:
        """The ``start_date`` setting in epoch seconds, if set."""
        start = self.config.get("start_date")
        return epoch_of_iso(str(start)) if start else None

    @property
    def emit_activate_version_messages(self) -> bool:
        """ACTIVATE_VERSION only on the full pass (``reconcile``), where absent means deleted."""
        return bool(self.config.get("reconcile", False))

    #: The context key naming a record of this stream to its child streams (``contact_id``).
    child_key: t.ClassVar[str] = ""

    def generate_child_contexts(
        self,
        record: dict[str, t.Any],
        context: Context | None,
    ) -> Iterable[Context | None]:
        """Child lists are read per record: its id, under ``child_key``.

        Args:
            record: A record of this stream.
            context: Its partition (none: the parents are top-level streams).

        Yields:
            The record's id; nothing for a record without one.
        """
        if not self.child_key:
            yield from super().generate_child_contexts(record, context)
        elif record.get("id") is not None:
            yield {self.child_key: record["id"]}


# ---- lists read incrementally ------------------------------------------------------------


class IncrementalList(AgileStream):
    """A cursor-paged list; later runs read the dynamic filter's changes since the bookmark.

    The first sync reads the whole list and saves the cursor of each finished page in the
    state, so an interrupted first sync resumes where it stopped. Later syncs ask the dynamic
    filter (``POST /filters/filter/dynamic-filter``) for records updated OR created after the
    bookmark less ``lookback_window`` (``updated_time`` is 0 on records never updated, so an
    ``updated_time`` rule alone misses new records). The bookmark is ``modified_time``, the
    later of created and updated time, never later than the server time the read started.
    """

    paged = True
    replication_key = MODIFIED
    is_sorted = False
    resume_note = (
        "The bookmark moves when the stream ends; an interrupted run reads again from the "
        "previous bookmark, or, on a first sync, from the page cursor saved in `resume`."
    )
    STATE_MSG_FREQUENCY = 500
    #: The dynamic filter's ``contact_type``.
    contact_type = ""
    #: Record columns besides the typed fields.
    base_columns: t.ClassVar[list[th.Property[t.Any]]] = []

    def listing(self, context: Context | None, cursor: str | None) -> Iterator[Page]:
        """The whole list, from a cursor.

        Args:
            context: Unused.
            cursor: Where to start.

        Returns:
            The pages.
        """
        return self.iter_pages(context, cursor=cursor)

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Read the changes since the bookmark, or everything on a first sync.

        Args:
            context: None.

        Yields:
            Raw records.
        """
        state = self.get_context_state(context)
        if self.replication_method == "FULL_TABLE":
            yield from self._read_all(context, {})
        else:
            bookmark = state.get("replication_key_value")
            if bookmark:
                started = yield from self._read_changes(context, epoch_of_iso(str(bookmark)))
            else:
                started = yield from self._read_all(context, state)
            state["replication_key_signpost"] = iso_time(started)
        self.log_value_problems()
        self.note_late_fields()

    def wants_children(self, record: t.Mapping[str, t.Any]) -> bool:
        """A record before ``start_date`` is not emitted: its children are not read ahead.

        Args:
            record: A raw record.

        Returns:
            Whether it may be emitted.
        """
        floor = self.start_seconds
        return floor is None or modified(record) >= floor

    def _read_all(
        self, context: Context | None, state: dict[str, t.Any]
    ) -> Generator[dict[str, t.Any], None, float]:
        cursor = saved_cursor(state)
        if cursor:
            self.logger.info("%s: resuming the first sync from a saved cursor", self.name)
        floor = self.start_seconds
        pages = self.listing(context, cursor)
        for record in read_resumable(self._clocked(pages, state), state):
            if floor is None or modified(record) >= floor:
                yield record
        return self._started if self._started is not None else time.time()

    _started: float | None = None

    def _clocked(self, pages: Iterable[Page], state: dict[str, t.Any]) -> Iterator[Page]:
        """Pages, noting the server time of the first answer (kept with the resume cursor)."""
        resume = state.get(RESUME)
        self._started = resume.get("started_at") if isinstance(resume, dict) else None
        for page in pages:
            if self._started is None:
                self._started = page.server_time or time.time()
            held = state.get(RESUME)
            state[RESUME] = {
                **(held if isinstance(held, dict) else {}),
                "started_at": self._started,
            }
            yield page

    def _read_changes(
        self, context: Context | None, bookmark: float
    ) -> Generator[dict[str, t.Any], None, float]:
        since_ms = int((bookmark - int(self.config.get("lookback_window", 600))) * 1000)
        rules = [
            {"LHS": "updated_time", "CONDITION": "AFTER", "RHS": since_ms},
            {"LHS": "created_time", "CONDITION": "AFTER", "RHS": since_ms},
        ]
        filter_json = {"rules": [], "or_rules": rules, "contact_type": self.contact_type}
        extra = {"filterJson": json.dumps(filter_json), "global_sort_key": "-created_time"}
        started: float | None = None
        pages = self.iter_pages(
            context, extra=extra, endpoint=("POST", "/filters/filter/dynamic-filter")
        )
        for page in pages:
            if started is None:
                started = page.server_time or time.time()
            yield from page.records
        return started if started is not None else time.time()

    # ---- typed custom fields ---------------------------------------------------------

    def custom_pairs(self, record: t.Mapping[str, t.Any]) -> list[tuple[str, t.Any]]:
        """The custom ``(name, value)`` pairs of a raw record.

        Args:
            record: The raw record.

        Returns:
            The pairs.
        """
        return properties_of(record)[1]

    def system_pairs(self, record: t.Mapping[str, t.Any]) -> list[tuple[str, t.Any]]:
        """The SYSTEM ``(name, value)`` pairs of a raw record.

        Args:
            record: The raw record.

        Returns:
            The pairs.
        """
        return properties_of(record)[0]

    def sample(self) -> list[dict[str, t.Any]]:
        """The first page of the list, read for the custom fields' names and types.

        Returns:
            Raw records (none when the page cannot be read: the state's columns serve).
        """
        try:
            payload, _ = self.fetch(None, extra=self.sample_params())
        except UnreachableHostError:
            raise  # a wrong api_url: the run stops, naming it (crm_core.http)
        except (FatalAPIError, RetriableAPIError) as exc:
            self.logger.warning(
                "%s: could not read a first page to type custom fields (%s); the columns of "
                "earlier runs serve, other fields stay in the raw column",
                self.name,
                self.redact(str(exc)),
            )
            return []
        return self.records_of(payload)

    def sample_params(self) -> dict[str, t.Any]:
        """Parameters of the sample request.

        Returns:
            None by default.
        """
        return {}

    @cached_property
    def fields(self) -> FieldColumns:
        """This run's typed columns: SYSTEM fields, the state's custom columns, the sample's."""

        def build(known: dict[str, dict[str, t.Any]] | None) -> FieldColumns:
            sample = [pair for record in self.sample() for pair in self.custom_pairs(record)]
            keys = [p.name for p in self.base_columns] + [MODIFIED, "extra_fields"]
            return FieldColumns(self.name, record_keys=keys, known=known, sample=sample)

        return columns_for_run(self.stream_state, self.name, self.logger, build)

    def note_late_fields(self) -> None:
        """Say which custom fields appeared after the schema was sent."""
        late = sorted(self.fields.late)
        if late:
            self.logger.warning(
                "%s: %d custom fields appeared after the schema was sent (%s); their values "
                "are in the raw column this run, and get typed columns from the next run on",
                self.name,
                len(late),
                ", ".join(name.removeprefix("name:") for name in late[:10]),
            )

    @cached_property
    def schema(self) -> dict[str, t.Any]:
        """Record columns, then one typed column per field."""
        base = schema(self.base_columns, th.Property(MODIFIED, TIME))
        base["properties"].update(self.fields.schema_properties())
        return base

    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        """Add ``modified_time`` and the typed fields, then fit the record to the schema.

        Args:
            row: The raw record.
            context: Unused.

        Returns:
            The record.
        """
        typed = self.fields.flatten(
            self.system_pairs(row), self.custom_pairs(row), self.value_problems, self.name
        )
        record = super().post_process({**row, MODIFIED: modified(row)}, context)
        if record is None:
            return None
        record.update(typed)
        return record

    @property
    def epoch_seconds_fields(self) -> tuple[str, ...]:  # type: ignore[override]
        """Epoch-seconds keys, including the derived bookmark."""
        return (*self.record_seconds_fields, MODIFIED)

    record_seconds_fields: tuple[str, ...] = ("created_time", "updated_time")


_OWNER = th.Property("owner", json_object())
_TIMES = columns("created_time", "updated_time", kind=TIME)


class ContactsStream(IncrementalList):
    """Contacts (``GET /contacts``), type PERSON."""

    child_key = "contact_id"
    name = "contacts"
    path = "/contacts"
    contact_type = "PERSON"
    record_seconds_fields = (
        "created_time",
        "updated_time",
        "last_contacted",
        "last_emailed",
        "last_campaign_emaild",
        "last_called",
    )
    epoch_ms_fields = ("viewed_time",)
    base_columns: t.ClassVar[list[th.Property[t.Any]]] = [
        th.Property("id", ID),
        *columns("type", "entity_type", "contact_company_id", kind=TEXT),
        *columns("star_value", "lead_score", "formId", kind=ID),
        *_TIMES,
        *columns(
            "last_contacted", "last_emailed", "last_campaign_emaild", "last_called", kind=TIME
        ),
        th.Property("viewed_time", TIME),
        th.Property("viewed", json_object()),
        *columns("tags", "tagsWithTime", "properties", "campaignStatus", kind=json_array()),
        *columns("unsubscribeStatus", "emailBounceStatus", kind=json_array()),
        _OWNER,
    ]


class CompaniesStream(IncrementalList):
    """Companies (``POST /contacts/companies/list``), type COMPANY."""

    name = "companies"
    path = "/contacts/companies/list"
    http_method = "POST"
    paging_in = "form"
    contact_type = "COMPANY"
    base_columns = ContactsStream.base_columns
    record_seconds_fields = ContactsStream.record_seconds_fields
    epoch_ms_fields = ("viewed_time",)

    def list_params(self, context: Context | None) -> dict[str, t.Any]:  # noqa: ARG002
        """Oldest first, so a resumed read misses nothing created meanwhile.

        Args:
            context: Unused.

        Returns:
            ``global_sort_key``.
        """
        return {"global_sort_key": "created_time"}


class DealsStream(IncrementalList):
    """Deals of every track (``GET /opportunity/based?pipeline_id=``), with ``custom_data``."""

    child_key = "deal_id"
    name = "deals"
    path = "/opportunity/based"
    contact_type = "OPPORTUNITY"
    emits_each_once = True
    record_seconds_fields = ("created_time", "updated_time", "close_date")
    base_columns: t.ClassVar[list[th.Property[t.Any]]] = [
        th.Property("id", ID),
        *columns("name", "description", "milestone", "pipeline_milestone", kind=TEXT),
        *columns("colorName", "entity_type", "lost_reason_id", "deal_source_id", kind=TEXT),
        *columns("pipeline_id", "owner_id", "probability", kind=ID),
        th.Property("expected_value", NUMBER),
        th.Property("close_date", TIME),
        th.Property("archived", BOOL),
        *_TIMES,
        *columns(
            "contact_ids", "custom_data", "notes", "tagsWithTime", "contacts", kind=json_array()
        ),
        th.Property("note_description", TEXT),
        _OWNER,
    ]

    def custom_pairs(self, record: t.Mapping[str, t.Any]) -> list[tuple[str, t.Any]]:
        """A deal's ``custom_data``.

        Args:
            record: The raw deal.

        Returns:
            The pairs.
        """
        return custom_data_of(record)

    def system_pairs(self, record: t.Mapping[str, t.Any]) -> list[tuple[str, t.Any]]:  # noqa: ARG002
        """Deals have no SYSTEM properties.

        Args:
            record: The raw deal.

        Returns:
            None.
        """
        return []

    def sample_params(self) -> dict[str, t.Any]:
        """Every track (``pipeline_id`` 1 is every track on ``/opportunity/based``).

        Returns:
            The parameters.
        """
        return {"pipeline_id": self.track_ids[0]} if self.track_ids else {}

    @cached_property
    def track_ids(self) -> list[int]:
        """Ids of every track (``GET /milestone/pipelines``), once per run."""
        payload, _ = self.fetch(None, endpoint=("GET", "/milestone/pipelines"))
        return sorted(
            int(r["id"]) for r in self.records_of(payload) if str(r.get("id", "")).isdigit()
        )

    def listing(self, context: Context | None, cursor: str | None) -> Iterator[Page]:
        """Every track's deals, one track after another; the state says which track.

        Args:
            context: Unused.
            cursor: The saved cursor within the saved track.

        Yields:
            Pages.
        """
        state = self.get_context_state(context)
        resume = state.get(RESUME)
        start_track = resume.get("track") if isinstance(resume, dict) else None
        tracks = self.track_ids
        if start_track in tracks:
            tracks = tracks[tracks.index(start_track) :]
        else:
            cursor = None
        for track in tracks:
            held = state.get(RESUME)
            kept = (
                {k: v for k, v in held.items() if k == "started_at"}
                if isinstance(held, dict)
                else {}
            )
            state[RESUME] = {**kept, "track": track}
            if cursor:
                state[RESUME]["cursor"] = cursor
            yield from self.iter_pages(context, cursor=cursor, extra={"pipeline_id": track})
            cursor = None

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Each deal once (a deal moved between tracks during the read is not read twice).

        Args:
            context: None.

        Returns:
            Raw deals.
        """
        return once_each(super().get_records(context))


# ---- lists read in full each run ---------------------------------------------------------


class FullList(AgileStream):
    """A cursor-paged list read in full each run (its records carry no usable change time)."""

    paged = True


class TasksStream(FullList):
    """Tasks (``GET /tasks``); tasks have no updated time, so they are read in full."""

    name = "tasks"
    path = "/tasks"
    epoch_seconds_fields = ("created_time", "due")
    schema = schema(
        th.Property("id", ID),
        *columns("type", "priority_type", "subject", "entity_type", "status", kind=TEXT),
        *columns("progress", "owner_id", kind=ID),
        th.Property("is_complete", BOOL),
        *columns("due", "created_time", kind=TIME),
        *columns("contacts", "notes", kind=json_array()),
        th.Property("taskOwner", json_object()),
    )


class CampaignsStream(FullList):
    """Campaigns (``GET /workflows``)."""

    name = "campaigns"
    path = "/workflows"
    schema = schema(
        th.Property("id", ID),
        *columns("name", "rules", "creatorName", kind=TEXT),
        th.Property("domainUserId", ID),
        th.Property("is_disabled", BOOL),
        th.Property("unsubscribe", json_object()),
        *_TIMES,
    )


class TracksStream(AgileStream):
    """Deal tracks (pipelines) with their milestones (``GET /milestone/pipelines``)."""

    name = "tracks"
    path = "/milestone/pipelines"
    schema = schema(
        th.Property("id", ID),
        *columns("name", "milestones", "won_milestone", "lost_milestone", kind=TEXT),
        th.Property("isDefault", BOOL),
    )


class TicketFiltersStream(AgileStream):
    """Helpdesk ticket filters (``GET /tickets/filters``)."""

    name = "ticket_filters"
    path = "/tickets/filters"
    epoch_seconds_fields = ()
    epoch_ms_fields = ("updated_time",)
    schema = schema(
        th.Property("id", ID),
        th.Property("name", TEXT),
        th.Property("owner_id", ID),
        th.Property("is_default_filter", BOOL),
        th.Property("conditions", json_array()),
        th.Property("updated_time", TIME),
    )


class TicketsStream(FullList):
    """Tickets, through every filter (``GET /tickets/filter?filter_id=``), each once.

    A ticket can be in several filters; it is emitted the first time it is met. Tickets no
    filter holds cannot be read: the API has no other ticket listing.
    """

    emits_each_once = True

    child_key = "ticket_id"
    name = "tickets"
    path = "/tickets/filter"
    epoch_seconds_fields = ()
    epoch_ms_fields = ("created_time", "last_updated_time")
    schema = schema(
        th.Property("id", ID),
        *columns("groupID", "assigneeID", "contactID", kind=ID),
        th.Property("assigned_to_group", BOOL),
        *columns("requester_name", "requester_email", "subject", "last_updated_by", kind=TEXT),
        *columns("first_notes_text", "last_reply_text", "status", "type", "priority", kind=TEXT),
        *columns("source", "created_by", "entity_type", kind=TEXT),
        *columns("created_time", "last_updated_time", kind=TIME),
        *columns("cc_emails", "labels", "contact_ids", kind=json_array()),
    )

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Every filter's tickets, each ticket once.

        Args:
            context: None.

        Returns:
            Raw tickets.
        """
        return once_each(self._every_filter(context))

    def _every_filter(self, context: Context | None) -> Iterator[dict[str, t.Any]]:
        payload, _ = self.fetch(None, endpoint=("GET", "/tickets/filters"))
        for flt in self.records_of(payload):
            for page in self.iter_pages(context, extra={"filter_id": flt.get("id")}):
                yield from page.records


# ---- calendar events ---------------------------------------------------------------------


class EventsStream(AgileStream):
    """Calendar events (``GET /events?start=&end=``, epoch seconds), walked in windows.

    Windows are disjoint (``[lo, lo + window - 1]``, both ends inclusive as the API reads
    them), so an event starting on a window's edge is read once. A first sync walks from
    ``start_date`` (or 2012) to ``events_lookahead_days`` ahead; later syncs start
    ``events_lookback_days`` before the bookmark. After each window the state holds where the
    next one starts, so a run stopped midway (the quota) resumes there.
    """

    name = "events"
    path = "/events"
    replication_key = "start"
    is_sorted = False
    resume_note = (
        "The bookmark moves when the stream ends; an interrupted run resumes from the window "
        "saved in `resume`."
    )
    epoch_seconds_fields = ("start", "end", "created_time")
    schema = schema(
        th.Property("id", ID),
        *columns("start", "end", "created_time", kind=TIME),
        *columns("title", "color", kind=TEXT),
        *columns("allDay", "is_event_starred", kind=BOOL),
        th.Property("contacts", json_array()),
        _OWNER,
    )

    def windows(self, bookmark: str | None, now: float) -> Iterator[tuple[int, int]]:
        """The windows to read, in epoch seconds, inclusive and disjoint.

        Args:
            bookmark: The last bookmark, if any.
            now: The current time.

        Yields:
            ``(start, end)`` pairs covering the span without gaps or overlaps.
        """
        if bookmark:
            start = epoch_of_iso(bookmark) - int(self.config.get("events_lookback_days", 30)) * DAY
        else:
            start = self.start_seconds or _EARLIEST
        end = now + int(self.config.get("events_lookahead_days", 365)) * DAY
        step = int(self.config.get("events_window_days", 90)) * DAY
        lo = int(start)
        while lo <= end:
            yield lo, lo + step - 1
            lo += step

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Every event of every window, each once.

        Args:
            context: None.

        Yields:
            Raw events.
        """
        state = self.get_context_state(context)
        now = time.time()
        full = self.replication_method == "FULL_TABLE"
        bookmark = None if full else state.get("replication_key_value")
        resume = state.get(RESUME) if isinstance(state.get(RESUME), dict) else {}
        after = int(resume.get("next_window", 0)) if resume else 0
        if after:
            self.logger.info("%s: resuming from the window starting %s", self.name, iso_time(after))
        for lo, hi in self.windows(bookmark, now):
            if hi < after:
                continue
            payload, _ = self.fetch(context, extra={"start": max(lo, after), "end": hi})
            yield from once_each(self.records_of(payload))
            state[RESUME] = {"next_window": hi + 1}
        state.pop(RESUME, None)
        state["replication_key_signpost"] = iso_time(now)


# ---- children ----------------------------------------------------------------------------


class ChildStream(AgileStream):
    """A list read whole for each parent record the parent stream emits.

    On an incremental run that is the parents created or changed since the last run; a
    full pass (``reconcile``) reads every parent's. An unknown parent answers 204: no records.
    """

    state_partitioning_keys: t.ClassVar[list[str]] = []
    #: The context key naming the parent, also written on each record.
    parent_key = ""

    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        """Link the record to its parent: the id its list was read for.

        Args:
            row: The raw record.
            context: The parent.

        Returns:
            The record.
        """
        if context and context.get(self.parent_key) is not None:
            row = {**row, self.parent_key: context[self.parent_key]}
        return super().post_process(row, context)


_NOTE = [
    th.Property("id", ID),
    *columns("subject", "description", "entity_type", kind=TEXT),
    th.Property("created_time", TIME),
    *columns("contact_ids", "deal_ids", "contacts", kind=json_array()),
]


class NotesStream(ChildStream):
    """Notes of each contact (``GET /contacts/{contact_id}/notes``)."""

    name = "notes"
    path = "/contacts/{contact_id}/notes"
    parent_stream_type = ContactsStream
    parent_key = "contact_id"
    epoch_seconds_fields = ("created_time",)
    schema = schema(th.Property("contact_id", ID), *_NOTE)


class DocumentsStream(ChildStream):
    """Documents of each contact (``GET /documents/contact/{contact_id}/docs``)."""

    name = "documents"
    path = "/documents/contact/{contact_id}/docs"
    parent_stream_type = ContactsStream
    parent_key = "contact_id"
    epoch_seconds_fields = ("uploaded_time",)
    schema = schema(
        th.Property("id", ID),
        th.Property("contact_id", ID),
        *columns("name", "dummy_name", "extension", "doc_type", "text", kind=TEXT),
        *columns("template_type", "network_type", "url", "entity_type", kind=TEXT),
        th.Property("size", ID),
        th.Property("uploaded_time", TIME),
        *columns("contact_ids", "case_ids", "deal_ids", kind=json_array()),
        _OWNER,
    )


class DealNotesStream(ChildStream):
    """Notes of each deal (``GET /opportunity/{deal_id}/notes``); ``deal_id`` names the deal."""

    name = "deal_notes"
    path = "/opportunity/{deal_id}/notes"
    parent_stream_type = DealsStream
    parent_key = "deal_id"
    epoch_seconds_fields = ("created_time",)
    schema = schema(th.Property("deal_id", ID), *_NOTE)


class TicketMessagesStream(ChildStream):
    """Messages of each ticket (``GET /tickets/notes/{ticket_id}``), times in milliseconds."""

    name = "ticket_messages"
    path = "/tickets/notes/{ticket_id}"
    parent_stream_type = TicketsStream
    parent_key = "ticket_id"
    epoch_seconds_fields = ()
    epoch_ms_fields = ("created_time",)
    schema = schema(
        th.Property("id", ID),
        *columns("ticket_id", "assignee_id", kind=ID),
        *columns("created_by", "plain_text", "html_text", "note_type", kind=TEXT),
        th.Property("created_time", TIME),
        *columns("close_ticket", "is_compressed", kind=BOOL),
        *columns("attachments_list", "cc_emails", kind=json_array()),
    )


STREAM_TYPES: tuple[type[AgileStream], ...] = (
    ContactsStream,
    CompaniesStream,
    DealsStream,
    TracksStream,
    TasksStream,
    EventsStream,
    NotesStream,
    DealNotesStream,
    DocumentsStream,
    CampaignsStream,
    TicketsStream,
    TicketFiltersStream,
    TicketMessagesStream,
)

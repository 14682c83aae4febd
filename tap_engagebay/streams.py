"""One class per EngageBay resource."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import threading
import time
import typing as t
from functools import cached_property

from singer_sdk import typing as th
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.singerlib import Metadata, Schema

from crm_core.columns import (
    BOOL,
    ID,
    NUMBER,
    TEXT,
    TIME,
    columns,
    json_array,
    json_object,
    schema,
)
from crm_core.custom_fields import known_columns
from crm_core.errors import (
    GLOBAL_ERRORS,
    BadRequestError,
    NotFoundError,
    StreamStoppedError,
)
from crm_core.incremental import epoch, epoch_of_iso, iso_time, modified
from crm_core.prefetch import OrderedPrefetch
from crm_core.record_lines import DirectRecordLines
from tap_engagebay.client import EngageBayStream, payload_of
from tap_engagebay.properties import RAW_PROPERTIES, PropertyMap
from tap_engagebay.transform import epoch_to_iso, has_nul, scrub

if t.TYPE_CHECKING:
    from collections.abc import Generator, Iterable, Iterator
    from concurrent.futures import Future

    from singer_sdk.helpers.types import Context
    from singer_sdk.singerlib import Catalog

    from crm_core.pagination import Page

MODIFIED = "modified_time"
#: The name post_process (the record path) calls it by.
_modified = modified
#: Where a stream's state keeps its custom fields' columns.
CUSTOM_COLUMNS = "custom_columns"
#: The entity types with custom fields (``/customfields/list/{scope}``).
CUSTOM_SCOPES = ("CONTACT", "DEAL", "COMPANY", "TICKET")
#: Calendar windows read ahead per allowed request in flight.
WINDOWS_AHEAD_PER_REQUEST = 8
_EARLIEST_EVENT = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
#: A per-contact endpoint that answered 404 for this many contacts, and never anything else,
#: is missing (the plan lacks it); after one success, a 404 means that contact is gone.
MISSING_AFTER = 3
#: How far a record's time may be ahead of the server's clock before the order is distrusted.
CLOCK_SLACK_SECONDS = 3600


def _order_problem(page: Page, time_key: str, before: int | None) -> str | None:
    """Why a page asked for newest first by ``time_key`` cannot be trusted (None: it can).

    Args:
        page: The page.
        time_key: ``updated_time`` or ``created_time``.
        before: The last time of the previous page, if any.

    Returns:
        The cause, in words, or None.
    """
    times = [epoch(r.get(time_key)) for r in page.records]
    chain = times if before is None else [before, *times]
    for earlier, later in itertools.pairwise(chain):
        if later > earlier:
            return f"a {time_key} of {later} comes after {earlier}: the API ignored the order"
    if page.server_time and times and max(times) > page.server_time + CLOCK_SLACK_SECONDS:
        return (
            f"a {time_key} of {max(times)} is ahead of the server's clock ({page.server_time}): "
            "the times cannot be compared"
        )
    return None


def start_date_seconds(config: t.Mapping[str, t.Any]) -> float | None:
    """The ``start_date`` setting in epoch seconds (UTC when no zone is given), if set.

    Args:
        config: The tap's settings.

    Returns:
        Seconds since 1970, or None.
    """
    start = config.get("start_date")
    return epoch_of_iso(str(start)) if start else None


# ---- incremental lists ----------------------------------------------------------------------


class ListStream(DirectRecordLines, EngageBayStream):
    """A cursor-paged list, read incrementally.

    The first sync reads the whole list oldest-first (``sort_key=created_time``) and saves the
    cursor of each finished page in the state, so an interrupted first sync resumes where it
    stopped. Later syncs read newest-first twice, by ``-updated_time`` and by
    ``-created_time``, and stop at the first page that reaches back past the bookmark less the
    lookback window: records updated AND records created but never updated (``updated_time``
    0) are both found, at a cost of about one page each when nothing changed.

    The bookmark is ``modified_time`` (the later of created and updated time), but never later
    than the server time at which the sync started reading: a record changed while a sync runs
    is read again by the next one.
    """

    paged = True
    replication_key = MODIFIED
    is_sorted = False
    STATE_MSG_FREQUENCY = 500

    @property
    def lookback(self) -> int:
        """Seconds re-read before the bookmark."""
        return int(self.config.get("lookback_window", 600))

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Read the changes since the bookmark, or everything on a first sync.

        Args:
            context: The partition (deal track) or None.

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

    def warm_up(self) -> None:
        """Start each partition's first reads: the listing to its end, or both change passes."""
        contexts: list[Context | None] = [None]
        if self.partitions:
            contexts = list(self.partitions)
        for context in contexts:
            if self.replication_method == "FULL_TABLE":
                self.warm_listing(context, sort_key="created_time", read_ahead=True)
                continue
            state = self.get_context_state(context)
            if state.get("replication_key_value"):
                for sort_key in ("-updated_time", "-created_time"):
                    self.warm_listing(context, sort_key=sort_key)
            else:
                resume = state.get("resume") if isinstance(state.get("resume"), dict) else None
                cursor = resume.get("cursor") if resume else None
                self.warm_listing(context, sort_key="created_time", cursor=cursor, read_ahead=True)

    def _read_all(
        self, context: Context | None, state: dict[str, t.Any]
    ) -> Generator[dict[str, t.Any], None, float]:
        resume = state.get("resume") if isinstance(state.get("resume"), dict) else None
        started: float | None = resume.get("started_at") if resume else None
        cursor: str | None = resume.get("cursor") if resume else None
        floor = start_date_seconds(self.config)
        pages = self.iter_pages(context, sort_key="created_time", cursor=cursor, read_ahead=True)
        if cursor:
            self.logger.info("Resuming the first sync of %s from a saved cursor", self.name)
            pages = self._resumed(context, pages, state)
        for page in pages:
            if started is None:
                # Whole seconds: a state value with a fraction reaches a loader as a Decimal,
                # which the SDK's own state writer cannot write.
                started = page.server_time or int(time.time())
            wanted = [
                record for record in page.records if floor is None or modified(record) >= floor
            ]
            self.before_page(wanted)
            yield from wanted
            if page.next_cursor:
                state["resume"] = {"cursor": page.next_cursor, "started_at": started}
        state.pop("resume", None)
        return started if started is not None else time.time()

    def _resumed(
        self, context: Context | None, pages: Iterator[Page], state: dict[str, t.Any]
    ) -> Iterator[Page]:
        """Pages from a saved cursor; if EngageBay no longer takes it, from the start, once.

        A cursor refused with a 400, a 404, an invalid-cursor answer or a 5xx after its retries
        is dropped from the state at once: a later run never tries it again.

        Args:
            context: The partition.
            pages: The listing from the saved cursor.
            state: The partition's state (its ``resume`` is dropped when refused).

        Yields:
            Pages.
        """
        try:
            first = next(pages)
        except StopIteration:
            return
        except (RetriableAPIError, BadRequestError, NotFoundError) as exc:
            self.logger.warning(
                "%s: the saved cursor was refused (%s); reading the list from the start",
                self.name,
                exc,
            )
            state.pop("resume", None)
            yield from self.iter_pages(context, sort_key="created_time", read_ahead=True)
            return
        yield first
        yield from pages

    def _read_changes(
        self, context: Context | None, bookmark: float
    ) -> Generator[dict[str, t.Any], None, float]:
        """The records changed since the bookmark, newest first, each pass stopping early.

        Stopping early is only right if the pages really come newest first: every page read
        is checked (non-increasing times, none far ahead of the server's clock); if one is
        not, the list is read in full instead, with a warning naming the cause.

        Args:
            context: The partition.
            bookmark: The bookmark, in epoch seconds.

        Yields:
            Raw records.

        Returns:
            The server time when reading started.
        """
        threshold = bookmark - self.lookback
        started: float | None = None
        seen: set[str] = set()
        for sort_key, time_key in (
            ("-updated_time", "updated_time"),
            ("-created_time", "created_time"),
        ):
            last: int | None = None
            for page in self.iter_pages(context, sort_key=sort_key):
                if started is None:
                    started = page.server_time or time.time()
                problem = _order_problem(page, time_key, last)
                if problem:
                    self.logger.warning(
                        "%s: the changes since the bookmark cannot be read newest first "
                        "(sort_key=%s: %s); reading the whole list instead",
                        self.name,
                        sort_key,
                        problem,
                    )
                    yield from self._read_all_since(context, threshold, seen)
                    return started
                if page.records:
                    last = epoch(page.records[-1].get(time_key))
                fresh = [r for r in page.records if epoch(r.get(time_key)) >= threshold]
                new = [r for r in fresh if str(r.get("id")) not in seen]
                seen.update(str(r.get("id")) for r in new)
                self.before_page(new)
                yield from new
                if len(fresh) < len(page.records):
                    break
        return started if started is not None else time.time()

    def _read_all_since(
        self, context: Context | None, threshold: float, seen: set[str]
    ) -> Iterator[dict[str, t.Any]]:
        """Every record modified since ``threshold``, from a full read of the list.

        Args:
            context: The partition.
            threshold: Epoch seconds.
            seen: Ids already emitted in this pass.

        Yields:
            Raw records.
        """
        for page in self.iter_pages(context, sort_key="created_time", read_ahead=True):
            new = [
                r for r in page.records if modified(r) >= threshold and str(r.get("id")) not in seen
            ]
            seen.update(str(r.get("id")) for r in new)
            self.before_page(new)
            yield from new

    def before_page(self, records: list[dict[str, t.Any]]) -> None:
        """Called with each page's records before they are emitted (a hook for prefetching).

        Args:
            records: The records about to be emitted.
        """

    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        """Add ``modified_time``, then fit the record to the schema.

        Args:
            row: The raw record.
            context: The partition.

        Returns:
            The record.
        """
        return self.fit_row({**row, MODIFIED: _modified(row)}, context)

    def fit_row(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        """Fit a raw record's copy, ``modified_time`` added, to the schema (the record's rules).

        Args:
            row: A copy of the raw record, with ``modified_time``, that the caller owns.
            context: The partition.

        Returns:
            The record.
        """
        return super().post_process(row, context)

    @property
    def epoch_fields(self) -> tuple[str, ...]:
        """Epoch-seconds keys, including the derived bookmark."""
        return (*self.epoch_seconds_fields, MODIFIED)

    def log_value_problems(self) -> None:
        """Warn once per batch of values that did not fit their columns."""
        counters = self.value_problems
        if counters:
            summary = ", ".join(f"{k} x{v}" for k, v in sorted(counters.items())[:20])
            self.logger.warning(
                "%s: %d values did not fit their column and were kept raw "
                "(in extra_fields or properties): %s",
                self.name,
                sum(counters.values()),
                summary,
            )
            counters.clear()


class PropertiesMixin(ListStream):
    """Streams whose records carry a ``properties`` array, spread into typed columns."""

    entity: str = ""
    base_columns: t.ClassVar[list[th.Property[t.Any]]] = []

    #: Why the custom field definitions could not be read: the stream fails at its turn.
    lookup_failure: Exception | None = None

    def make_property_map(self, known_columns: t.Mapping[str, t.Any] | None) -> PropertyMap:
        """Columns for this entity's SYSTEM and CUSTOM properties.

        If the definitions cannot be read, the schema has no custom columns and the stream
        fails when its turn comes (not the catalog, which would cost every stream its data).

        Args:
            known_columns: The custom fields' columns of earlier runs, or None for the
                names a first run gives.

        Returns:
            The map.
        """
        keys = [p.name for p in self.base_columns] + [MODIFIED, "extra_fields"]
        try:
            definitions = self.lookups.custom_field_definitions(self.entity)
        except Exception as exc:
            if isinstance(exc, GLOBAL_ERRORS):
                raise
            self.lookup_failure = exc
            definitions = []
        return PropertyMap(
            self.entity,
            record_keys=keys,
            custom_definitions=definitions,
            date_format=str(self.config.get("date_format", "DD/MM/YYYY")),
            known_columns=known_columns,
        )

    @cached_property
    def property_map(self) -> PropertyMap:
        """The columns of this run: each custom field's column of earlier runs, kept.

        The columns are remembered in the stream's state (``custom_columns``), written with
        its STATE messages.
        """
        known = known_columns(self.stream_state, self.name, self.logger)
        property_map = self.make_property_map(known)
        for note in property_map.notes:
            self.logger.warning("%s: %s", self.name, note)
        self.stream_state[CUSTOM_COLUMNS] = property_map.custom_columns
        return property_map

    def apply_catalog(self, catalog: Catalog) -> None:
        """Take a catalog, its custom-field columns renamed to this run's.

        A catalog from ``--discover`` names custom fields as a first run would; with a state,
        a field may keep another name (its column of earlier runs). The catalog's schema gets
        this run's columns, and each column the selection its field had in the catalog, so
        the SCHEMA message, the records and ``select`` patterns agree.

        Args:
            catalog: The input catalog (changed in place: the SDK's mapper reads it).
        """
        super().apply_catalog(catalog)
        entry = catalog.get_stream(self.name)
        if entry is None or not self.selected:
            return
        run = self.property_map
        first = self.make_property_map(None)
        schema_dict = entry.schema.to_dict()
        properties = schema_dict.setdefault("properties", {})
        metadata = entry.metadata
        old = {crumb: metadata[crumb] for crumb in list(metadata)}
        for field in [*first.by_identity.values(), *run.by_identity.values()]:
            properties.pop(field.column, None)
            metadata.pop(("properties", field.column), None)
        for identity, field in run.by_identity.items():
            properties[field.column] = field.json_schema
            was = first.by_identity.get(identity)
            crumbs = [("properties", c) for c in (was.column if was else "", field.column)]
            found = next((old[c] for c in crumbs if c in old), None)
            metadata[("properties", field.column)] = (
                copy.deepcopy(found)
                if found
                else Metadata(inclusion=Metadata.InclusionType.AVAILABLE)
            )
        entry.schema = Schema.from_dict(schema_dict)
        self._input_schema = schema_dict
        self._metadata = None
        self._mask = None

    @cached_property
    def schema(self) -> dict[str, t.Any]:
        """Record columns, then one typed column per property."""
        base = schema(
            self.base_columns,
            th.Property(MODIFIED, TIME),
            th.Property(RAW_PROPERTIES, json_array()),
        )
        base["properties"].update(self.property_map.schema_properties())
        return base

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Read as lists do, unless the custom field definitions could not be read.

        Args:
            context: The partition.

        Returns:
            Raw records.

        Raises:
            Exception: Why the definitions could not be read.
        """
        if self.lookup_failure is not None:
            raise self.lookup_failure
        return super().get_records(context)

    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        """Spread the properties into their columns.

        Args:
            row: The raw record.
            context: The partition.

        Returns:
            The record.
        """
        properties = row.get(RAW_PROPERTIES)
        typed, leftovers = self.property_map.flatten(
            properties, counter=self.value_problems, stream=self.name
        )
        keep_all = self.config.get("keep_raw_properties", True)
        raw = properties if keep_all else (leftovers or None)
        if type(raw) is not list:  # none, or not an array: the record's rules decide
            record = self.fit_row({**row, RAW_PROPERTIES: raw, MODIFIED: _modified(row)}, context)
            if record is None:
                return None
            record.update(scrub(typed))
            return record
        # An array goes to its column as it is: the record's rules need only its place. Every
        # typed column is made from the properties, so one NUL check of them covers all. One
        # copy of the raw record (``fit_row``), not one here and one for ``modified_time``.
        record = self.fit_row({**row, RAW_PROPERTIES: None, MODIFIED: _modified(row)}, context)
        if record is None:
            return None
        if has_nul(properties):
            raw, typed = scrub(raw), scrub(typed)
        record[RAW_PROPERTIES] = raw
        record.update(typed)
        return record


# ---- the shared record columns --------------------------------------------------------------

_OWNER = [th.Property("owner_id", ID), th.Property("owner", json_object())]
_TIMES = columns("created_time", "updated_time", kind=TIME)


class ContactsStream(PropertiesMixin):
    """Contacts (``POST /subscribers``)."""

    name = "contacts"
    path = "/subscribers"
    entity = "CONTACT"
    base_columns: t.ClassVar[list[th.Property[t.Any]]] = [
        th.Property("id", ID),
        *_OWNER,
        *columns("name", "firstname", "lastname", "fullname", "name_sort", "email", kind=TEXT),
        *columns("status", "entiy_group_name", kind=TEXT),
        th.Property("score", ID),
        th.Property("star_value", ID),
        *_TIMES,
        *columns(
            "companyIds",
            "contactIds",
            "listIds",
            "tags",
            "sources",
            "broadcastIds",
            "openedLinks",
            "emailProperties",
            "unsubscribeList",
            "emailBounceStatus",
            kind=json_array(),
        ),
        *columns("importedEntity", "forceCreate", "forceUpdate", kind=BOOL),
    ]

    def before_page(self, records: list[dict[str, t.Any]]) -> None:
        """Start fetching the page's notes and call logs while the page is emitted.

        Args:
            records: The contacts of the page.
        """
        for child in self.child_streams:
            if isinstance(child, ContactChildStream) and child.selected:
                child.prefetch([r.get("id") for r in records if r.get("id") is not None])

    def generate_child_contexts(
        self,
        record: dict[str, t.Any],
        context: Context | None,  # noqa: ARG002
    ) -> Iterable[Context | None]:
        """Notes and call logs are read per contact.

        Args:
            record: A contact.
            context: Unused.

        Yields:
            The contact's id.
        """
        if record.get("id") is not None:
            yield {"contact_id": record["id"]}


class CompaniesStream(PropertiesMixin):
    """Companies (``POST /companies``)."""

    name = "companies"
    path = "/companies"
    entity = "COMPANY"
    base_columns: t.ClassVar[list[th.Property[t.Any]]] = [
        th.Property("id", ID),
        *_OWNER,
        *columns("name", "name_sort", "url", "entiy_group_name", kind=TEXT),
        th.Property("score", ID),
        *_TIMES,
        *columns("tags", "contactIds", "companyIds", kind=json_array()),
        *columns("importedEntity", "forceCreate", kind=BOOL),
    ]


class DealsStream(PropertiesMixin):
    """Deals of every track (``POST /deals`` with ``track_id``, one partition per track)."""

    name = "deals"
    path = "/deals"
    entity = "DEAL"
    epoch_seconds_fields = ("created_time", "updated_time", "closed_date")
    base_columns: t.ClassVar[list[th.Property[t.Any]]] = [
        th.Property("id", ID),
        *_OWNER,
        *columns("name", "name_sort", "description", "milestoneLabelName", kind=TEXT),
        *columns("milestoneActualName", "currency_type", "entiy_group_name", kind=TEXT),
        th.Property("track_id", ID),
        th.Property("unique_id", ID),
        *columns("amount", "probability", kind=NUMBER),
        th.Property("closed_date", TIME),
        *_TIMES,
        *columns(
            "contact_ids",
            "company_ids",
            "deal_ids",
            "tags",
            "subscribers",
            "companies",
            kind=json_array(),
        ),
    ]

    @property
    def partitions(self) -> list[dict[str, t.Any]] | None:
        """One partition per deal track (``GET /tracks``): without one, only the default."""
        tracks = self.lookups.tracks()
        return [{"track_id": track_id} for track_id in tracks]

    def list_params(self, context: Context | None) -> dict[str, t.Any]:
        """The track of the partition.

        Args:
            context: The partition.

        Returns:
            ``track_id``.
        """
        return {"track_id": context["track_id"]} if context else {}

    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        """Keep the deal's own track id; the partition key is not a column.

        Args:
            row: The raw record.
            context: The partition.

        Returns:
            The record.
        """
        if row.get("track_id") in (None, "") and context:
            row = {**row, "track_id": context["track_id"]}
        return super().post_process(row, context)


class TasksStream(ListStream):
    """Tasks (``POST /tasks``)."""

    name = "tasks"
    path = "/tasks"
    epoch_seconds_fields = ("created_time", "updated_time", "closed_date")
    schema = schema(
        th.Property("id", ID),
        *_OWNER,
        *columns("name", "description", "name_sort", "type", "task_milestone", kind=TEXT),
        th.Property("entiy_group_name", TEXT),
        th.Property("is_due", BOOL),
        th.Property("queue_id", ID),
        th.Property("closed_date", TIME),
        *_TIMES,
        th.Property(MODIFIED, TIME),
        *columns(
            "contact_ids",
            "company_ids",
            "deal_ids",
            "task_ids",
            "subscribers",
            "companies",
            "deals",
            kind=json_array(),
        ),
    )


class TicketsStream(PropertiesMixin):
    """Tickets (``POST /tickets``)."""

    name = "tickets"
    path = "/tickets"
    entity = "TICKET"
    base_columns: t.ClassVar[list[th.Property[t.Any]]] = [
        th.Property("id", ID),
        *columns("requester_name", "requester_email", "subject", "source", kind=TEXT),
        *columns("created_by", "assigned_to", "html_body", kind=TEXT),
        *columns("subscriber_id", "group_id", "assignee_id", "last_note_id", kind=ID),
        *columns("status", "priority", "type", "public_notes_count", kind=ID),
        *columns("private_notes_count", "reopens_count", kind=ID),
        th.Property("is_spam", BOOL),
        th.Property("forceUpdate", BOOL),
        *_TIMES,
        th.Property("subscriber", json_object()),
        *columns("tags", "automationStatus", "references", kind=json_array()),
    ]


class ProductsStream(ListStream):
    """Products (``POST /products``)."""

    name = "products"
    path = "/products"
    schema = schema(
        th.Property("id", ID),
        th.Property("owner_id", ID),
        *columns("name", "description", "image_url", "discount_type", "currency", kind=TEXT),
        *columns("price", "discount", kind=NUMBER),
        *_TIMES,
        th.Property(MODIFIED, TIME),
        th.Property("properties", json_array()),
    )


# ---- children of contacts -------------------------------------------------------------------


class ContactChildStream(DirectRecordLines, EngageBayStream):
    """A per-contact list, read in full for each contact the contacts stream emits.

    On an incremental run that means the contacts created or changed since the last run; a
    full run (the nightly job) reads every contact's.
    """

    parent_stream_type = ContactsStream
    state_partitioning_keys: t.ClassVar[list[str]] = []
    http_method = "GET"
    paged = True
    paging_in = "query"

    @cached_property
    def _prefetched(self) -> dict[str, Future[list[dict[str, t.Any]]]]:
        return {}

    @cached_property
    def _answers(self) -> dict[str, int]:
        """Contacts read (``ok``) and answered 404 (``not_found``) so far, under a lock."""
        return {"ok": 0, "not_found": 0}

    _answers_lock = threading.Lock()

    def prefetch(self, contact_ids: list[t.Any]) -> None:
        """Fetch these contacts' records in the background (``max_concurrent_requests``).

        Args:
            contact_ids: Contacts about to be emitted.
        """
        pool = self.lane
        if pool is None or self.failure is not None:
            return
        for contact_id in contact_ids:
            key = str(contact_id)
            if key not in self._prefetched:
                context = {"contact_id": contact_id}
                self._prefetched[key] = pool.submit(self.read_contact, context)

    def read_contact(self, context: Context | None) -> list[dict[str, t.Any]]:
        """All records of one contact.

        A 404 means the contact disappeared meanwhile, once the endpoint has answered for
        some contact; a 404 for each of the first ``MISSING_AFTER`` contacts means the
        endpoint itself is missing.

        Args:
            context: ``{"contact_id": ...}``.

        Returns:
            Raw records; none when the contact disappeared meanwhile.

        Raises:
            NotFoundError: The endpoint is missing.
            Exception: Any other failure (the stream is marked failed at once, so that the
                reads queued for other contacts are not sent).
        """
        records: list[dict[str, t.Any]] = []
        try:
            try:
                for page in self.iter_pages(context, sort_key="created_time"):
                    records.extend(page.records)
            except NotFoundError as exc:
                with self._answers_lock:
                    self._answers["not_found"] += 1
                    gone = self._answers["ok"] or self._answers["not_found"] < MISSING_AFTER
                if not gone:
                    msg = (
                        f"{self.path} answered 404 for each of the first {MISSING_AFTER} "
                        f"contacts and never anything else: the endpoint is missing ({exc})"
                    )
                    raise NotFoundError(msg) from exc
                contact = context.get("contact_id") if context else None
                self.logger.warning(
                    "Contact %s disappeared while reading its %s", contact, self.name
                )
                self.unread_parents.add(str(contact))
                return records
        except Exception as exc:
            if not isinstance(exc, GLOBAL_ERRORS):
                with self._answers_lock:
                    self.failure = self.failure or exc
            raise
        with self._answers_lock:
            self._answers["ok"] += 1
        return records

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """All records of one contact, prefetched when possible.

        If the endpoint fails (after its retries), this stream fails alone: it is not asked
        again for any further contact, and the contacts and other streams go on.

        Args:
            context: ``{"contact_id": ...}``.

        Returns:
            Raw records.

        Raises:
            Exception: An error that ends the whole run (quota, refused key).
        """
        key = str(context.get("contact_id")) if context else ""
        future = self._prefetched.pop(key, None)
        try:
            if self.failure is None:
                return future.result() if future is not None else self.read_contact(context)
        except Exception as exc:
            if isinstance(exc, GLOBAL_ERRORS) or self.run_control.stop_error is not None:
                raise
            self.fail(exc)  # keeps the first failure
        if future is not None:
            future.cancel()
        if not self._failure_told:
            self._failure_told = True
            self.fail(self.failure or StreamStoppedError(self.name))
            self.logger.error(
                "Stream '%s' failed: %s. It is not requested again in this run; "
                "the contacts and the other streams go on",
                self.name,
                self.failure,
            )
        return []

    _failure_told = False

    def close_readers(self) -> None:
        """Cancel the contacts' reads not started yet."""
        super().close_readers()
        while self._prefetched:
            _, future = self._prefetched.popitem()
            future.cancel()

    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        """Link the record to its contact: ``contact_id`` is the id the list was read for.

        Args:
            row: The raw record.
            context: ``{"contact_id": ...}``.

        Returns:
            The record.
        """
        if context and context.get("contact_id") is not None:
            row = {**row, "contact_id": context["contact_id"]}
        return super().post_process(row, context)


class NotesStream(ContactChildStream):
    """Notes of each contact (``GET /notes``)."""

    name = "notes"
    path = "/notes"
    schema = schema(
        th.Property("id", ID),
        th.Property("contact_id", ID),
        th.Property("parentId", ID),
        th.Property("owner_id", ID),
        *columns("subject", "content", "type", "source", kind=TEXT),
        *columns("force", "createFollowUpTask", kind=BOOL),
        th.Property("syncIds", json_array()),
        *_TIMES,
    )

    def list_params(self, context: Context | None) -> dict[str, t.Any]:
        """The contact whose notes are listed.

        Args:
            context: The parent contact.

        Returns:
            ``parentId`` (and ``contact_id``, as the call-log endpoint names it).
        """
        if not context:
            return {}
        return {"parentId": context["contact_id"], "contact_id": context["contact_id"]}


class CallLogsStream(ContactChildStream):
    """Call logs of each contact (``GET /call-logs?contact_id=``)."""

    name = "call_logs"
    path = "/call-logs"
    epoch_seconds_fields = ("created_time", "updated_time", "started_at")
    schema = schema(
        th.Property("id", ID),
        th.Property("contact_id", ID),
        th.Property("owner_id", ID),
        *columns("call_id", "status", "status_legacy", "to_number", "from_number", kind=TEXT),
        *columns("account_id", "caller_type", "recording_url", "callType", kind=TEXT),
        th.Property("duration", ID),
        th.Property("call_cost", NUMBER),
        th.Property("started_at", TIME),
        *columns(
            "isManualEntry",
            "addNote",
            "forceUpdate",
            "isVoicemail",
            "reflectStatus",
            "inActive",
            kind=BOOL,
        ),
        *columns("notes", "sendNotificationsTo", kind=json_array()),
        th.Property("note", json_object()),
        *_TIMES,
    )

    def list_params(self, context: Context | None) -> dict[str, t.Any]:
        """The contact whose call logs are listed.

        Args:
            context: The parent contact.

        Returns:
            ``contact_id``.
        """
        return {"contact_id": context["contact_id"]} if context else {}


# ---- calendar events ------------------------------------------------------------------------


class EventsStream(DirectRecordLines, EngageBayStream):
    """Calendar events (``GET /calendar/event/list``), walked in millisecond windows.

    A first sync and every full pass walk from ``start_date`` (or 2015-01-01) to
    ``events_lookahead_days`` ahead; later syncs start ``events_lookback_days`` before the
    bookmark, so events added or moved within that span are read again. Events edited further
    back need a full sync.
    """

    name = "events"
    path = "/calendar/event/list"
    http_method = "GET"
    replication_key = "start_time"
    is_sorted = False
    epoch_seconds_fields = ("created_time", "updated_time")
    epoch_ms_fields = ("start_time", "end_time")
    schema = schema(
        th.Property("id", ID),
        *_OWNER,
        *columns("name", "color", "user_data", "user_time_zone", "source_type", kind=TEXT),
        th.Property("entiy_group_name", TEXT),
        th.Property("subscriber_id", ID),
        *columns("start_time", "end_time", kind=TIME),
        *_TIMES,
        *columns(
            "contact_ids",
            "company_ids",
            "deal_ids",
            "event_ids",
            "subscribers",
            "companies",
            "deals",
            kind=json_array(),
        ),
    )

    def windows(self, bookmark: str | None, now: float) -> Iterator[tuple[int, int]]:
        """The millisecond windows to read.

        Args:
            bookmark: The last bookmark, if any.
            now: The current time in epoch seconds.

        Yields:
            ``(start_ms, end_ms)`` pairs, inclusive, covering the span without gaps.
        """
        days = 86_400
        if bookmark:
            start = epoch_of_iso(bookmark) - int(self.config.get("events_lookback_days", 30)) * days
        else:
            start = start_date_seconds(self.config) or _EARLIEST_EVENT.timestamp()
        end = now + int(self.config.get("events_lookahead_days", 90)) * days
        step = int(self.config.get("events_window_days", 30)) * days
        lo = int(start)
        while lo <= end:
            hi = min(lo + step, int(end) + 1)
            yield lo * 1000, hi * 1000 - 1
            lo = hi

    def warm_up(self) -> None:
        """Start reading the first windows."""
        self._warm_windows = self._window_reader(self.get_context_state(None))

    _warm_windows: tuple[float, Iterable[list[dict[str, t.Any]]]] | None = None

    def _window_reader(
        self, state: dict[str, t.Any]
    ) -> tuple[float, Iterable[list[dict[str, t.Any]]]]:
        """The sync's clock and its windows' events, read ahead in the tap's thread pool."""
        now = time.time()
        # The full pass reads every window: an event it skips would look deleted.
        full = self.replication_method == "FULL_TABLE"
        windows = list(self.windows(None if full else state.get("replication_key_value"), now))
        pool = self.lane
        if pool is None:
            return now, map(self.read_window, windows)
        # The windows are independent: read them in the pool, a bounded number ahead.
        ahead = WINDOWS_AHEAD_PER_REQUEST * self.run_control.max_in_flight
        return now, OrderedPrefetch(self.read_window, windows, pool=pool, ahead=ahead)

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Every event in every window.

        Args:
            context: Unused.

        Yields:
            Raw events, each window's sorted by start time.
        """
        state = self.get_context_state(context)
        warm, self._warm_windows = self._warm_windows, None
        now, pages = warm if warm is not None else self._window_reader(state)
        for records in pages:
            yield from sorted(records, key=lambda r: epoch(r.get("start_time")))
        state["replication_key_signpost"] = epoch_to_iso(int(now * 1000), milliseconds=True)

    def close_readers(self) -> None:
        """Cancel the windows read ahead and not used."""
        super().close_readers()
        warm, self._warm_windows = self._warm_windows, None
        if warm is not None and isinstance(warm[1], OrderedPrefetch):
            warm[1].close()

    def read_window(self, window: tuple[int, int]) -> list[dict[str, t.Any]]:
        """The events of one millisecond window.

        Args:
            window: ``(start_ms, end_ms)``, inclusive.

        Returns:
            Raw events.
        """
        start_ms, end_ms = window
        request = self.build_prepared_request(
            method="GET",
            url=self.get_url(None),
            params={"start_time": start_ms, "end_time": end_ms, "source_type": "API"},
            headers=self.http_headers,
        )
        return self.records_of(payload_of(self.send(request, None)), self.path)


# ---- small unpaged lists --------------------------------------------------------------------


class UnpagedStream(DirectRecordLines, EngageBayStream):
    """A GET returning the whole list at once."""

    http_method = "GET"

    def warm_up(self) -> None:
        """Start the one request now (``get_records`` takes its answer)."""
        pool = self.lane
        if pool is not None:
            self._warm_fetch = pool.submit(self.fetch, None)


class TracksStream(UnpagedStream):
    """Deal tracks (pipelines) with their milestones (stages)."""

    name = "tracks"
    path = "/tracks"
    schema = schema(
        th.Property("id", ID),
        th.Property("name", TEXT),
        th.Property("isDefault", BOOL),
        th.Property("milestones", json_array()),
        *_TIMES,
    )

    def warm_up(self) -> None:
        """Nothing to start: the tap reads its lookups together, once."""

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:  # noqa: ARG002
        """The tracks, shared with the deals stream's partitions (one request).

        Args:
            context: Unused.

        Returns:
            The tracks.
        """
        return list(self.lookups.track_records())


class OwnersStream(UnpagedStream):
    """Users of the account (``GET /users``), the owners of records."""

    name = "owners"
    path = "/users"
    epoch_seconds_fields = ("created_time", "updated_time", "loggedin_time")
    #: Never copied: a password has no place in a warehouse.
    secret_keys = frozenset({"password", "password_decrypted"})
    schema = schema(
        *columns("id", "domain_id", "domainId", "time_zone_offset", kind=ID),
        *columns("email", "name", "job_title", "role", "phone_number", "language", kind=TEXT),
        *columns(
            "time_zone", "misc_info", "profile_img_url", "category", "signupSource", kind=TEXT
        ),
        *columns("is_admin", "is_verified", "is_owner", "is_signup_process_completed", kind=BOOL),
        th.Property("loggedin_time", TIME),
        *_TIMES,
    )

    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        """Drop password fields, then fit the record.

        Args:
            row: The raw user.
            context: Unused.

        Returns:
            The record.
        """
        return super().post_process(
            {k: v for k, v in row.items() if k not in self.secret_keys}, context
        )


class CustomFieldsStream(UnpagedStream):
    """Custom field definitions of the four entity types (``/customfields/list/{scope}``)."""

    name = "custom_fields"
    path = "/customfields/list/{scope}"
    schema = schema(
        th.Property("id", ID),
        *columns("scope", "field_type", "field_name", "field_label", kind=TEXT),
        *columns("field_label_case_sensitive", "field_description", "field_data", kind=TEXT),
        th.Property("version", TEXT),
        *columns("is_required", "is_searchable", "showInFilter", "saveSilent", kind=BOOL),
        th.Property("position", ID),
        *_TIMES,
    )

    @property
    def partitions(self) -> list[dict[str, t.Any]]:
        """One partition per entity type."""
        return [{"scope": scope} for scope in CUSTOM_SCOPES]

    def warm_up(self) -> None:
        """Nothing to start: the tap reads its lookups together, once."""

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """The definitions of one scope, shared with the schema discovery (one request).

        Args:
            context: ``{"scope": ...}``.

        Yields:
            The definitions, each with its scope.
        """
        scope = context["scope"] if context else "CONTACT"
        for definition in self.lookups.custom_field_definitions(scope):
            yield {**definition, "scope": definition.get("scope") or scope}


class TagsStream(UnpagedStream):
    """Tags of the account (``GET /tags``)."""

    name = "tags"
    path = "/tags"
    primary_keys: t.ClassVar[list[str]] = ["tag"]
    schema = schema(th.Property("tag", TEXT), th.Property("created_time", TIME))


class ContactListsStream(UnpagedStream):
    """Contact lists (``GET /contactlist``)."""

    name = "contact_lists"
    path = "/contactlist"
    schema = schema(
        th.Property("id", ID),
        *_OWNER,
        th.Property("name", TEXT),
        *_TIMES,
    )


class FormsStream(UnpagedStream):
    """Forms (``GET /forms``)."""

    name = "forms"
    path = "/forms"
    schema = schema(
        th.Property("id", ID),
        th.Property("owner_id", ID),
        *columns("name", "alias_name", "formHtml", "form_attributes", "form_style", kind=TEXT),
        *columns("version", "thumbnail", kind=TEXT),
        th.Property("enable_whitelabel", BOOL),
        *columns("incentiveEmail", "formStats", kind=json_object()),
        *_TIMES,
    )


STREAM_TYPES: tuple[type[EngageBayStream], ...] = (
    ContactsStream,
    CompaniesStream,
    DealsStream,
    TasksStream,
    TicketsStream,
    ProductsStream,
    NotesStream,
    CallLogsStream,
    EventsStream,
    TracksStream,
    OwnersStream,
    CustomFieldsStream,
    TagsStream,
    ContactListsStream,
    FormsStream,
)

"""ActiveCampaign streams: a class per resource that needs one, a table row per plain list."""

from __future__ import annotations

import re
import typing as t
from functools import cached_property

from singer_sdk import typing as th
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from crm_core.columns import ID, NUMBER, TEXT, TIME, json_array, json_object, schema
from crm_core.custom_fields import columns_for_run
from crm_core.errors import AuthenticationError, NotFoundError, UnreachableHostError
from crm_core.incremental import RESUME
from crm_core.offset_paging import records_in
from tap_activecampaign.client import ACStream, now, seconds_of, utc_iso
from tap_activecampaign.fields import FieldColumns, parse

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from singer_sdk.helpers.types import Context

MODIFIED = "modified_at"
READ_UNTIL = "read_until"
#: Keys of ActiveCampaign records holding times.
TIME_KEYS = (
    "cdate",
    "udate",
    "mdate",
    "edate",
    "adate",
    "sdate",
    "ldate",
    "tstamp",
    "created_timestamp",
    "updated_timestamp",
    "created_utc_timestamp",
    "updated_utc_timestamp",
    "createdTimestamp",
    "updatedTimestamp",
    "createdDate",
    "updatedDate",
    "created_date",
    "updated_date",
    "duedate",
    "bounced_date",
    "deleted_at",
    "lastlogin",
    "last_login",
    "seriesid_date",
    "external_created_date",
    "external_updated_date",
    "externalCreatedDate",
    "externalUpdatedDate",
    "abandonedDate",
    "abandoned_date",
    "last_click_date",
    "last_open_date",
    "last_mpp_open_date",
    "rating_tstamp",
    "socialdata_lastcheck",
    "winProbabilityMdate",
    "orderDate",
    "order_date",
    "completed_date",
    "lastdate",
)


def cols(
    *, ids: str = "", times: str = "", text: str = "", numbers: str = ""
) -> list[th.Property[t.Any]]:
    """Columns named in space-separated lists, by type.

    Args:
        ids: Integer columns (ids arrive as strings; they become exact integers).
        times: ISO-8601 times.
        text: Text columns.
        numbers: Number columns.

    Returns:
        The properties.
    """
    out: list[th.Property[t.Any]] = []
    for names, kind in ((ids, ID), (times, TIME), (text, TEXT), (numbers, NUMBER)):
        out.extend(th.Property(name, kind) for name in names.split())
    return out


LINKS = th.Property("links", json_object())


def any_json() -> th.CustomType:
    """A custom field value as sent: a list or an object as such, any other value as text."""
    return th.CustomType({"type": ["string", "array", "object", "null"]})


class ListStream(ACStream):
    """A list read in full each run, by offset (the API has no change filter for it)."""

    time_keys = TIME_KEYS
    resume_note = "An interrupted run resumes from the offset saved in `resume`."


def list_stream(
    name: str, what: str, *props: th.Property[t.Any] | list[th.Property[t.Any]]
) -> type[ListStream]:
    """A declarative full-list stream class: endpoint and envelope key are the camel-case name.

    Args:
        name: Stream name (``deal_stages``: ``GET /dealStages``, records under ``dealStages``).
        what: What the list holds, for the class docstring.
        props: Columns (``extra_fields`` and ``links`` are added).

    Returns:
        The class.
    """
    key = re.sub(r"_(\w)", lambda m: m.group(1).upper(), name)
    return type(
        f"{name.title().replace('_', '')}Stream",
        (ListStream,),
        {
            "__doc__": f"{what} (``GET /{key}``).",
            "name": name,
            "path": f"/{key}",
            "records_key": key,
            "schema": schema(*props, LINKS),
            "__module__": __name__,
        },
    )


# ---- custom-field streams: contacts, deals, accounts ---------------------------------------


class CustomFieldStream(ACStream):
    """A stream whose custom field values (a long table) become typed ``cf_`` columns.

    Each run reads the definitions (``meta_path``) and the whole long table (``values_path``:
    the API has no change filter on it), keeps each record's values, and notes the records
    with a value changed since the last run; those are read again even when their own
    update time did not move.
    """

    time_keys = TIME_KEYS
    replication_key = MODIFIED
    is_sorted = False
    base_columns: t.ClassVar[list[th.Property[t.Any]]] = []
    meta_path = ""
    meta_key = ""
    meta_type_keys: tuple[str, ...] = ("type", "fieldType")
    meta_name_keys: tuple[str, ...] = ("title", "fieldLabel", "label")
    values_path = ""
    values_key = ""
    owner_keys: tuple[str, ...] = ()
    field_keys: tuple[str, ...] = ("field", "customFieldId", "custom_field_id")
    value_keys: tuple[str, ...] = ("value", "fieldValue")
    change_keys: tuple[str, ...] = (
        "udate",
        "updated_timestamp",
        "updatedTimestamp",
        "cdate",
        "created_timestamp",
        "createdTimestamp",
    )
    #: The single-record path and key, to read again a record whose values changed.
    one_key = ""
    resume_note = (
        "The bookmark moves when the stream ends; an interrupted run reads again from the "
        "previous bookmark, or, on a first sync, from the place saved in `resume`."
    )

    # ---- definitions and columns ---------------------------------------------------------

    def definitions(self) -> list[tuple[str, str, str]]:
        """Every custom field: ``(id, name, type)``; none when they cannot be read.

        Returns:
            The definitions.
        """
        out: list[tuple[str, str, str]] = []
        try:
            for page, _ in self.iter_offset_pages(
                None, endpoint=("GET", self.meta_path), key=self.meta_key
            ):
                for item in page.records:
                    field_id = item.get("id")
                    if field_id is None:
                        continue
                    name = next((str(item[k]) for k in self.meta_name_keys if item.get(k)), "")
                    kind = next((str(item[k]) for k in self.meta_type_keys if item.get(k)), "")
                    out.append((str(field_id), name, kind))
        except (AuthenticationError, UnreachableHostError):
            raise
        except (FatalAPIError, RetriableAPIError) as exc:
            self.logger.warning(
                "%s: could not read the custom field definitions (%s); the columns of earlier "
                "runs serve, values of other fields stay in the long table only",
                self.name,
                self.redact(str(exc)),
            )
        return out

    @cached_property
    def fields(self) -> FieldColumns:
        """This run's custom columns: the state's, and one for each field defined now."""
        reserved = [p.name for p in self.base_columns] + [MODIFIED, "extra_fields", "links"]
        return columns_for_run(
            self.stream_state,
            self.name,
            self.logger,
            lambda known: FieldColumns(
                reserved=reserved, known=known, definitions=self.definitions()
            ),
        )

    @cached_property
    def schema(self) -> dict[str, t.Any]:
        """Record columns, the bookmark, then one typed column per custom field."""
        base = schema(self.base_columns, th.Property(MODIFIED, TIME), LINKS)
        base["properties"].update(self.fields.schema_properties())
        return base

    # ---- the long table of values ----------------------------------------------------------

    _values: dict[str, list[tuple[str, t.Any]]]
    _changed: set[str]

    def load_values(self, since: float | None) -> None:
        """Read the whole long table: each record's values, and who changed since a time.

        Args:
            since: Epoch seconds; None on a first sync (nothing is "changed").
        """
        values: dict[str, list[tuple[str, t.Any]]] = {}
        changed: set[str] = set()
        for page, _ in self.iter_offset_pages(
            None, endpoint=("GET", self.values_path), key=self.values_key
        ):
            for item in page.records:
                owner = next((item[k] for k in self.owner_keys if item.get(k) is not None), None)
                field = next((item[k] for k in self.field_keys if item.get(k) is not None), None)
                if owner is None or field is None:
                    continue
                value = next((item[k] for k in self.value_keys if k in item), None)
                values.setdefault(str(owner), []).append((str(field), value))
                if since is not None:
                    times = [seconds_of(item.get(k)) for k in self.change_keys]
                    if max((x for x in times if x is not None), default=0) >= since:
                        changed.add(str(owner))
        self._values, self._changed = values, changed

    # ---- reading -------------------------------------------------------------------------

    _started: float | None = None

    def fetch(self, context: Context | None, **kwargs: t.Any) -> tuple[t.Any, int | None]:  # noqa: ANN401
        """Send one request, noting the server's time of the run's first answer.

        Args:
            context: The partition or parent context.
            kwargs: As for ``CRMStream.fetch``.

        Returns:
            The body and the server time.
        """
        payload, server_time = super().fetch(context, **kwargs)
        if self._started is None:
            self._started = float(server_time) if server_time else now()
        return payload, server_time

    def since(self, state: dict[str, t.Any]) -> float | None:
        """Where an incremental read starts: the last read's start less ``lookback_window``.

        Args:
            state: The stream's state.

        Returns:
            Epoch seconds, or None for a first sync.
        """
        if self.replication_method == "FULL_TABLE":
            return None
        mark = seconds_of(state.get(READ_UNTIL)) or seconds_of(state.get("replication_key_value"))
        if mark is None:
            return None
        return mark - int(self.config.get("lookback_window", 600))

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """The changes since the last run, or every record on a first sync.

        Args:
            context: None.

        Yields:
            Raw records.
        """
        state = self.get_context_state(context)
        since = self.since(state)
        resume = state.get(RESUME) if isinstance(state.get(RESUME), dict) else None
        self._started = seconds_of(resume.get("started_at")) if resume else None
        self.load_values(since)
        seen: set[str] = set()
        reads = self.first_sync(context, state) if since is None else self.changes(context, since)
        for record in reads:
            seen.add(str(record.get("id")))
            yield record
        if since is not None:
            for record_id in sorted(self._changed - seen, key=lambda x: (len(x), x)):
                yield from self.read_one(context, record_id)
        started = self._started if self._started is not None else now()
        state.pop(RESUME, None)
        state[READ_UNTIL] = utc_iso(started)
        self.state_manager.is_flushed = False
        self.log_value_problems()

    def first_sync(
        self, context: Context | None, state: dict[str, t.Any]
    ) -> Iterator[dict[str, t.Any]]:
        """Every record, resumable (by offset unless a stream pages otherwise).

        Args:
            context: None.
            state: The stream's state.

        Yields:
            Raw records.
        """
        floor = self.start_seconds
        for record in self.read_offset_resumable(context, self.first_sync_params()):
            self._keep_started(state)
            if floor is None or (self.modified_seconds(record) or floor) >= floor:
                yield record

    def first_sync_params(self) -> dict[str, t.Any]:
        """Parameters of a first sync's pages.

        Returns:
            None by default.
        """
        return {}

    def _keep_started(self, state: dict[str, t.Any]) -> None:
        resume = state.get(RESUME)
        if isinstance(resume, dict) and self._started is not None:
            resume["started_at"] = utc_iso(self._started)

    def changes(self, context: Context | None, since: float) -> Iterator[dict[str, t.Any]]:
        """Records updated or created since a time, each once.

        The created filter finds new records whose update time is not set.

        Args:
            context: None.
            since: Epoch seconds.

        Yields:
            Raw records.
        """
        seen: set[str] = set()
        for key in ("filters[updated_after]", "filters[created_after]"):
            for page, _ in self.iter_offset_pages(context, extra={key: utc_iso(since)}):
                for record in page.records:
                    if str(record.get("id")) not in seen:
                        seen.add(str(record.get("id")))
                        yield record

    def read_one(self, context: Context | None, record_id: str) -> Iterator[dict[str, t.Any]]:
        """One record by id (its values changed); nothing if it is gone.

        Args:
            context: None.
            record_id: Its id.

        Yields:
            The raw record.
        """
        try:
            payload, _ = self.fetch(context, endpoint=("GET", f"{self.path}/{record_id}"))
        except NotFoundError:
            return
        yield from records_in(payload, self.one_key)

    @property
    def start_seconds(self) -> float | None:
        """The ``start_date`` setting in epoch seconds, if set."""
        return seconds_of(self.config.get("start_date"))

    @staticmethod
    def modified_seconds(record: t.Mapping[str, t.Any]) -> float | None:
        """The later of a raw record's update and create times.

        Args:
            record: The raw record.

        Returns:
            Epoch seconds, or None.
        """
        keys = (
            "udate",
            "updated_timestamp",
            "updatedTimestamp",
            "mdate",
            "cdate",
            "created_timestamp",
            "createdTimestamp",
        )
        found = [x for x in (seconds_of(record.get(k)) for k in keys) if x is not None]
        return max(found) if found else None

    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        """Add the bookmark and the typed custom columns, then fit the record to the schema.

        Args:
            row: The raw record.
            context: None.

        Returns:
            The record.
        """
        modified = self.modified_seconds(row)
        record = super().post_process(
            {**row, MODIFIED: utc_iso(modified) if modified is not None else None}, context
        )
        if record is None:
            return None
        values = getattr(self, "_values", {}).get(str(row.get("id")), [])
        record.update(self.fields.flatten(values, self.value_problems, self.name))
        return record


CONTACT_COLUMNS = [
    *cols(ids="id orgid organization created_by updated_by mpp_tracking", text="segmentio_id"),
    *cols(times="last_click_date last_open_date last_mpp_open_date rating_tstamp"),
    *cols(times="socialdata_lastcheck"),
    *cols(times="cdate udate adate edate created_timestamp updated_timestamp bounced_date"),
    *cols(times="created_utc_timestamp updated_utc_timestamp deleted_at"),
    *cols(text="email phone firstName lastName orgname ip ua hash email_local email_domain"),
    *cols(ids="bounced_hard bounced_soft sentcnt deleted anonymized gravatar"),
    th.Property("scoreValues", json_array()),
    th.Property("accountContacts", json_array()),
]


class ContactsStream(CustomFieldStream):
    """Contacts (``GET /contacts``), their ``fieldValues`` as ``cf_`` columns.

    The first sync pages by id (``orders[id]=ASC`` with ``id_greater``), not by offset:
    records added during a long read are not skipped and no record is read twice; the state
    holds the last id read, so a stopped first sync resumes after it.
    """

    name = "contacts"
    path = "/contacts"
    records_key = "contacts"
    one_key = "contact"
    base_columns = CONTACT_COLUMNS
    meta_path = "/fields"
    meta_key = "fields"
    values_path = "/fieldValues"
    values_key = "fieldValues"
    owner_keys = ("contact", "contactid", "contact_id")

    def first_sync(
        self, context: Context | None, state: dict[str, t.Any]
    ) -> Iterator[dict[str, t.Any]]:
        """Every contact by id, the last id read saved after each page.

        Args:
            context: None.
            state: The stream's state.

        Yields:
            Raw contacts.
        """
        resume = state.get(RESUME)
        saved = resume.get("id_greater") if isinstance(resume, dict) else None
        after = int(saved) if isinstance(saved, int | str) and str(saved).isdigit() else 0
        if after:
            self.logger.info("%s: resuming the first sync after id %d", self.name, after)
        floor = self.start_seconds
        for records, last in self.pages_by_id(context, {}, after):
            for record in records:
                if floor is None or (self.modified_seconds(record) or floor) >= floor:
                    yield record
            if last is not None:
                state[RESUME] = {"id_greater": last}
                self._keep_started(state)
                self.state_manager.is_flushed = False

    def changes(self, context: Context | None, since: float) -> Iterator[dict[str, t.Any]]:
        """Contacts updated or created since a time, each once, paged by id.

        Args:
            context: None.
            since: Epoch seconds.

        Yields:
            Raw contacts.
        """
        seen: set[str] = set()
        for key in ("filters[updated_after]", "filters[created_after]"):
            for records, _ in self.pages_by_id(context, {key: utc_iso(since)}, 0):
                for record in records:
                    if str(record.get("id")) not in seen:
                        seen.add(str(record.get("id")))
                        yield record

    def pages_by_id(
        self, context: Context | None, extra: dict[str, t.Any], after: int
    ) -> Iterator[tuple[list[dict[str, t.Any]], int | None]]:
        """Pages of contacts in id order (``orders[id]=ASC`` with ``id_greater``).

        Args:
            context: None.
            extra: More parameters for every page (a change filter).
            after: The last id already read (0: from the start).

        Yields:
            Each page's contacts and the last id read, None after the last page (a short
            page, 100 being the API's most, or one with no newer id).
        """
        while True:
            params = {**extra, "orders[id]": "ASC", "id_greater": after, "limit": self.page_size}
            payload, _ = self.fetch(context, extra=params)
            records = self.records_of(payload)
            self.progress.page()
            ids = [int(r["id"]) for r in records if str(r.get("id", "")).isdigit()]
            more = bool(ids) and max(ids) > after and len(records) >= self.page_size
            last = max(ids) if more else None
            yield records, last
            if last is None:
                return
            after = last


class DealsStream(CustomFieldStream):
    """Deals (``GET /deals``), their ``dealCustomFieldData`` as ``cf_`` columns.

    The first sync pages by offset, oldest first (``orders[cdate]=ASC``): deals created during
    the read come after the offset, but a deal deleted before it moves the rest back by one
    (one deal skipped until the next run reads it as changed... only if it changes).
    """

    name = "deals"
    path = "/deals"
    records_key = "deals"
    one_key = "deal"
    base_columns: t.ClassVar[list[th.Property[t.Any]]] = [
        *cols(ids="id owner contact organization account group stage status percent"),
        *cols(ids="winProbability nexttaskid nextdealid activitycount customerAccount"),
        *cols(times="winProbabilityMdate"),
        *cols(text="title description currency hash isDisabled"),
        *cols(numbers="value"),
        *cols(times="cdate mdate edate nextdate created_timestamp updated_timestamp"),
    ]
    meta_path = "/dealCustomFieldMeta"
    meta_key = "dealCustomFieldMeta"
    values_path = "/dealCustomFieldData"
    values_key = "dealCustomFieldData"
    owner_keys = ("dealId", "deal_id", "deal")

    def first_sync_params(self) -> dict[str, t.Any]:
        """Oldest first: deals created meanwhile come after the offset.

        Returns:
            The order.
        """
        return {"orders[cdate]": "ASC"}

    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        """A deal's ``value`` comes in cents: the column holds units.

        Args:
            row: The raw deal.
            context: None.

        Returns:
            The record.
        """
        record = super().post_process(row, context)
        if record is not None and isinstance(record.get("value"), int | float):
            record["value"] = parse("currency", record["value"])
        return record


class AccountsStream(CustomFieldStream):
    """Accounts (``GET /accounts``), their ``accountCustomFieldData`` as ``cf_`` columns.

    The API has no change filter on accounts: every run reads them all, by offset.
    """

    name = "accounts"
    path = "/accounts"
    records_key = "accounts"
    one_key = "account"
    replication_key = None  # type: ignore[assignment]
    base_columns: t.ClassVar[list[th.Property[t.Any]]] = [
        *cols(ids="id owner contactCount dealCount"),
        *cols(text="name accountUrl"),
        *cols(times="createdTimestamp updatedTimestamp"),
    ]
    meta_path = "/accountCustomFieldMeta"
    meta_key = "accountCustomFieldMeta"
    values_path = "/accountCustomFieldData"
    values_key = "accountCustomFieldData"
    owner_keys = ("customerAccountId", "accountId", "account_id", "account")

    def since(self, state: dict[str, t.Any]) -> float | None:  # noqa: ARG002
        """Always a full read.

        Args:
            state: Unused.

        Returns:
            None.
        """
        return None


# ---- lists read in full each run ---------------------------------------------------------

_C = cols
#: What each list holds and its columns, in the order the catalog lists them.
LISTS: dict[str, tuple[str, *tuple[th.Property[t.Any] | list[th.Property[t.Any]], ...]]] = {
    "account_contacts": (
        "Contacts' links to accounts",
        _C(ids="id account contact", text="jobTitle", times="createdTimestamp updatedTimestamp"),
    ),
    "deal_stages": (
        "Deal stages of every pipeline",
        _C(ids="id group order width", text="title color dealOrder", times="cdate udate"),
        _C(text="cardRegion1 cardRegion2 cardRegion3 cardRegion4 cardRegion5"),
    ),
    "deal_groups": (
        "Pipelines",
        _C(ids="id allgroups allusers autoassign", text="title currency", times="cdate udate"),
        [th.Property(name, json_array()) for name in ("stages", "users", "groups")],
    ),
    "deal_tasks": (
        "Tasks on deals and contacts",
        _C(ids="id relid dealTasktype d_tasktypeid status user assignee automation userid done"),
        _C(text="title note ownerType reltype", times="duedate edate cdate udate done_date"),
        th.Property("owner", json_object()),
    ),
    "notes": (
        "Notes on contacts, deals and accounts",
        _C(ids="id relid userid user is_draft", text="note reltype"),
        _C(times="cdate mdate"),
        th.Property("owner", json_object()),
    ),
    "tags": (
        "Tags",
        _C(ids="id subscriber_count created_by updated_by", text="tag tagType description"),
        _C(times="cdate created_timestamp updated_timestamp"),
    ),
    "contact_tags": (
        "Tags on contacts",
        _C(ids="id contact tag", times="cdate created_timestamp updated_timestamp"),
        _C(ids="created_by updated_by"),
    ),
    "lists": (
        "Lists",
        _C(ids="id user userid subscriber_count send_last_broadcast private"),
        _C(text="name stringid sender_url sender_reminder carboncopy", times="cdate udate"),
        _C(ids="p_use_tracking p_use_analytics_read p_use_captcha optinoptout"),
        _C(text="sender_name sender_addr1 sender_city sender_country to_name"),
        _C(text="subscription_notify unsubscription_notify"),
        _C(times="deletestamp updated_timestamp"),
    ),
    "contact_lists": (
        "Contacts' list subscriptions",
        _C(ids="id contact list form seriesid status responder sync campaign message"),
        _C(text="unsubreason"),
        _C(ids="first_name_id sourceid automation autosyncLog ip4Sub ip4Unsub ip4_last"),
        _C(text="first_name last_name unsubreason_text", times="sdate udate created_timestamp"),
        _C(ids="created_by updated_by unsubscribeAutomation", times="updated_timestamp"),
    ),
    "automations": (
        "Automations",
        _C(ids="id status userid entered exited hidden", text="name screenshot defaultscreenshot"),
        _C(times="cdate mdate"),
    ),
    "contact_automations": (
        "Contacts in automations",
        _C(ids="id contact seriesid startid status batchid completedElements totalElements"),
        _C(ids="completed completeValue automation lastblock lastlogid in_als"),
        _C(times="adddate remdate timespan lastdate"),
        _C(text="adddate_utc remdate_utc"),
    ),
    "campaigns": (
        "Campaigns",
        _C(ids="id userid segmentid bounceid realcid sendid threadid seriesid formid"),
        _C(ids="basetemplateid basemessageid addressid status public mailer_log_file"),
        _C(ids="send_amt total_amt opens uniqueopens linkclicks uniquelinkclicks subscriberclicks"),
        _C(ids="forwards uniqueforwards hardbounces softbounces unsubscribes unsubreasons"),
        _C(ids="updates socialshares replies uniquereplies trackreads user automation"),
        _C(text="name type source tracklinks screenshot", times="cdate mdate sdate ldate"),
    ),
    "messages": (
        "Email messages",
        _C(ids="id userid ed_instanceid ed_version", text="fromname fromemail reply2 priority"),
        _C(text="charset encoding format subject preheader_text text html htmlfetch textfetch"),
        _C(text="hidden prev_id name", ids="prev_mid modified_by user", times="cdate mdate"),
    ),
    "forms": (
        "Forms",
        _C(ids="id userid addressid allowdupes emailconfirm", text="name action actiondata submit"),
        _C(text="layout url", times="cdate udate"),
        th.Property("options", any_json()),
        th.Property("style", json_object()),
    ),
    "segments": (
        "Segments",
        _C(ids="id hidden seriesid created_by updated_by", text="name logic", times="cdate udate"),
        _C(times="created_timestamp updated_timestamp"),
    ),
    "users": (
        "Users",
        _C(ids="id mfaEnabled", text="username firstName lastName email phone signature lang"),
        _C(text="localZoneid", times="cdate udate lastlogin"),
    ),
    "groups": (
        "User groups and their permissions",
        _C(ids="id unsubscribelink optinconfirm pgListAdd pgContactAdd pgDealAdd reqApproval"),
        _C(text="title descript"),
    ),
    "fields": (
        "Contact custom field definitions",
        _C(ids="id isrequired visible ordernum", text="title descript type perstag defval service"),
        _C(text="show_in_list rows cols", times="cdate udate"),
        th.Property("options", json_array()),
        th.Property("relations", json_array()),
    ),
    "field_values": (
        "Contacts' custom field values, one row per contact and field",
        _C(ids="id contact field owner", text="value", times="cdate udate"),
        _C(ids="created_by updated_by"),
    ),
    "deal_custom_field_meta": (
        "Deal custom field definitions",
        _C(ids="id isRequired displayOrder isFormVisible hideFieldFlag", text="personalization"),
        _C(text="fieldLabel fieldType fieldDefaultCurrency knownFieldId dealgroup"),
        _C(times="createdTimestamp updatedTimestamp"),
        th.Property("fieldOptions", json_array()),
        th.Property("fieldDefault", any_json()),
    ),
    "deal_custom_field_data": (
        "Deals' custom field values as sent",
        _C(ids="id dealId customFieldId", text="fieldCurrency"),
        _C(times="createdTimestamp updatedTimestamp"),
        th.Property("fieldValue", any_json()),
    ),
    "account_custom_field_meta": (
        "Account custom field definitions",
        _C(ids="id isRequired displayOrder isFormVisible hideFieldFlag", text="personalization"),
        _C(text="fieldLabel fieldType fieldDefaultCurrency knownFieldId"),
        _C(times="createdTimestamp updatedTimestamp"),
        th.Property("fieldOptions", json_array()),
        th.Property("fieldDefault", any_json()),
    ),
    "account_custom_field_data": (
        "Accounts' custom field values as sent",
        _C(ids="id customerAccountId accountId customFieldId", text="fieldCurrency"),
        _C(times="createdTimestamp updatedTimestamp"),
        th.Property("fieldValue", any_json()),
    ),
    "ecom_customers": (
        "E-commerce customers",
        _C(ids="id connectionid totalRevenue totalOrders totalProducts avgRevenuePerOrder"),
        _C(text="externalid"),
        _C(ids="acceptsMarketing connection", text="email tstamp currency avgProductCategory"),
        _C(times="created_date updated_date"),
    ),
    "ecom_orders": (
        "E-commerce orders; amounts in cents, as the API sends them",
        _C(ids="id customerid connectionid state source totalPrice shippingAmount taxAmount"),
        _C(ids="discountAmount totalProducts connection customer"),
        _C(times="externalCreatedDate externalUpdatedDate abandonedDate"),
        _C(text="externalid externalcheckoutid email currency orderNumber orderUrl"),
        _C(text="shippingMethod"),
        _C(times="orderDate tstamp createdDate updatedDate external_created_date"),
        _C(times="external_updated_date"),
    ),
    "contact_deals": (
        "Contacts linked to deals besides their primary contact",
        _C(ids="id deal contact role", times="cdate udate"),
    ),
    "deal_tasktypes": (
        "Task types",
        _C(ids="id status", text="title", times="cdate udate"),
    ),
    "deal_roles": (
        "Roles of contacts on deals",
        _C(ids="id", text="title", times="cdate udate"),
    ),
    "connections": (
        "E-commerce and app connections",
        _C(ids="id isInternal status syncStatus", text="service externalid name logoUrl linkUrl"),
        _C(times="sync_request_time sync_start_time lastSync cdate udate"),
    ),
    "ecom_order_products": (
        "Products of e-commerce orders; prices in cents",
        _C(ids="id orderid connectionid quantity price", text="externalid name category sku"),
        _C(text="description imageUrl productUrl", times="createdDate updatedDate"),
    ),
}
LIST_STREAMS = {name: list_stream(name, *spec) for name, spec in LISTS.items()}


STREAM_TYPES: tuple[type[ACStream], ...] = (
    ContactsStream,
    AccountsStream,
    LIST_STREAMS["account_contacts"],
    DealsStream,
    *(stream for name, stream in LIST_STREAMS.items() if name != "account_contacts"),
)

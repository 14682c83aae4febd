"""Deterministic records of a simulated ActiveCampaign account, one index at a time.

Shapes follow ActiveCampaign's v3 conventions: ids and most numbers as strings, times as
ISO-8601 with the account's offset (``2024-03-10T03:05:00-05:00``), links objects, custom field
values as strings (several values as ``||a||b||``) in ``fieldValues``; deal and account custom
field data carry typed ``fieldValue`` (arrays for multiselect and checkbox, currency as an
integer number of cents with ``fieldCurrency``). A top-level table's ids have holes (every
tenth id is free), so a record inserted later can take an id below older ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import typing as t
import zoneinfo

from activecampaign_sim.tables import HOLE, HoleyTable, PatternChildTable, base_index
from crm_sim.table import Clock, Record, SequentialIds, Table
from crm_sim.text import (
    COMPANY_SUFFIXES,
    COMPANY_WORDS,
    DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    UNICODE_TEXTS,
    WORDS,
    h64,
    rng,
)

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from activecampaign_sim.config import ACConfig

DAY = 86_400
START = 1_577_836_800  # 2020-01-01T00:00:00Z
# A base record is updated at most this long after its creation (bounds the time filters).
MAX_UPDATE_DELAY = 60 * DAY
NEVER_UPDATED_RATE = 3  # 1 record in 3 was never updated (its udate is its cdate)
PATTERN = 20  # children patterns repeat every 20 parents (a multiple of the hole period)

#: Contact custom fields: (title, type, options, perstag).
CONTACT_FIELDS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("Favourite colour", "dropdown", ("Red", "Green", "Blue", "Bleu clair"), "FAV_COLOUR"),
    ("Interests", "multiselect", ("Sports", "Music", "Art", "Café"), "INTERESTS"),
    ("Birthday", "date", (), "BIRTHDAY"),
    ("Last demo", "datetime", (), "LAST_DEMO"),
    ("About", "textarea", (), "ABOUT"),
    ("Company size", "radio", ("1-10", "11-50", "51-200", "200+"), "COMPANY_SIZE"),
    ("Consents", "checkbox", ("Email", "SMS", "Phone"), "CONSENTS"),
    ("Regions", "listbox", ("EMEA", "APAC", "AMER"), "REGIONS"),
    ("Source id", "hidden", (), "SOURCE_ID"),
    ("Nickname", "text", (), "NICKNAME"),
    ("Employee code", "text", (), "EMPLOYEE_CODE"),
)
#: Deal custom fields: (label, type, options).
DEAL_FIELDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Deal source", "dropdown", ("Web", "Referral", "Event")),
    ("Products", "multiselect", ("Basic", "Plus", "Pro", "Enterprise")),
    ("Renewal date", "date", ()),
    ("Kick-off", "datetime", ()),
    ("Summary", "textarea", ()),
    ("Region", "radio", ("EMEA", "APAC", "AMER")),
    ("Add-ons", "checkbox", ("Support", "Training", "SLA")),
    ("Internal ref", "hidden", ()),
    ("Code name", "text", ()),
    ("Seats", "number", ()),
    ("Setup fee", "currency", ()),
)
#: Account custom fields: (label, type, options).
ACCOUNT_FIELDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Industry", "dropdown", ("Retail", "SaaS", "Manufacturing", "Santé")),
    ("Markets", "multiselect", ("US", "EU", "JP", "BR")),
    ("Founded", "date", ()),
    ("Last audit", "datetime", ()),
    ("Description", "textarea", ()),
    ("Employees", "number", ()),
    ("Annual revenue", "currency", ()),
    ("Tax id", "text", ()),
)
#: Custom field definitions by stream.
CUSTOM_FIELD_META = {
    "deal_custom_field_meta": DEAL_FIELDS,
    "account_custom_field_meta": ACCOUNT_FIELDS,
}
#: Custom field values by stream: (the parent's field, the definitions, the draw's salt).
CUSTOM_FIELD_DATA = {
    "deal_custom_field_data": ("dealId", DEAL_FIELDS, "dcf"),
    "account_custom_field_data": ("customerAccountId", ACCOUNT_FIELDS, "acf"),
}
CURRENCIES = ("usd", "eur", "cad", "aud")
STAGE_TITLES = ("To Contact", "In Contact", "Follow Up", "Proposal", "Negotiation", "Won", "Lost")
GROUP_TITLES = ("Sales Pipeline", "Renewals — Q3 🚀", "Partners", "Enterprise", "Upsell", "Inbound")
#: Related resources in each record's links object.
LINKS_CONTACTS = (
    "bounceLogs contactAutomations contactData contactGoals contactLists contactLogs "
    "contactTags contactDeals deals fieldValues geoIps notes organization plusAppend "
    "trackingLogs scoreValues"
)
LINKS_DEALS = (
    "dealActivities contact contactDeals group nextTask notes account customerAccount "
    "organization owner scoreValues stage tasks dealCustomFieldData"
)
LINKS_AUTOMATIONS = "campaigns contactGoals contactAutomations blocks goals sms"
LINKS_CAMPAIGNS = "user automation campaignMessage links aggregateRevenues segment"
LINKS_ECOM_ORDERS = "connection customer orderProducts orderDiscounts orderActivities"
LINKS_ACCOUNTS = "notes accountCustomFieldData accountContacts"
LINKS_CONTACT_LISTS = (
    "automation list contact form autosyncLog campaign unsubscribeAutomation message"
)
LINKS_CONTACT_AUTOMATIONS = "automation contact contactGoals"
LINKS_DEAL_TASKS = "activities automation blocks dealTasktype notes owner user assignee"


@dataclasses.dataclass(frozen=True)
class Stream:
    """One stream of the simulated account and the API resource serving it.

    Attributes:
        name: Stream name (snake_case, as the tap names it).
        key: The envelope key of the API's answer (e.g. ``fieldValues``).
        path: The collection's path under ``/api/3/``.
        created_keys: Fields holding the created time.
        updated_keys: Fields holding the updated time.
        parent: The parent stream of a child table.
        parent_field: The field naming the parent's id.
    """

    name: str
    key: str
    path: str
    created_keys: tuple[str, ...] = ("cdate",)
    updated_keys: tuple[str, ...] = ("udate",)
    parent: str | None = None
    parent_field: str | None = None


STREAMS: tuple[Stream, ...] = (
    Stream("contacts", "contacts", "contacts",
           ("cdate", "created_timestamp", "created_utc_timestamp"),
           ("udate", "updated_timestamp", "updated_utc_timestamp")),
    Stream("accounts", "accounts", "accounts", ("createdTimestamp",), ("updatedTimestamp",)),
    Stream("deals", "deals", "deals", ("cdate",), ("mdate",)),
    Stream("deal_groups", "dealGroups", "dealGroups"),
    Stream("deal_stages", "dealStages", "dealStages"),
    Stream("users", "users", "users"),
    Stream("groups", "groups", "groups", (), ()),
    Stream("lists", "lists", "lists", ("cdate",), ("updated_timestamp",)),
    Stream("tags", "tags", "tags", ("cdate", "created_timestamp"), ("updated_timestamp",)),
    Stream("automations", "automations", "automations", ("cdate",), ("mdate",)),
    Stream("campaigns", "campaigns", "campaigns", ("cdate",), ("mdate",)),
    Stream("messages", "messages", "messages", ("cdate",), ("mdate",)),
    Stream("forms", "forms", "forms"),
    Stream("segments", "segments", "segments", ("created_timestamp",), ("updated_timestamp",)),
    Stream("fields", "fields", "fields"),
    Stream("deal_custom_field_meta", "dealCustomFieldMeta", "dealCustomFieldMeta",
           ("createdTimestamp",), ("updatedTimestamp",)),
    Stream("account_custom_field_meta", "accountCustomFieldMeta", "accountCustomFieldMeta",
           ("createdTimestamp",), ("updatedTimestamp",)),
    Stream("ecom_customers", "ecomCustomers", "ecomCustomers", ("tstamp",), ("tstamp",)),
    Stream("deal_tasktypes", "dealTasktypes", "dealTasktypes"),
    Stream("deal_roles", "dealRoles", "dealRoles"),
    Stream("connections", "connections", "connections"),
    Stream("ecom_order_products", "ecomOrderProducts", "ecomOrderProducts", ("createdDate",),
           ("updatedDate",)),
    Stream("field_values", "fieldValues", "fieldValues", parent="contacts",
           parent_field="contact"),
    Stream("contact_tags", "contactTags", "contactTags", ("cdate", "created_timestamp"),
           ("updated_timestamp",), parent="contacts", parent_field="contact"),
    Stream("contact_lists", "contactLists", "contactLists", ("sdate", "created_timestamp"),
           ("updated_timestamp",), parent="contacts", parent_field="contact"),
    Stream("contact_automations", "contactAutomations", "contactAutomations", ("adddate",),
           ("lastdate",), parent="contacts", parent_field="contact"),
    Stream("account_contacts", "accountContacts", "accountContacts", ("createdTimestamp",),
           ("updatedTimestamp",), parent="contacts", parent_field="contact"),
    Stream("notes", "notes", "notes", ("cdate",), ("mdate",), parent="contacts",
           parent_field="relid"),
    Stream("deal_tasks", "dealTasks", "dealTasks", ("cdate",), ("udate",), parent="deals",
           parent_field="relid"),
    Stream("deal_custom_field_data", "dealCustomFieldData", "dealCustomFieldData",
           ("createdTimestamp",), ("updatedTimestamp",), parent="deals", parent_field="dealId"),
    Stream("account_custom_field_data", "accountCustomFieldData", "accountCustomFieldData",
           ("createdTimestamp",), ("updatedTimestamp",), parent="accounts",
           parent_field="customerAccountId"),
    Stream("ecom_orders", "ecomOrders", "ecomOrders", ("createdDate",), ("updatedDate",),
           parent="ecom_customers", parent_field="customerid"),
    Stream("contact_deals", "contactDeals", "contactDeals", ("cdate",), ("udate",),
           parent="deals", parent_field="deal"),
)  # fmt: skip
BY_NAME = {s.name: s for s in STREAMS}
#: Streams whose ids have holes (every tenth id free for a later, lower-id insert).
HOLEY = frozenset({"contacts", "accounts", "deals", "ecom_customers"})
#: Streams built after the children (their count depends on a child table's).
LATE = frozenset({"ecom_order_products"})
TASK_TYPES = ("Call", "Email", "Meeting", "Follow up — démo")
DEAL_ROLES = ("Decision maker", "Champion", "Influencer")
PRODUCTS_PER_ORDER = 2
#: Children per parent, by child stream: (pattern values drawn from, slots).
CHILD_SHAPES: dict[str, tuple[int, int]] = {
    "field_values": (len(CONTACT_FIELDS), len(CONTACT_FIELDS)),
    "contact_tags": (3, 3),
    "contact_lists": (2, 2),
    "contact_automations": (2, 2),
    "account_contacts": (1, 1),
    "notes": (2, 2),
    "deal_tasks": (3, 3),
    "deal_custom_field_data": (len(DEAL_FIELDS), len(DEAL_FIELDS)),
    "account_custom_field_data": (len(ACCOUNT_FIELDS), len(ACCOUNT_FIELDS)),
    "ecom_orders": (3, 3),
    "contact_deals": (1, 1),
}


class ACData:
    """Generators of every stream, and the tables built on them."""

    def __init__(self, config: ACConfig, clock: Clock) -> None:
        """Prepare the per-stream constants and tables from the config and the simulator clock."""
        self.config = config
        self.seed = config.seed
        self.clock = clock
        self.tz = zoneinfo.ZoneInfo(config.timezone)
        c = config
        self.counts: dict[str, int] = {
            "contacts": c.contacts,
            "accounts": c.accounts,
            "deals": c.deals,
            "deal_groups": c.deal_groups,
            "deal_stages": c.deal_groups * c.stages_per_group,
            "users": c.users,
            "groups": c.groups,
            "lists": c.lists,
            "tags": c.tags,
            "automations": c.automations,
            "campaigns": c.campaigns,
            "messages": c.messages,
            "forms": c.forms,
            "segments": c.segments,
            "fields": len(CONTACT_FIELDS),
            "deal_custom_field_meta": len(DEAL_FIELDS),
            "account_custom_field_meta": len(ACCOUNT_FIELDS),
            "ecom_customers": c.ecom_customers,
            "deal_tasktypes": len(TASK_TYPES),
            "deal_roles": len(DEAL_ROLES),
            "connections": 1 if c.ecom_customers else 0,
        }
        span = c.anchor - START - MAX_UPDATE_DELAY - DAY
        self._step = {k: max(1, span // max(1, n + n // (HOLE - 1)))
                      for k, n in self.counts.items()}  # fmt: skip
        self.tables: dict[str, Table] = {}
        self.generators: dict[str, Callable[[int], Record]] = {
            s.name: functools.partial(self.record, s.name) for s in STREAMS
        }
        self._builders: dict[str, Callable[[int, str], Record]] = {
            s.name: functools.partial(self._meta, s.name) if s.name in CUSTOM_FIELD_META
            else functools.partial(self._custom_data, s.name) if s.name in CUSTOM_FIELD_DATA
            else getattr(self, "_" + s.name)
            for s in STREAMS
        }  # fmt: skip
        for stream in STREAMS:
            if stream.parent is None and stream.name not in LATE:
                self.tables[stream.name] = self._table(stream)
        for stream in STREAMS:
            if stream.parent is not None:
                self.tables[stream.name] = self._child(stream)
        orders = self.tables["ecom_orders"]
        assert isinstance(orders, PatternChildTable)  # noqa: S101 - built just above
        self.counts["ecom_order_products"] = PRODUCTS_PER_ORDER * orders.base_count()
        self._step["ecom_order_products"] = max(
            1, span // max(1, self.counts["ecom_order_products"])
        )
        self.tables["ecom_order_products"] = self._table(BY_NAME["ecom_order_products"])

    # ----------------------------------------------------------------- tables

    def _hooks(self, stream: Stream) -> dict[str, t.Any]:
        def apply(record: Record, over: Record) -> None:
            self.apply(stream, record, over)

        def times(record: Record) -> tuple[int, int]:
            return self.record_times(stream, record)

        return {
            "generate": self.generators[stream.name],
            "clock": self.clock,
            "seed": self.seed,
            "apply": apply,
            "times": times,
            "stamp_create": lambda now: {"_c": now, "_u": now},
            "stamp_update": lambda now: {"_u": now},
        }

    def _table(self, stream: Stream) -> Table:
        name = stream.name
        return HoleyTable(
            name,
            count=self.counts[name],
            hole=HOLE if name in HOLEY else 0,
            created=lambda i: self.created(name, i),
            updated=lambda i: self.updated(name, i),
            ids=SequentialIds(1),
            **self._hooks(stream),
        )

    def _child(self, stream: Stream) -> Table:
        name, parent = stream.name, t.cast("str", stream.parent)
        top, _slots = CHILD_SHAPES[name]
        pattern = [h64(self.seed, name, "pattern", p) % (top + 1) for p in range(PATTERN)]
        if top > 1:  # most contacts have most of their fields filled
            pattern = [max(n, top - 3) if p % 4 else n for p, n in enumerate(pattern)]
        ptable = self.tables[parent]
        return PatternChildTable(
            name,
            parent=ptable,
            pattern=pattern,
            parent_field=t.cast("str", stream.parent_field),
            created=lambda i: self.child_created(name, i),
            updated=lambda i: self.child_updated(name, i),
            ids=SequentialIds(1),
            **self._hooks(stream),
        )

    def apply(self, stream: Stream, record: Record, over: Record) -> None:
        """Merge an overlay into a record; ``_c`` and ``_u`` stamp the time fields.

        Args:
            stream: The stream.
            record: The generated record.
            over: The changes.
        """
        for key, value in over.items():
            if key == "_c":
                for field in stream.created_keys:
                    record[field] = self.time_field(field, value)
            elif key == "_u":
                for field in stream.updated_keys:
                    record[field] = self.time_field(field, value)
            else:
                record[key] = value

    def record_times(self, stream: Stream, record: Record) -> tuple[int, int]:
        """``(created, updated)`` epoch seconds of a rendered record.

        Args:
            stream: The stream.
            record: The record.

        Returns:
            The times (0 when the stream has none).
        """
        created = record.get(stream.created_keys[0]) if stream.created_keys else None
        updated = record.get(stream.updated_keys[0]) if stream.updated_keys else None
        return self.parse_iso(created), self.parse_iso(updated)

    @staticmethod
    def parse_iso(value: object) -> int:
        """Epoch seconds of an ISO time with offset (0 for anything else).

        Args:
            value: A rendered time.

        Returns:
            Epoch seconds.
        """
        if not isinstance(value, str) or not value:
            return 0
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return 0
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return int(when.timestamp())

    # ----------------------------------------------------------------- times and ids

    def iso(self, seconds: int) -> str:
        """A time as ActiveCampaign renders it: ISO-8601 with the account's offset.

        Args:
            seconds: Epoch seconds.

        Returns:
            e.g. ``2024-03-10T03:05:00-05:00``.
        """
        return dt.datetime.fromtimestamp(seconds, self.tz).isoformat()

    def time_field(self, field: str, seconds: int) -> str:
        """Render a time for a field (``*_utc_timestamp`` fields are UTC without offset).

        Args:
            field: Field name.
            seconds: Epoch seconds.

        Returns:
            The text.
        """
        if field.endswith("_utc_timestamp"):
            return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        return self.iso(seconds)

    def created(self, stream: str, index: int) -> int:
        """Base created time, non-decreasing with the index (epoch seconds).

        Args:
            stream: Stream name.
            index: Record index.

        Returns:
            Epoch seconds.
        """
        return START + index * self._step[stream] + h64(self.seed, stream, "jit", index) % 7

    def updated(self, stream: str, index: int) -> int:
        """Base updated time (its created time when never updated).

        Args:
            stream: Stream name.
            index: Record index.

        Returns:
            Epoch seconds.
        """
        created = self.created(stream, index)
        draw = h64(self.seed, stream, "upd", index)
        if draw % NEVER_UPDATED_RATE == 0:
            return created
        return created + 1 + (draw >> 8) % MAX_UPDATE_DELAY

    def _parent_of(self, stream: str, index: int) -> tuple[int, int]:
        table = self.tables[stream]
        assert isinstance(table, PatternChildTable)  # noqa: S101 - built here
        parent = table.parent_of(index)
        return parent, (index % table.slots if index < table.count_base else 0)

    def child_created(self, stream: str, index: int) -> int:
        """Created time of a base child: shortly after its parent's.

        Args:
            stream: Child stream.
            index: Child index.

        Returns:
            Epoch seconds.
        """
        parent_stream = t.cast("str", BY_NAME[stream].parent)
        parent, k = self._parent_of(stream, index)
        return self.created(parent_stream, parent) + 60 * (k + 1)

    def child_updated(self, stream: str, index: int) -> int:
        """Updated time of a base child (its own: a field value can change after its contact).

        Args:
            stream: Child stream.
            index: Child index.

        Returns:
            Epoch seconds.
        """
        created = self.child_created(stream, index)
        draw = h64(self.seed, stream, "upd", index)
        if draw % NEVER_UPDATED_RATE == 0:
            return created
        return created + 1 + (draw >> 8) % MAX_UPDATE_DELAY

    def rid(self, stream: str, index: int) -> str:
        """The id of a record as the API sends it (a string).

        Args:
            stream: Stream name.
            index: Record index.

        Returns:
            The id.
        """
        return str(self.tables[stream].ids.id_of(index))

    def pick(self, stream: str, draw: int) -> str | None:
        """The id of a base record chosen by a draw (None for an empty stream).

        Args:
            stream: Stream name.
            draw: Any integer.

        Returns:
            The id.
        """
        n = self.counts[stream]
        if not n:
            return None
        hole = HOLE if stream in HOLEY else 0
        return str(base_index(draw % n, hole) + 1)

    def record(self, stream: str, index: int) -> Record:
        """A base record of a stream, as generated (before any change): its fields, id and times.

        Args:
            stream: Stream name.
            index: Record index.

        Returns:
            The record.
        """
        return self._times(stream, index, self._builders[stream](index, self.rid(stream, index)))

    def _times(self, stream: str, index: int, record: Record) -> Record:
        spec = BY_NAME[stream]
        table = self.tables.get(stream)
        child = spec.parent is not None
        c = self.child_created(stream, index) if child else self.created(stream, index)
        u = self.child_updated(stream, index) if child else self.updated(stream, index)
        if table is not None and index >= table.count_base:  # created later: overlay stamps
            c = u = int(self.clock.now())
        for field in spec.created_keys:
            record[field] = self.time_field(field, c)
        for field in spec.updated_keys:
            record[field] = self.time_field(field, u)
        return record

    def links(self, path: str, rid: str, names: str) -> dict[str, str]:
        """A links object as the API sends it.

        Args:
            path: Collection path.
            rid: The record's id.
            names: Related resource names, separated by spaces.

        Returns:
            The links.
        """
        return {n: f"https://sim.api-us1.com/api/3/{path}/{rid}/{n}" for n in names.split()}

    # ----------------------------------------------------------------- contacts

    def _contacts(self, index: int, rid: str) -> Record:
        """A contact."""
        r = rng(self.seed, "contacts", index)
        first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
        local = f"user{index}.{r.randrange(10**6)}"
        domain = r.choice(DOMAINS)
        org = (
            self.pick("accounts", h64(self.seed, "contact-org", index))
            if r.random() < 0.3  # noqa: PLR2004
            else None
        )
        rec: Record = {
            "cdate": "",
            "email": f"{local}@{domain}" if index % 17 else "",
            "phone": f"+1 555 {r.randrange(10**7):07d}" if r.random() < 0.6 else "",  # noqa: PLR2004
            "firstName": first,
            "lastName": last if index % 13 else "",
            "orgid": org or "0",
            "orgname": "",
            "segmentio_id": "",
            "bounced_hard": "0",
            "bounced_soft": str(r.randrange(0, 3)),
            "bounced_date": None,
            "ip": "0",
            "ua": None,
            "hash": f"{h64(self.seed, 'hash', index):016x}",
            "socialdata_lastcheck": None,
            "email_local": local,
            "email_domain": domain,
            "sentcnt": str(r.randrange(0, 200)),
            "rating_tstamp": None,
            "gravatar": str(r.randrange(0, 2)),
            "deleted": "0",
            "anonymized": "0",
            "adate": None,
            "udate": "",
            "edate": None,
            "deleted_at": None,
            "created_utc_timestamp": "",
            "updated_utc_timestamp": "",
            "created_timestamp": "",
            "updated_timestamp": "",
            "created_by": None,
            "updated_by": None,
            "mpp_tracking": "0",
            "last_click_date": None,
            "last_open_date": None,
            "last_mpp_open_date": None,
            "scoreValues": [],
            "accountContacts": [],
            "links": self.links("contacts", rid, LINKS_CONTACTS),
            "id": rid,
            "organization": org,
        }
        return rec

    def _accounts(self, index: int, rid: str) -> Record:
        """An account (a company)."""
        r = rng(self.seed, "accounts", index)
        word = r.choice(COMPANY_WORDS)
        rec: Record = {
            "name": f"{word} {r.choice(COMPANY_SUFFIXES)} {index}",
            "accountUrl": f"https://{word.lower()}{index}.example.com" if index % 3 else None,
            "createdTimestamp": "",
            "updatedTimestamp": "",
            "contactCount": "0",
            "dealCount": "0",
            "links": self.links("accounts", rid, LINKS_ACCOUNTS),
            "id": rid,
            "owner": self.pick("users", h64(self.seed, "acct-owner", index)),
        }
        return rec

    def _deals(self, index: int, rid: str) -> Record:
        """A deal; its value is in cents, as a string."""
        r = rng(self.seed, "deals", index)
        c = self.config
        group = h64(self.seed, "deal-group", index) % c.deal_groups
        stage = group * c.stages_per_group + r.randrange(c.stages_per_group)
        rec: Record = {
            "hash": f"{h64(self.seed, 'deal-hash', index):08x}"[:8],
            "owner": self.pick("users", h64(self.seed, "deal-owner", index)),
            "contact": self.pick("contacts", h64(self.seed, "deal-contact", index)),
            "organization": None,
            "group": str(group + 1),
            "stage": str(stage + 1),
            "title": f"{r.choice(COMPANY_WORDS)} {r.choice(WORDS)} deal {index}",
            "description": r.choice(UNICODE_TEXTS),
            "percent": str(r.randrange(0, 101)),
            "cdate": "",
            "mdate": "",
            "nextdate": None,
            "nexttaskid": None,
            "value": str(r.randrange(0, 10**7)),
            "currency": r.choice(CURRENCIES),
            "winProbability": None,
            "winProbabilityMdate": None,
            "status": str(r.choice((0, 0, 0, 1, 2))),
            "activitycount": str(r.randrange(0, 20)),
            "nextdealid": None,
            "edate": None,
            "links": self.links("deals", rid, LINKS_DEALS),
            "id": rid,
            "isDisabled": None,
            "account": self.pick("accounts", h64(self.seed, "deal-acct", index)),
            "customerAccount": None,
        }
        return rec

    def _deal_groups(self, index: int, rid: str) -> Record:
        """A pipeline with the ids of its stages."""
        spg = self.config.stages_per_group
        title = GROUP_TITLES[index] if index < len(GROUP_TITLES) else f"Pipeline {index + 1}"
        rec: Record = {
            "allgroups": "0",
            "allusers": "1",
            "autoassign": "1",
            "cdate": "",
            "currency": "usd",
            "id": rid,
            "title": title,
            "udate": "",
            "users": [],
            "groups": [],
            "stages": [str(index * spg + k + 1) for k in range(spg)],
            "links": self.links("dealGroups", rid, "stages"),
        }
        return rec

    def _deal_stages(self, index: int, rid: str) -> Record:
        """A deal stage of a pipeline."""
        group, k = divmod(index, self.config.stages_per_group)
        rec: Record = {
            "cardRegion1": "title",
            "cardRegion2": "next-action",
            "cardRegion3": "show-avatar",
            "cardRegion4": "contact-fullname-orgname",
            "cardRegion5": "value",
            "cdate": "",
            "color": "32B0FC",
            "dealOrder": "next-action DESC",
            "group": str(group + 1),
            "id": rid,
            "order": str(k + 1),
            "title": STAGE_TITLES[k % len(STAGE_TITLES)],
            "udate": "",
            "width": "280",
            "links": self.links("dealStages", rid, "group"),
        }
        return rec

    def _users(self, index: int, rid: str) -> Record:
        """A user of the account."""
        r = rng(self.seed, "users", index)
        first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
        rec: Record = {
            "username": f"user{index + 1}",
            "firstName": first,
            "lastName": last,
            "email": f"user{index + 1}@sim.example.com",
            "phone": "",
            "signature": None,
            "lang": "english",
            "localZoneid": self.config.timezone,
            "mfaEnabled": "0",
            "cdate": "",
            "udate": "",
            "links": self.links("users", rid, "lists userGroup dealGroupTotals"),
            "id": rid,
        }
        return rec

    def _groups(self, index: int, rid: str) -> Record:
        """A user group (permissions)."""
        return {
            "title": "Admin" if index == 0 else f"Group {index + 1}",
            "descript": "" if index else "This is a group for admin users",
            "unsubscribelink": "0",
            "optinconfirm": "0",
            "pgListAdd": "1",
            "pgContactAdd": "1",
            "pgDealAdd": "1",
            "reqApproval": "0",
            "links": self.links("groups", rid, "userGroups groupMembers listGroups"),
            "id": rid,
        }

    def _lists(self, index: int, rid: str) -> Record:
        """A mailing list."""
        r = rng(self.seed, "lists", index)
        name = f"{r.choice(WORDS).title()} list {index + 1}"
        rec: Record = {
            "stringid": name.lower().replace(" ", "-"),
            "userid": self.pick("users", index),
            "name": name,
            "cdate": "",
            "p_use_tracking": "1",
            "p_use_analytics_read": "0",
            "p_use_captcha": "1",
            "send_last_broadcast": "0",
            "sender_name": "",
            "sender_addr1": "",
            "sender_city": "",
            "sender_country": "",
            "sender_url": "https://www.example.com",
            "sender_reminder": "You signed up on our website.",
            "subscription_notify": None,
            "unsubscription_notify": None,
            "to_name": "Subscriber",
            "optinoptout": "1",
            "deletestamp": None,
            "updated_timestamp": "",
            "links": self.links("lists", rid, "contactGoalLists user addressLists"),
            "id": rid,
            "user": self.pick("users", index),
        }
        return rec

    def _tags(self, index: int, rid: str) -> Record:
        """A tag."""
        names = ("customer", "lead", "VIP", "newsletter", "webinar 2024", "Prospect — EU")
        rec: Record = {
            "tagType": "contact" if index % 5 else "template",
            "tag": f"{names[index % len(names)]} {index + 1}" if index >= len(names)
            else names[index],
            "description": "",
            "subscriber_count": str(h64(self.seed, "tag-count", index) % 500),
            "cdate": "",
            "created_timestamp": "",
            "updated_timestamp": "",
            "created_by": None,
            "updated_by": None,
            "links": self.links("tags", rid, "contactGoalTags"),
            "id": rid,
        }  # fmt: skip
        return rec

    def _automations(self, index: int, rid: str) -> Record:
        """An automation."""
        r = rng(self.seed, "automations", index)
        rec: Record = {
            "name": f"Welcome series {index + 1}" if index % 2 else f"Nurture {r.choice(WORDS)}",
            "cdate": "",
            "mdate": "",
            "userid": self.pick("users", index),
            "status": str(r.choice((1, 1, 2))),
            "entered": str(r.randrange(0, 5000)),
            "exited": str(r.randrange(0, 5000)),
            "hidden": "0",
            "defaultscreenshot": "",
            "screenshot": "",
            "links": self.links("automations", rid, LINKS_AUTOMATIONS),
            "id": rid,
        }
        return rec

    def _campaigns(self, index: int, rid: str) -> Record:
        """A campaign (an email send) with its counters."""
        r = rng(self.seed, "campaigns", index)
        sent = r.randrange(0, 10_000)
        rec: Record = {
            "type": r.choice(("single", "recurring", "split", "responder", "automation")),
            "userid": self.pick("users", index),
            "segmentid": "0",
            "bounceid": "-1",
            "realcid": "0",
            "sendid": "0",
            "threadid": "0",
            "seriesid": self.pick("automations", index) or "0",
            "formid": "0",
            "basetemplateid": "0",
            "basemessageid": self.pick("messages", index) or "0",
            "addressid": "0",
            "source": "web",
            "name": f"{r.choice(WORDS).title()} newsletter #{index + 1}",
            "cdate": "",
            "mdate": "",
            "sdate": self.iso(self.created("campaigns", index) + DAY),
            "ldate": None,
            "send_amt": str(sent),
            "total_amt": str(sent),
            "opens": str(r.randrange(0, sent + 1)),
            "uniqueopens": str(r.randrange(0, sent + 1)),
            "linkclicks": str(r.randrange(0, sent + 1)),
            "uniquelinkclicks": "0",
            "subscriberclicks": "0",
            "forwards": "0",
            "uniqueforwards": "0",
            "hardbounces": str(r.randrange(0, 20)),
            "softbounces": str(r.randrange(0, 20)),
            "unsubscribes": str(r.randrange(0, 50)),
            "unsubreasons": "0",
            "updates": "0",
            "socialshares": "0",
            "replies": "0",
            "uniquereplies": "0",
            "status": str(r.choice((0, 1, 5))),
            "public": "1",
            "tracklinks": "all",
            "trackreads": "1",
            "screenshot": "",
            "links": self.links("campaigns", rid, LINKS_CAMPAIGNS),
            "id": rid,
            "user": self.pick("users", index),
            "automation": None,
        }
        return rec

    def _messages(self, index: int, rid: str) -> Record:
        """An email message."""
        r = rng(self.seed, "messages", index)
        rec: Record = {
            "userid": self.pick("users", index),
            "ed_instanceid": "0",
            "ed_version": "2",
            "cdate": "",
            "mdate": "",
            "name": f"Message {index + 1}",
            "fromname": "AC Admin",
            "fromemail": "noreply@example.com",
            "reply2": "hello@example.com",
            "priority": "3",
            "charset": "utf-8",
            "encoding": "quoted-printable",
            "format": "mime",
            "subject": f"{r.choice(UNICODE_TEXTS)[:40]}",
            "preheader_text": "Pre-header Text",
            "text": r.choice(UNICODE_TEXTS),
            "html": f"<p>{r.choice(UNICODE_TEXTS)}</p>",
            "htmlfetch": "",
            "textfetch": "",
            "hidden": "0",
            "prev_mid": "0",
            "modified_by": None,
            "links": self.links("messages", rid, "user"),
            "id": rid,
            "user": self.pick("users", index),
        }
        return rec

    def _forms(self, index: int, rid: str) -> Record:
        """A subscription form."""
        rec: Record = {
            "name": f"Signup form {index + 1}",
            "action": "",
            "actiondata": {"actions": [{"type": "subscribe-to-list", "list": "1"}]},
            "submit": "",
            "allowdupes": "0",
            "emailconfirm": "0",
            "options": [],
            "cdate": "",
            "udate": "",
            "links": self.links("forms", rid, "address cfields"),
            "id": rid,
        }
        return rec

    def _segments(self, index: int, rid: str) -> Record:
        """A list segment."""
        rec: Record = {
            "name": f"Segment {index + 1}",
            "logic": "and",
            "hidden": "0",
            "seriesid": "0",
            "created_timestamp": "",
            "updated_timestamp": "",
            "created_by": None,
            "updated_by": None,
            "links": self.links("segments", rid, "segmentGroups"),
            "id": rid,
        }
        return rec

    def _fields(self, index: int, rid: str) -> Record:
        """A contact custom field definition."""
        title, kind, options, perstag = CONTACT_FIELDS[index % len(CONTACT_FIELDS)]
        rec: Record = {
            "title": title,
            "descript": "",
            "type": kind,
            "isrequired": "0",
            "perstag": perstag,
            "defval": "",
            "show_in_list": "0",
            "rows": "0",
            "cols": "0",
            "visible": "1",
            "service": "",
            "ordernum": str(index + 1),
            "cdate": "",
            "udate": "",
            "options": [str(index * 10 + k + 1) for k in range(len(options))],
            "relations": [],
            "links": self.links("fields", rid, "options relations"),
            "id": rid,
        }
        return rec

    def field_options(self, index: int) -> list[Record]:
        """The options of a contact field, as ``GET /fields`` sideloads them.

        Args:
            index: Field index.

        Returns:
            The options.
        """
        fid = self.rid("fields", index)
        options = CONTACT_FIELDS[index % len(CONTACT_FIELDS)][2]
        return [
            {"field": fid, "orderid": str(k + 1), "value": value, "label": value,
             "isdefault": "0", "cdate": self.iso(self.created("fields", index)),
             "udate": self.iso(self.created("fields", index)),
             "links": [], "id": str(index * 10 + k + 1)}
            for k, value in enumerate(options)
        ]  # fmt: skip

    def _meta(self, stream: str, index: int, rid: str) -> Record:
        """A deal or account custom field definition."""
        fields = CUSTOM_FIELD_META[stream]
        label, kind, options = fields[index % len(fields)]
        rec: Record = {
            "id": rid,
            "fieldLabel": label,
            "fieldType": kind,
            "fieldOptions": list(options) if options else None,
            "fieldDefault": None,
            "fieldDefaultCurrency": "usd" if kind == "currency" else None,
            "isFormVisible": 1,
            "isRequired": 0,
            "displayOrder": index + 1,
            "personalization": "",
            "knownFieldId": None,
            "hideFieldFlag": 0,
            "createdTimestamp": "",
            "updatedTimestamp": "",
            "links": self.links("stream", rid, "dealCustomFieldData"),
        }
        return rec

    def _ecom_customers(self, index: int, rid: str) -> Record:
        """An e-commerce customer; revenues in cents."""
        r = rng(self.seed, "ecom_customers", index)
        orders = r.randrange(0, 10)
        revenue = r.randrange(0, 10**6) if orders else 0
        rec: Record = {
            "connectionid": "1",
            "externalid": f"ext-{index + 1}",
            "email": f"buyer{index}@{r.choice(DOMAINS)}",
            "totalRevenue": str(revenue),
            "totalOrders": str(orders),
            "totalProducts": str(orders * r.randrange(1, 4)),
            "avgRevenuePerOrder": str(revenue // orders if orders else 0),
            "avgProductCategory": r.choice(("Shoes", "Books", "Électronique", "")),
            "tstamp": "",
            "acceptsMarketing": str(r.randrange(0, 2)),
            "links": self.links("ecomCustomers", rid, "connection orders"),
            "id": rid,
            "connection": "1",
        }
        return rec

    # ----------------------------------------------------------------- children

    def _child_parent(self, stream: str, index: int) -> tuple[str, int]:
        parent, k = self._parent_of(stream, index)
        parent_stream = t.cast("str", BY_NAME[stream].parent)
        return self.rid(parent_stream, parent) if parent >= 0 else "0", k

    def _field_values(self, index: int, rid: str) -> Record:
        """A contact's value of a custom field (always a string; several as ``||a||b||``)."""
        contact, k = self._child_parent("field_values", index)
        slot = (k + int(contact)) % len(CONTACT_FIELDS)
        rec: Record = {
            "contact": contact,
            "field": self.rid("fields", slot),
            "value": self.contact_value(slot, h64(self.seed, "fv", index)),
            "cdate": "",
            "udate": "",
            "created_by": None,
            "updated_by": None,
            "links": {"owner": f"https://sim.api-us1.com/api/3/fieldValues/{rid}/owner",
                      "field": f"https://sim.api-us1.com/api/3/fieldValues/{rid}/field"},
            "id": rid,
            "owner": contact,
        }  # fmt: skip
        return rec

    def field_slot(self, contact_id: str, field_index: int) -> int:
        """The child slot a contact's value of a field takes (inverse of the rotation).

        Args:
            contact_id: Contact id.
            field_index: Field index.

        Returns:
            The slot.
        """
        return (field_index - int(contact_id)) % len(CONTACT_FIELDS)

    def contact_value(self, field_index: int, draw: int) -> str:  # noqa: PLR0911
        """A value of a contact custom field, as ``fieldValues`` sends it.

        Args:
            field_index: Field index.
            draw: Any integer.

        Returns:
            The value.
        """
        _title, kind, options, _tag = CONTACT_FIELDS[field_index]
        r = rng(self.seed, "cv", field_index, draw)
        if kind in {"dropdown", "radio"}:
            return r.choice(options)
        if kind in {"multiselect", "checkbox", "listbox"}:
            chosen = [o for o in options if r.random() < 0.5]  # noqa: PLR2004
            return "||" + "||".join(chosen or options[:1]) + "||"
        if kind == "date":
            return dt.date.fromordinal(
                dt.date(1960, 1, 1).toordinal() + r.randrange(15000)
            ).isoformat()
        if kind == "datetime":
            return self.iso(START + r.randrange(0, 4 * 365 * DAY))
        if kind == "textarea":
            return r.choice(UNICODE_TEXTS) + "\nSecond line"
        if field_index == len(CONTACT_FIELDS) - 1:  # Employee code: digits with leading zeros
            return f"{r.randrange(0, 10000):05d}"
        if draw % 11 == 0:
            return ""
        return r.choice(FIRST_NAMES) if kind == "text" else f"src-{draw % 10**6}"

    def _typed_value(  # noqa: PLR0911
        self, kind: str, options: tuple[str, ...], draw: int
    ) -> tuple[t.Any, str | None]:
        r = rng(self.seed, "typed", kind, draw)
        if kind in {"dropdown", "radio"}:
            return r.choice(options), None
        if kind in {"multiselect", "checkbox"}:
            return [o for o in options if r.random() < 0.5] or list(options[:1]), None  # noqa: PLR2004
        if kind == "date":
            return self.iso(START + r.randrange(0, 4 * 365 * DAY))[:10], None
        if kind == "datetime":
            return self.iso(START + r.randrange(0, 4 * 365 * DAY)), None
        if kind == "number":
            return f"{r.randrange(0, 100000) / 100:.2f}", None
        if kind == "currency":
            return r.randrange(0, 10**7), r.choice(CURRENCIES)
        if kind == "textarea":
            return r.choice(UNICODE_TEXTS), None
        return f"{r.choice(WORDS)}-{draw % 1000:03d}", None

    def _custom_data(self, stream: str, index: int, rid: str) -> Record:
        """A deal's or account's value of a custom field (typed; currency in cents)."""
        parent_field, fields, salt = CUSTOM_FIELD_DATA[stream]
        parent, k = self._child_parent(stream, index)
        slot = (k + int(parent)) % len(fields)
        _label, kind, options = fields[slot]
        value, currency = self._typed_value(kind, options, h64(self.seed, salt, index))
        return {
            "id": rid,
            parent_field: parent,
            "customFieldId": slot + 1,
            "fieldValue": value,
            "fieldCurrency": currency,
            "createdTimestamp": "",
            "updatedTimestamp": "",
            "links": [],
        }

    def _contact_tags(self, index: int, rid: str) -> Record:
        """A tag on a contact."""
        contact, k = self._child_parent("contact_tags", index)
        rec: Record = {
            "contact": contact,
            "tag": self.pick("tags", int(contact) * 3 + k),
            "cdate": "",
            "created_timestamp": "",
            "updated_timestamp": "",
            "created_by": None,
            "updated_by": None,
            "links": self.links("contactTags", rid, "contact tag"),
            "id": rid,
        }
        return rec

    def _contact_lists(self, index: int, rid: str) -> Record:
        """A contact's subscription to a list."""
        contact, k = self._child_parent("contact_lists", index)
        r = rng(self.seed, "contact_lists", index)
        status = r.choice((1, 1, 1, 2))
        rec: Record = {
            "contact": contact,
            "list": self.pick("lists", int(contact) * 2 + k),
            "form": None,
            "seriesid": "0",
            "sdate": "",
            "udate": None,
            "status": str(status),
            "responder": "1",
            "sync": "0",
            "unsubreason": "" if status == 1 else "Too many emails",
            "campaign": None,
            "message": None,
            "first_name": "",
            "last_name": "",
            "ip4Sub": "0",
            "sourceid": "0",
            "autosyncLog": None,
            "ip4_last": "0",
            "ip4Unsub": "0",
            "created_timestamp": "",
            "updated_timestamp": "",
            "created_by": None,
            "updated_by": None,
            "unsubscribeAutomation": None,
            "links": self.links("contactLists", rid, LINKS_CONTACT_LISTS),
            "id": rid,
            "automation": None,
        }  # fmt: skip
        return rec

    def _contact_automations(self, index: int, rid: str) -> Record:
        """A contact's run through an automation."""
        contact, k = self._child_parent("contact_automations", index)
        r = rng(self.seed, "contact_automations", index)
        automation = self.pick("automations", int(contact) * 2 + k)
        done = r.random() < 0.5  # noqa: PLR2004
        rec: Record = {
            "contact": contact,
            "seriesid": automation,
            "startid": "0",
            "status": "2" if done else "1",
            "batchid": None,
            "adddate": "",
            "remdate": None,
            "timespan": None,
            "lastblock": str(r.randrange(1, 20)),
            "lastlogid": "0",
            "lastdate": "",
            "in_als": "0",
            "completedElements": r.randrange(0, 10),
            "totalElements": 10,
            "completed": int(done),
            "completeValue": 100 if done else r.randrange(0, 100),
            "links": self.links("contactAutomations", rid, LINKS_CONTACT_AUTOMATIONS),
            "id": rid,
            "automation": automation,
        }
        return rec

    def _account_contacts(self, index: int, rid: str) -> Record:
        """A contact's association with an account."""
        contact, _k = self._child_parent("account_contacts", index)
        r = rng(self.seed, "account_contacts", index)
        rec: Record = {
            "account": self.pick("accounts", int(contact)),
            "contact": contact,
            "jobTitle": r.choice(("CEO", "CTO", "Product Manager", "Développeur", "")),
            "createdTimestamp": "",
            "updatedTimestamp": "",
            "links": self.links("accountContacts", rid, "account contact"),
            "id": rid,
        }
        return rec

    def _notes(self, index: int, rid: str) -> Record:
        """A note on a contact."""
        contact, _k = self._child_parent("notes", index)
        r = rng(self.seed, "notes", index)
        rec: Record = {
            "note": r.choice(UNICODE_TEXTS),
            "relid": contact,
            "reltype": "Subscriber",
            "userid": self.pick("users", index),
            "is_draft": "0",
            "cdate": "",
            "mdate": "",
            "links": self.links("notes", rid, "activities mentions notes owner user"),
            "id": rid,
            "owner": {"type": "contact", "id": contact},
        }
        return rec

    def _deal_tasks(self, index: int, rid: str) -> Record:
        """A task on a deal."""
        deal, _k = self._child_parent("deal_tasks", index)
        r = rng(self.seed, "deal_tasks", index)
        due = self.child_created("deal_tasks", index) + r.randrange(1, 30) * DAY
        rec: Record = {
            "duedate": self.iso(due),
            "edate": self.iso(due + 3600),
            "status": r.choice((0, 1)),
            "title": f"Call about {r.choice(WORDS)}",
            "note": r.choice(UNICODE_TEXTS),
            "relid": deal,
            "reltype": "Deal",
            "d_tasktypeid": str(r.randrange(1, len(TASK_TYPES) + 1)),
            "userid": self.pick("users", index),
            "assignee": self.pick("users", index + 1),
            "cdate": "",
            "udate": "",
            "done": str(r.randrange(0, 2)),
            "automation": None,
            "links": self.links("dealTasks", rid, LINKS_DEAL_TASKS),
            "id": rid,
            "owner": {"type": "deal", "id": deal},
        }  # fmt: skip
        return rec

    def _ecom_orders(self, index: int, rid: str) -> Record:
        """An e-commerce order of a customer; amounts in cents."""
        customer, _k = self._child_parent("ecom_orders", index)
        r = rng(self.seed, "ecom_orders", index)
        total = r.randrange(100, 10**6)
        placed = self.iso(self.child_created("ecom_orders", index))
        rec: Record = {
            "externalid": f"order-{index + 1}",
            "externalcheckoutid": None,
            "source": "1",
            "email": f"buyer{customer}@example.com",
            "currency": "USD",
            "connectionid": "1",
            "customerid": customer,
            "orderUrl": f"https://shop.example.com/orders/{index + 1}",
            "externalCreatedDate": placed,
            "externalUpdatedDate": placed,
            "abandonedDate": None,
            "shippingMethod": "UPS Ground",
            "totalPrice": str(total),
            "shippingAmount": "500",
            "taxAmount": str(total // 10),
            "discountAmount": "0",
            "orderNumber": f"{1000 + index}",
            "orderDate": placed,
            "tstamp": placed,
            "createdDate": "",
            "updatedDate": "",
            "state": str(r.choice((0, 1, 1, 1, 2, 3))),
            "links": self.links("ecomOrders", rid, LINKS_ECOM_ORDERS),
            "id": rid,
            "connection": "1",
            "customer": customer,
        }
        return rec

    def _contact_deals(self, index: int, rid: str) -> Record:
        """A secondary contact of a deal."""
        deal, _k = self._child_parent("contact_deals", index)
        rec: Record = {
            "deal": deal,
            "contact": self.pick("contacts", h64(self.seed, "cd", index)),
            "role": "0",
            "cdate": "",
            "udate": "",
            "links": self.links("contactDeals", rid, "deal contact role"),
            "id": rid,
        }
        return rec

    # ----------------------------------------------------------------- small lookups

    def _deal_tasktypes(self, index: int, rid: str) -> Record:
        """A deal task type."""
        rec: Record = {
            "title": TASK_TYPES[index % len(TASK_TYPES)],
            "status": "0",
            "cdate": "",
            "udate": "",
            "links": self.links("dealTasktypes", rid, "dealTasks"),
            "id": rid,
        }
        return rec

    def _deal_roles(self, index: int, rid: str) -> Record:
        """A deal role (of a deal's secondary contact)."""
        rec: Record = {
            "title": DEAL_ROLES[index % len(DEAL_ROLES)],
            "cdate": "",
            "udate": "",
            "links": [],
            "id": rid,
        }
        return rec

    def _connections(self, index: int, rid: str) -> Record:
        """An e-commerce connection (the store the e-commerce records come from)."""
        rec: Record = {
            "isInternal": "0",
            "service": "shopify",
            "externalid": f"shop{index + 1}.example.com",
            "name": f"Sim Shop {index + 1}",
            "logoUrl": "https://shop.example.com/logo.png",
            "linkUrl": "https://shop.example.com",
            "status": "1",
            "syncStatus": "0",
            "sync_request_time": None,
            "sync_start_time": None,
            "lastSync": None,
            "cdate": "",
            "udate": "",
            "links": self.links("connections", rid, "options customers"),
            "id": rid,
        }
        return rec

    def _ecom_order_products(self, index: int, rid: str) -> Record:
        """A product line of an e-commerce order; price in cents."""
        r = rng(self.seed, "ecom_order_products", index)
        orders = self.tables["ecom_orders"]
        assert isinstance(orders, PatternChildTable)  # noqa: S101 - built by __init__
        n_orders = orders.base_count()
        order = orders.base_nth(index // PRODUCTS_PER_ORDER % n_orders) if n_orders else 0
        name = r.choice(("Pogo Stick", "Skateboard", "Livre — édition 2", "Tシャツ"))
        rec: Record = {
            "externalid": f"PROD{index + 1}",
            "orderid": str(orders.ids.id_of(order)),
            "connectionid": "1",
            "sku": f"SKU-{index % 997:03d}",
            "name": name,
            "description": "lorem ipsum...",
            "price": str(r.randrange(100, 100_000)),
            "quantity": str(r.randrange(1, 5)),
            "category": r.choice(("Toys", "Books", "Clothing", "")),
            "imageUrl": "https://example.com/product.jpg",
            "productUrl": f"https://store.example.com/product{index + 1}",
            "createdDate": "",
            "updatedDate": "",
            "links": self.links("ecomOrderProducts", rid, "order"),
            "id": rid,
        }
        return rec

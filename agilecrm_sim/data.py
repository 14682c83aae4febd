"""Deterministic records of a simulated Agile CRM account, one index at a time.

Shapes follow the API document: contacts and companies carry ``properties`` lists of SYSTEM
and CUSTOM fields (values as strings, checkbox "on", dates as epoch seconds, JSON inside
strings, digit strings such as "007"); deals carry ``custom_data`` ``[{name, value}]``.
Times are epoch seconds in records, except tickets, their messages, ``viewed_time`` and
``tagsWithTime`` (milliseconds). Some ids and ``created_time`` values are strings.
"""

from __future__ import annotations

import json
import typing as t

from crm_sim.table import ChildTable, Clock, IdSpace, Record, SequentialIds, Table
from crm_sim.text import (
    CITIES,
    COMPANY_SUFFIXES,
    COMPANY_WORDS,
    COUNTRIES,
    DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    ROLES,
    STATES,
    UNICODE_TEXTS,
    WORDS,
    h64,
    rng,
)

if t.TYPE_CHECKING:
    import random

    from agilecrm_sim.config import AgileConfig

DAY = 86_400
START = 1_577_836_800  # 2020-01-01T00:00:00Z
# A base record is updated at most this long after its creation (bounds the dynamic filter).
MAX_UPDATE_DELAY = 60 * DAY
EVENT_LEAD = 7 * DAY  # an event starts a week after it is created
STRING_ID_RATE = 10  # 1 record in 10 sends its id (another its created_time) as a string
NEVER_UPDATED_RATE = 3  # 1 record in 3 was never updated (updated_time 0)
TAGS = ("lead", "customer", "VIP", "paid", "linkedin prospect", "newsletter", "partner", "churn")
MILESTONES = "New,Prospect,Proposal,Won,Lost"
OTHER_MILESTONES = "Open,Qualification,Demo,Négociation,Closed Won,Closed Lost"
TRACK_NAMES = ("Default", "Renewals — Q3 🚀", "Partners", "Enterprise", "Upsell", "Inbound")
TASK_TYPES = ("CALL", "EMAIL", "FOLLOW_UP", "MEETING", "MILESTONE", "SEND", "TWEET", "OTHER")
TICKET_STATUSES = ("NEW", "OPEN", "PENDING", "CLOSED")
TICKET_FILTERS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    ("All Tickets", tuple(("status", "TICKET_STATUS_IS", s) for s in TICKET_STATUSES)),
    ("New Tickets", (("status", "TICKET_STATUS_IS", "NEW"),)),
    ("Open and Pending", (("status", "TICKET_STATUS_IS", "OPEN"),
                          ("status", "TICKET_STATUS_IS", "PENDING"))),
    ("My Tickets", (("assignee_id", "EQUALS", "0"),)),
)  # fmt: skip
CUSTOM_FILL = 0.8  # share of records with a value in each custom field
NOTE_SLOTS = 3
DOC_SLOTS = 2
DEAL_NOTE_SLOTS = 3
MESSAGE_SLOTS = 4


def _props_apply(record: Record, over: Record) -> None:
    """Merge an overlay into a record; ``properties`` as a dict sets values by name.

    Args:
        record: The generated record.
        over: The changes.
    """
    for key, value in over.items():
        if key == "properties" and isinstance(value, dict):
            props: list[Record] = [dict(p) for p in record.get("properties", [])]
            by_name = {p["name"]: p for p in props}
            for name, val in value.items():
                if name in by_name:
                    by_name[name]["value"] = val
                else:
                    props.append({"type": "CUSTOM", "name": name, "value": val})
            record["properties"] = props
        else:
            record[key] = value


def _ms_times(record: Record) -> tuple[int, int]:
    return int(record["created_time"]) // 1000, int(record.get("last_updated_time") or 0) // 1000


class AgileData:
    """Generators of every stream, and the tables built on them."""

    def __init__(self, config: AgileConfig, clock: Clock) -> None:
        """Prepare the per-stream constants and tables from the config and the simulator clock."""
        self.config = config
        self.seed = config.seed
        self.clock = clock
        self.owner_ids = IdSpace(self.seed, "owners")
        self.filter_ids = IdSpace(self.seed, "ticket_filters")
        c = config
        self.counts = {
            "contacts": c.contacts,
            "companies": c.companies,
            "deals": c.tracks * c.deals_per_track,
            "tracks": c.tracks,
            "tasks": c.tasks,
            "events": c.events,
            "campaigns": c.campaigns,
            "tickets": c.tickets,
        }
        span = c.anchor - START - MAX_UPDATE_DELAY - EVENT_LEAD - DAY
        self._step = {k: max(1, span // max(1, n)) for k, n in self.counts.items()}
        self.tables: dict[str, Table] = {}
        for name in self.counts:
            self.tables[name] = self._table(name)
        self.tables["tracks"].stamp_update = lambda _now: {}
        self.tables["tasks"].stamp_update = lambda _now: {}
        self.tables["events"].stamp_update = lambda _now: {}
        tickets = self.tables["tickets"]
        tickets.times = _ms_times
        tickets.stamp_create = lambda now: {
            "created_time": now * 1000,
            "last_updated_time": now * 1000,
        }
        tickets.stamp_update = lambda now: {"last_updated_time": now * 1000}
        self._child("notes", "contacts", NOTE_SLOTS, "contact_id", self.note)
        self._child("documents", "contacts", DOC_SLOTS, "contact_id", self.document)
        self._child("deal_notes", "deals", DEAL_NOTE_SLOTS, "deal_id", self.deal_note)
        self._child("ticket_messages", "tickets", MESSAGE_SLOTS, "ticket_id", self.message)
        self.tables["ticket_messages"].times = _ms_times

    # ----------------------------------------------------------------- tables

    def _table(self, name: str) -> Table:
        ids = SequentialIds(1) if name == "tickets" else IdSpace(self.seed, name)
        generate: t.Callable[[int], Record] = {
            "contacts": self.contact,
            "companies": self.company,
            "deals": self.deal,
            "tracks": self.track,
            "tasks": self.task,
            "events": self.event,
            "campaigns": self.campaign,
            "tickets": self.ticket,
        }[name]
        return Table(
            name,
            count=self.counts[name],
            generate=generate,
            created=lambda i: self.created(name, i),
            ids=ids,
            clock=self.clock,
            seed=self.seed,
            apply=_props_apply,
            updated=lambda i: self.updated(name, i),
        )

    def _child(
        self, name: str, parent: str, slots: int, field: str, gen: t.Callable[[int], Record]
    ) -> None:
        table = ChildTable(
            name,
            parent=self.tables[parent],
            slots=slots,
            children=lambda p: self.children(name, p, slots),
            parent_field=field,
            generate=gen,
            created=lambda i: self.child_created(name, parent, i, slots),
            ids=IdSpace(self.seed, name),
            clock=self.clock,
            seed=self.seed,
        )
        if name == "ticket_messages":
            table.stamp_create = lambda now: {"created_time": now * 1000}
        else:
            table.stamp_create = lambda now: {"created_time": now}
        table.stamp_update = lambda _now: {}
        self.tables[name] = table

    def children(self, name: str, parent: int, slots: int) -> int:
        """Number of base children of a parent (tickets always have a first message).

        Args:
            name: Child stream.
            parent: Parent index.
            slots: Slots per parent.

        Returns:
            The number.
        """
        n = h64(self.seed, name, "children", parent) % (slots + 1)
        return max(1, n) if name == "ticket_messages" else n

    # ----------------------------------------------------------------- times and ids

    def created(self, stream: str, index: int) -> int:
        """Base created time, strictly increasing with the index (epoch seconds).

        Args:
            stream: Stream name.
            index: Record index (created records above the base get their own time).

        Returns:
            Epoch seconds.
        """
        step = self._step[stream]
        return START + index * step + h64(self.seed, stream, index, "c") % step

    def never_updated(self, stream: str, index: int) -> bool:
        """Tell whether a base record was never updated (``updated_time`` 0).

        Args:
            stream: Stream name.
            index: Record index.

        Returns:
            True for about one record in three.
        """
        return h64(self.seed, stream, index, "nu") % NEVER_UPDATED_RATE == 0

    def updated(self, stream: str, index: int) -> int:
        """Base updated time: 0, or up to 60 days after creation.

        Args:
            stream: Stream name.
            index: Record index.

        Returns:
            Epoch seconds, or 0.
        """
        if stream not in {"contacts", "companies", "deals", "campaigns", "tickets"}:
            return 0
        if self.never_updated(stream, index):
            return 0
        delay = 1 + h64(self.seed, stream, index, "u") % MAX_UPDATE_DELAY
        return self.created(stream, index) + delay

    def child_created(self, name: str, parent: str, index: int, slots: int) -> int:
        """A child's created time: after its parent's.

        Args:
            name: Child stream.
            parent: Parent stream.
            index: Child index.
            slots: Slots per parent.

        Returns:
            Epoch seconds.
        """
        p, k = divmod(index, slots)
        return self.created(parent, p) + (k + 1) * 3600 + h64(self.seed, name, index) % 600

    def rid(self, stream: str, index: int) -> int | str:
        """A record's id as served: an int, or for some records a digit string.

        Args:
            stream: Stream name.
            index: Record index.

        Returns:
            The id.
        """
        rid = self.tables[stream].ids.id_of(index)
        if index % STRING_ID_RATE == 3:  # noqa: PLR2004 - any fixed slot
            return str(rid)
        return rid

    def owner(self, n: int) -> Record:
        """A user (owner) object as embedded in records.

        Args:
            n: Owner number.

        Returns:
            The owner.
        """
        n %= self.config.owners
        domain = self.config.domain
        name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} Owner{n}"
        slug = f"Owner{n}"
        email = self.config.email if n == 0 else f"owner{n}@{DOMAINS[n % len(DOMAINS)]}"
        return {
            "id": self.owner_ids.id_of(n),
            "domain": domain,
            "email": email,
            "phone": "",
            "name": name,
            "pic": f"https://d1gwclp1pmzk26.cloudfront.net/img/gravatar/{n}.png",
            "schedule_id": slug,
            "calendar_url": f"https://{domain}.agilecrm.com/calendar/{slug}",
            "calendarURL": f"https://{domain}.agilecrm.com/calendar/{slug}",
            "is_admin": n == 0,
            "is_account_owner": n == 0,
            "is_disabled": False,
        }

    # ----------------------------------------------------------------- contacts and companies

    def _entity(self, stream: str, index: int, r: random.Random) -> Record:
        created = self.created(stream, index)
        created_out: int | str = created
        if index % STRING_ID_RATE == STRING_ID_RATE // 2:
            created_out = str(created)
        viewed_ms = (created + r.randrange(1, 90 * DAY)) * 1000 if r.random() < 0.5 else 0  # noqa: PLR2004
        tags = sorted(set(r.sample(TAGS, r.randrange(0, 4)))) if stream == "contacts" else []
        return {
            "id": self.rid(stream, index),
            "type": "PERSON" if stream == "contacts" else "COMPANY",
            "created_time": created_out,
            "updated_time": self.updated(stream, index),
            "last_contacted": 0,
            "last_emailed": 0,
            "last_campaign_emaild": 0,
            "last_called": 0,
            "viewed_time": 0,
            "viewed": {"viewed_time": viewed_ms, "viewer_id": self.owner_ids.id_of(0)}
            if viewed_ms
            else {"viewed_time": 0},
            "star_value": r.randrange(0, 6),
            "lead_score": r.randrange(0, 120),
            "tags": tags,
            "tagsWithTime": [
                {
                    "tag": tag,
                    "createdTime": created * 1000 + 1000 * k,
                    "availableCount": 0,
                    "entity_type": "tag",
                }
                for k, tag in enumerate(tags)
            ],
            "properties": [],
            "campaignStatus": [],
            "entity_type": "contact_entity",
            "unsubscribeStatus": [],
            "emailBounceStatus": [],
            "formId": 0,
            "owner": self.owner(r.randrange(self.config.owners)),
        }

    def contact(self, index: int) -> Record:
        """A contact (type PERSON)."""
        r = rng(self.seed, "contacts", index)
        rec = self._entity("contacts", index, r)
        first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
        slug = "".join(c for c in first.lower() if c.isascii() and c.isalnum()) or "user"
        address = {
            "address": f"{r.randrange(1, 999)} {r.choice(WORDS).title()} Street",
            "city": r.choice(CITIES),
            "state": r.choice(STATES),
            "zip": f"{r.randrange(0, 99999):05d}",
            "country": r.choice(COUNTRIES),
        }
        props: list[Record] = [
            {"type": "SYSTEM", "name": "first_name", "value": first},
            {"type": "SYSTEM", "name": "last_name", "value": last},
            {"type": "SYSTEM", "name": "email", "subtype": r.choice(("work", "personal", "")),
             "value": f"{slug}{index}@{r.choice(DOMAINS)}"},
            {"type": "SYSTEM", "name": "phone", "subtype": r.choice(("work", "home", "mobile")),
             "value": f"+1{r.randrange(10**9, 10**10)}"},
            {"type": "SYSTEM", "name": "company", "value": r.choice(COMPANY_WORDS)},
            {"type": "SYSTEM", "name": "title", "value": r.choice(ROLES)},
            {"type": "SYSTEM", "name": "address", "value": json.dumps(address, ensure_ascii=False)},
            {"type": "SYSTEM", "name": "website", "subtype": "LINKEDIN",
             "value": f"https://www.linkedin.com/in/{slug}{index}"},
        ]  # fmt: skip
        custom: list[tuple[str, str | int]] = [
            ("Text field", r.choice(UNICODE_TEXTS)),
            ("Team Size", str(r.randrange(1, 500))),
            ("Date of Joining", self.created("contacts", index) - r.randrange(0, 3000) * DAY),
            ("Accept terms", "on"),
            ("Product", r.choice(("tomato", "potato", "onion"))),
            ("Companies worked", json.dumps([str(self.tables["companies"].ids.id_of(j))
                                             for j in range(r.randrange(0, 3))])),
            ("Employee code", f"{r.randrange(0, 1000):03d}"),
            ("Revenue", f"{r.randrange(0, 10**6)}.{r.randrange(0, 100):02d}"),
            ("Prénom d'usage — 名前", r.choice(FIRST_NAMES)),
        ]  # fmt: skip
        props += [{"type": "CUSTOM", "name": n, "value": v} for n, v in custom
                  if r.random() < CUSTOM_FILL]  # fmt: skip
        rec["properties"] = props
        if self.config.companies and r.random() < 0.6:  # noqa: PLR2004
            rec["contact_company_id"] = str(
                self.tables["companies"].ids.id_of(r.randrange(self.config.companies))
            )
        return rec

    def company(self, index: int) -> Record:
        """A company (type COMPANY)."""
        r = rng(self.seed, "companies", index)
        rec = self._entity("companies", index, r)
        name = f"{r.choice(COMPANY_WORDS)} {r.choice(COMPANY_SUFFIXES)} {index}"
        rec["properties"] = [
            {"type": "SYSTEM", "name": "name", "value": name},
            {"type": "SYSTEM", "name": "name_lower", "value": name.lower()},
            {"type": "SYSTEM", "name": "url", "value": f"https://{r.choice(DOMAINS)}/{index}"},
            {"type": "SYSTEM", "name": "phone", "value": f"+49{r.randrange(10**8, 10**9)}"},
            {"type": "CUSTOM", "name": "Industry", "value": r.choice(("Retail", "SaaS", "Bank"))},
            {"type": "CUSTOM", "name": "Employees", "value": str(r.randrange(1, 10**5))},
            {"type": "CUSTOM", "name": "Founded", "value": START - r.randrange(0, 20000) * DAY},
            {"type": "CUSTOM", "name": "Verified", "value": "on"},
            {"type": "CUSTOM", "name": "Branch code", "value": f"{r.randrange(0, 10000):04d}"},
        ]
        return rec

    # ----------------------------------------------------------------- deals and tracks

    def track(self, index: int) -> Record:
        """A deal track (pipeline) with its milestones.

        Args:
            index: Track index (0 is the default track).

        Returns:
            The record.
        """
        name = TRACK_NAMES[index] if index < len(TRACK_NAMES) else f"Track {index}"
        return {
            "id": self.tables["tracks"].ids.id_of(index),
            "name": name,
            "milestones": MILESTONES if index == 0 else OTHER_MILESTONES,
            "won_milestone": "Won" if index == 0 else "Closed Won",
            "lost_milestone": "Lost" if index == 0 else "Closed Lost",
            "isDefault": index == 0,
        }

    def deal_track(self, index: int) -> int:
        """The track index of a base deal.

        Args:
            index: Deal index.

        Returns:
            Track index.
        """
        return index % self.config.tracks

    def deal(self, index: int) -> Record:
        """A deal (opportunity)."""
        r = rng(self.seed, "deals", index)
        track = self.deal_track(index)
        tid = self.tables["tracks"].ids.id_of(track)
        milestones = (MILESTONES if track == 0 else OTHER_MILESTONES).split(",")
        milestone = r.choice(milestones)
        created = self.created("deals", index)
        owner = r.randrange(self.config.owners)
        contacts = self.config.contacts
        contact_ids = [str(self.tables["contacts"].ids.id_of(r.randrange(contacts)))
                       for _ in range(r.randrange(0, 3) if contacts else 0)]  # fmt: skip
        return {
            "id": self.rid("deals", index),
            "name": f"{r.choice(COMPANY_WORDS)} {r.choice(WORDS)} deal {index}",
            "contact_ids": contact_ids,
            "custom_data": [
                {"name": "Deal source", "value": r.choice(("Web", "Referral", "Event"))},
                {"name": "Renewal date", "value": str(created + 365 * DAY)},
                {"name": "Seats", "value": str(r.randrange(1, 200))},
                {"name": "Code", "value": f"{r.randrange(0, 100):03d}"},
            ][: r.randrange(0, 5)],
            "description": r.choice(UNICODE_TEXTS),
            "expected_value": float(r.randrange(0, 10**6)),
            "pipeline_id": str(tid) if r.random() < 0.5 else tid,  # noqa: PLR2004
            "milestone": milestone,
            "pipeline_milestone": f"{tid}_{milestone}",
            "probability": r.randrange(0, 101),
            "close_date": created + r.randrange(1, 180) * DAY,
            "owner_id": str(self.owner_ids.id_of(owner)),
            "created_time": created,
            "updated_time": self.updated("deals", index),
            "archived": False,
            "lost_reason_id": "",
            "deal_source_id": "",
            "colorName": r.choice(("BLUE", "RED", "GREEN", "WHITE")),
            "entity_type": "deal",
            "notes": [],
            "note_description": "",
            "tagsWithTime": [],
            "contacts": [],
            "owner": self.owner(owner),
        }

    def deal_note(self, index: int) -> Record:
        """A note of a deal; like the API's, it does not name its deal."""
        r = rng(self.seed, "deal_notes", index)
        rec: Record = {
            "id": self.tables["deal_notes"].ids.id_of(index),
            "created_time": self.child_created("deal_notes", "deals", index, DEAL_NOTE_SLOTS),
            "subject": f"Deal note {r.choice(WORDS)}",
            "description": r.choice(UNICODE_TEXTS),
            "entity_type": "note",
        }
        if r.random() < 0.5:  # noqa: PLR2004
            rec["contact_ids"] = []
            rec["deal_ids"] = []
        return rec

    # ----------------------------------------------------------------- contact children

    def note(self, index: int) -> Record:
        """A note of a contact."""
        r = rng(self.seed, "notes", index)
        table = self.tables["notes"]
        assert isinstance(table, ChildTable)  # noqa: S101 - built in __init__
        parent = table.parent_of(index)
        cid = str(self.tables["contacts"].ids.id_of(parent))
        return {
            "id": table.ids.id_of(index),
            "created_time": self.child_created("notes", "contacts", index, NOTE_SLOTS),
            "subject": f"Note {r.choice(WORDS)}",
            "description": r.choice(UNICODE_TEXTS),
            "contact_ids": [cid],
            "contacts": [{"id": int(cid), "type": "PERSON", "properties": [
                {"type": "SYSTEM", "name": "first_name", "value": r.choice(FIRST_NAMES)}]}],
            "entity_type": "note",
        }  # fmt: skip

    def document(self, index: int) -> Record:
        """A document attached to a contact."""
        r = rng(self.seed, "documents", index)
        table = self.tables["documents"]
        assert isinstance(table, ChildTable)  # noqa: S101 - built in __init__
        cid = str(self.tables["contacts"].ids.id_of(table.parent_of(index)))
        name = f"{r.choice(WORDS)}-{index}"
        ext = r.choice(("pdf", "PNG", "docx"))
        return {
            "id": table.ids.id_of(index),
            "name": name,
            "dummy_name": name,
            "uploaded_time": self.child_created("documents", "contacts", index, DOC_SLOTS),
            "extension": f"{name}.{ext}",
            "doc_type": "ATTACHMENT",
            "text": "",
            "template_type": "",
            "size": r.randrange(1000, 10**7),
            "network_type": "S3",
            "url": f"https://s3.amazonaws.com/agilecrm/panel/{name}.{ext}?id=uploadDocumentForm",
            "entity_type": "document",
            "contact_ids": [cid],
            "case_ids": [],
            "deal_ids": [],
            "owner": self.owner(r.randrange(self.config.owners)),
        }

    # ----------------------------------------------------------------- tasks, events, campaigns

    def task(self, index: int) -> Record:
        """A task."""
        r = rng(self.seed, "tasks", index)
        created = self.created("tasks", index)
        status = r.choice(("YET_TO_START", "IN_PROGRESS", "COMPLETED"))
        owner = r.randrange(self.config.owners)
        contacts = self.config.contacts
        return {
            "id": self.rid("tasks", index),
            "type": r.choice(TASK_TYPES),
            "priority_type": r.choice(("HIGH", "NORMAL", "LOW")),
            "due": created + r.randrange(-5, 30) * DAY,
            "created_time": created,
            "is_complete": status == "COMPLETED",
            "contacts": [{"id": self.tables["contacts"].ids.id_of(r.randrange(contacts)),
                          "type": "PERSON"}] if contacts and r.random() < CUSTOM_FILL else [],
            "subject": f"{r.choice(WORDS).title()} {r.choice(UNICODE_TEXTS)}",
            "entity_type": "task",
            "notes": [],
            "progress": 100 if status == "COMPLETED" else r.randrange(0, 100),
            "status": status,
            "owner_id": str(self.owner_ids.id_of(owner)),
            "taskOwner": self.owner(owner),
        }  # fmt: skip

    def event(self, index: int) -> Record:
        """A calendar event; ``start`` and ``end`` in epoch seconds."""
        r = rng(self.seed, "events", index)
        created = self.created("events", index)
        start = created + EVENT_LEAD
        all_day = r.random() < 0.3  # noqa: PLR2004
        return {
            "id": self.rid("events", index),
            "start": start,
            "end": start + (DAY - 1 if all_day else r.randrange(1, 9) * 1800),
            "is_event_starred": r.random() < 0.1,  # noqa: PLR2004
            "allDay": all_day,
            "title": f"{r.choice(WORDS).title()} {r.choice(UNICODE_TEXTS)}",
            "color": r.choice(("red", "green", "blue", "#36C")),
            "created_time": created,
            "contacts": [],
            "owner": self.owner(r.randrange(self.config.owners)),
        }

    def campaign(self, index: int) -> Record:
        """A campaign (workflow); ``rules`` is JSON inside a string."""
        r = rng(self.seed, "campaigns", index)
        node = {
            "NodeDefinition": {"name": "Start"},
            "States": [{"yes": "hangup"}],
            "JsonValues": [{"name": "subject", "value": r.choice(UNICODE_TEXTS)}],
        }
        rules = {"nodes": [node]}
        return {
            "id": self.rid("campaigns", index),
            "name": f"Campaign {r.choice(WORDS)} {index}",
            "created_time": self.created("campaigns", index),
            "updated_time": self.updated("campaigns", index),
            "rules": json.dumps(rules, ensure_ascii=False),
            "unsubscribe": {"action": "ASK_USER", "tag": "", "unsubscribe_email": ""},
            "domainUserId": self.owner_ids.id_of(0),
            "creatorName": self.owner(0)["name"],
            "is_disabled": r.random() < 0.2,  # noqa: PLR2004
        }  # fmt: skip

    # ----------------------------------------------------------------- helpdesk

    def ticket(self, index: int) -> Record:
        """A helpdesk ticket; its id is small and sequential, its times in milliseconds."""
        r = rng(self.seed, "tickets", index)
        created_ms = self.created("tickets", index) * 1000 + r.randrange(1000)
        updated = self.updated("tickets", index)
        last_ms = updated * 1000 if updated else created_ms
        assignee = r.randrange(self.config.owners)
        contacts = self.config.contacts
        contact = self.tables["contacts"].ids.id_of(r.randrange(contacts)) if contacts else 0
        text = r.choice(UNICODE_TEXTS)
        return {
            "id": index + 1,
            "groupID": self.owner_ids.id_of(1000),
            "assigneeID": self.owner_ids.id_of(assignee),
            "assigned_to_group": True,
            "requester_name": f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}",
            "requester_email": f"requester{index}@{r.choice(DOMAINS)}",
            "contactID": contact,
            "subject": f"Ticket {index + 1}: {r.choice(WORDS)}",
            "cc_emails": [],
            "created_time": created_ms,
            "last_updated_time": last_ms,
            "last_updated_by": r.choice(("REQUESTER", "AGENT")),
            "first_notes_text": text,
            "last_reply_text": text,
            "status": r.choice(TICKET_STATUSES),
            "type": r.choice(("PROBLEM", "QUESTION", "INCIDENT", "TASK")),
            "priority": r.choice(("LOW", "MEDIUM", "HIGH")),
            "source": r.choice(("EMAIL", "WEB_FORM")),
            "created_by": "CUSTOMER",
            "entity_type": "tickets",
            "labels": [],
            "contact_ids": [],
        }

    def ticket_filters(self) -> list[Record]:
        """The account's ticket filters (a ticket can be in several).

        Returns:
            The filters.
        """
        out = []
        for n, (name, conditions) in enumerate(TICKET_FILTERS):
            conds = [{"LHS": lhs, "CONDITION": cond, "RHS": rhs} for lhs, cond, rhs in conditions]
            if name == "My Tickets":
                conds[0]["RHS"] = str(self.owner_ids.id_of(0))
            out.append({
                "id": self.filter_ids.id_of(n),
                "name": name,
                "conditions": conds,
                "owner_id": self.owner_ids.id_of(0),
                "updated_time": (self.config.anchor - DAY * (n + 1)) * 1000,
                "is_default_filter": True,
            })  # fmt: skip
        return out

    @staticmethod
    def in_filter(ticket: Record, flt: Record) -> bool:
        """Tell whether a ticket matches a filter (status conditions OR-ed, others AND-ed).

        Args:
            ticket: The ticket.
            flt: The filter.

        Returns:
            True when it matches.
        """
        statuses = [c["RHS"] for c in flt["conditions"] if c["LHS"] == "status"]
        if statuses and ticket["status"] not in statuses:
            return False
        return all(
            str(ticket["assigneeID"]) == c["RHS"]
            for c in flt["conditions"]
            if c["LHS"] == "assignee_id"
        )

    def message(self, index: int) -> Record:
        """A message of a ticket (times in milliseconds)."""
        r = rng(self.seed, "ticket_messages", index)
        table = self.tables["ticket_messages"]
        assert isinstance(table, ChildTable)  # noqa: S101 - built in __init__
        parent = table.parent_of(index)
        created = self.child_created("ticket_messages", "tickets", index, MESSAGE_SLOTS) * 1000
        text = r.choice(UNICODE_TEXTS)
        return {
            "id": table.ids.id_of(index),
            "ticket_id": parent + 1,
            "assignee_id": self.owner_ids.id_of(r.randrange(self.config.owners)),
            "created_by": r.choice(("REQUESTER", "AGENT")),
            "created_time": created,
            "plain_text": text,
            "html_text": f"<p>{text}</p>",
            "note_type": r.choice(("PUBLIC", "PRIVATE")),
            "attachments_list": [],
            "cc_emails": [],
            "close_ticket": False,
            "is_compressed": False,
        }

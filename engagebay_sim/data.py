"""Deterministic generation of every record of the simulated account.

A record is a pure function of ``(seed, stream, index)`` (and, for ``properties``, of the
custom field definitions of its scope). Nothing here keeps a list of records: the store asks
for one record at a time.
"""

from __future__ import annotations

import json
import typing as t

from crm_sim.table import CREATED_CHILD_BASE, IdSpace
from engagebay_sim.text import (
    CITIES,
    COLORS,
    COMPANY_SUFFIXES,
    COMPANY_WORDS,
    COUNTRIES,
    DOMAINS,
    MASK52,
    ROLES,
    STATES,
    TIME_ZONES,
    UNICODE_TEXTS,
    WORDS,
    ascii_slug,
    h64,
    long_text,
    person,
    rng,
)

if t.TYPE_CHECKING:
    import random

    from engagebay_sim.config import SimConfig

Record = dict[str, t.Any]

PAGED_STREAMS = ("contacts", "companies", "deals", "tasks", "tickets", "products")
CHILD_STREAMS = ("notes", "call_logs")
SMALL_STREAMS = ("tracks", "owners", "custom_fields", "tags", "contact_lists", "forms")
STREAMS = (*PAGED_STREAMS, *CHILD_STREAMS, "events", *SMALL_STREAMS)
SCOPES = ("CONTACT", "COMPANY", "DEAL", "TICKET")
SCOPE_OF = {"contacts": "CONTACT", "companies": "COMPANY", "deals": "DEAL", "tickets": "TICKET"}
FIELD_TYPES = (
    "TEXT",
    "TEXTAREA",
    "NUMBER",
    "CURRENCY",
    "DATE",
    "LIST",
    "CHECKBOX",
    "MULTICHECKBOX",
    "URL",
    "PHONE",
    "FILE",
)
# Children of one contact: indexes parent * CHILD_SLOTS + k; created children live above this.
CHILD_SLOTS = 4
ORPHAN_PROPERTY = "Old field (deleted)"
DAY = 86_400
START = 1_577_836_800  # 2020-01-01T00:00:00Z

# (label, field_type, field_data): every field type, plus the hard cases of real accounts.
CUSTOM_FIELD_TEMPLATE: tuple[tuple[str, str, str], ...] = (
    ("Nickname", "TEXT", ""),
    ("Background", "TEXTAREA", ""),
    ("Employees", "NUMBER", ""),
    ("Annual Revenue", "CURRENCY", ""),
    ("Renewal Date", "DATE", ""),
    ("Lead Source", "LIST", "Web,Referral,Event,Cold call,Partner"),
    ("Newsletter", "CHECKBOX", ""),
    ("Interests", "MULTICHECKBOX", "box1,box2,box3,box4"),
    ("Website Field", "URL", ""),
    ("Phone Number Field", "PHONE", ""),
    ("Files", "FILE", ""),
    ("Prénom d'usage (ñ) — 名前 / #1!", "TEXT", ""),
    ("id", "TEXT", ""),
    ("owner_id", "NUMBER", ""),
    ("created_time", "DATE", ""),
    ("Deal Size", "NUMBER", ""),
    ("deal_size", "TEXT", ""),
    (
        "A custom field label that is much longer than sixty-three bytes, to test identifiers",
        "TEXT",
        "",
    ),
)

DEFAULT_MILESTONES = (
    ("New", "#e2e0e0", 0.1),
    ("Prospect", "#c5dec3", 0.2),
    ("Proposal", "#c9dde4", 0.3),
    ("Won", "#a6dca2", 1.0),
    ("Lost", "#e4b5b6", 0.0),
)
OTHER_MILESTONES = (
    ("Qualification", "#c5dec3", 0.1),
    ("Demo", "#c9dde4", 0.25),
    ("Négociation", "#46d6db", 0.6),
    ("Closed Won", "#a6dca2", 1.0),
    ("Closed Lost", "#e4b5b6", 0.0),
)
TRACK_NAMES = ("Default", "Renewals — Q3 🚀", "Partners", "Enterprise", "Upsell", "Inbound")

STREAM_NUMBER = {name: n for n, name in enumerate(STREAMS)}


class Dataset:
    """Generate the base records of an account, one at a time, from the config's seed."""

    def __init__(self, config: SimConfig) -> None:
        """Prepare per-stream constants (id bijections, time steps, custom fields).

        Args:
            config: The account config.
        """
        self.config = config
        self.seed = config.seed
        # Index 0 of each stream gets the id 2**53 - 1 - k: ids right at the edge.
        self.ids = {name: IdSpace(self.seed, name, offset=MASK52 - STREAM_NUMBER[name])
                    for name in STREAMS}  # fmt: skip
        span = config.anchor - START - 45 * DAY
        self._step = {name: max(1, span // max(1, self.base_count(name))) for name in PAGED_STREAMS}
        self._delta = {name: DAY + h64(self.seed, "delta", name) % (30 * DAY) for name in STREAMS}
        self.custom_fields: dict[str, list[Record]] = {
            scope: [self._field_definition(scope, pos, *spec)
                    for pos, spec in enumerate(CUSTOM_FIELD_TEMPLATE)]
            for scope in SCOPES
        }  # fmt: skip
        self._date_pattern = java_to_strftime(config.date_format)

    # ----------------------------------------------------------------- counts and ids

    def base_count(self, stream: str) -> int:
        """Size of a stream's base index space.

        Args:
            stream: Stream name.

        Returns:
            The number of base indexes (for child streams, slots, not all of them used).
        """
        c = self.config
        counts = {
            "contacts": c.contacts,
            "companies": c.companies,
            "deals": c.tracks * c.deals_per_track,
            "tasks": c.tasks,
            "tickets": c.tickets,
            "products": c.products,
            "notes": c.contacts * CHILD_SLOTS,
            "call_logs": c.contacts * CHILD_SLOTS,
            "events": c.events,
            "tracks": c.tracks,
            "owners": c.owners,
            "tags": c.tags,
            "contact_lists": c.lists,
            "forms": c.forms,
            "custom_fields": len(SCOPES) * len(CUSTOM_FIELD_TEMPLATE),
        }
        return counts[stream]

    def id_of(self, stream: str, index: int) -> int:
        """The id of a record: a bijection of the index onto [2**52, 2**53).

        Args:
            stream: Stream name.
            index: Record index.

        Returns:
            The 16-digit id.
        """
        return self.ids[stream].id_of(index)

    def index_of(self, stream: str, record_id: int) -> int:
        """Invert ``id_of``.

        Args:
            stream: Stream name.
            record_id: An id.

        Returns:
            The index, or -1 when the id is outside the id space.
        """
        return self.ids[stream].index_of(record_id)

    def _h(self, stream: str, index: int, what: str) -> int:
        return h64(self.seed, stream, index, what)

    def id_value(self, stream: str, index: int, what: str = "id") -> int | str:
        """The id as the API sends it: about one record in seven sends it as a string.

        Args:
            stream: Stream of the record whose id this is.
            index: Index of that record.
            what: Which key of the referencing record (each draws independently).

        Returns:
            The id, an int or its decimal string.
        """
        rid = self.id_of(stream, index)
        return str(rid) if self._h(stream, index, "str-" + what) % 7 == 0 else rid

    # ----------------------------------------------------------------- times

    def child_exists(self, stream: str, index: int) -> bool:
        """Tell whether a base child slot holds a record.

        Args:
            stream: ``notes`` or ``call_logs``.
            index: Slot index (parent * CHILD_SLOTS + k).

        Returns:
            True when the parent contact has at least k + 1 such children.
        """
        parent, k = divmod(index, CHILD_SLOTS)
        return k < self.children_of(stream, parent)

    def children_of(self, stream: str, parent: int) -> int:
        """Number of base notes (0-3) or call logs (0-2) of a contact.

        Args:
            stream: ``notes`` or ``call_logs``.
            parent: Contact index.

        Returns:
            The count.
        """
        if not 0 <= parent < self.config.contacts:
            return 0
        modulo = 4 if stream == "notes" else 3
        return self._h("contacts", parent, stream) % modulo

    def created_time(self, stream: str, index: int) -> int:
        """Creation time (epoch seconds) of a base record, strictly increasing with index.

        Args:
            stream: Stream name.
            index: Base index.

        Returns:
            Epoch seconds.
        """
        if stream in PAGED_STREAMS:
            step = self._step[stream]
            jitter = self._h(stream, index, "ct") % step if step > 1 else 0
            return START + index * step + jitter
        if stream in CHILD_STREAMS:
            parent, k = divmod(index, CHILD_SLOTS)
            return self.created_time("contacts", parent) + 3_600 * (k + 1) + k
        if stream == "events":
            return self.event_start_ms(index) // 1000 - 3 * DAY
        return START - DAY * (400 - index % 400) + index

    def updated_time(self, stream: str, index: int) -> int:
        """Last update time of a base record, 0 for the ~40% never updated.

        Args:
            stream: Stream name.
            index: Base index.

        Returns:
            Epoch seconds or 0.
        """
        if self.never_updated(stream, index):
            return 0
        return self.created_time(stream, index) + self._delta[stream]

    def never_updated(self, stream: str, index: int) -> bool:
        """Tell whether a base record was never updated (``updated_time`` 0 or absent).

        Args:
            stream: Stream name.
            index: Base index.

        Returns:
            True for about 40% of records.
        """
        return self._h(stream, index, "upd") % 10 < 4  # noqa: PLR2004 - 40%

    def updated_time_absent(self, stream: str, index: int) -> bool:
        """Tell whether a never-updated record leaves ``updated_time`` out altogether.

        Args:
            stream: Stream name.
            index: Base index.

        Returns:
            True for about a third of the never-updated records.
        """
        return self.never_updated(stream, index) and self._h(stream, index, "abs") % 3 == 0

    def event_start_ms(self, index: int) -> int:
        """Start of a base event in epoch ms, increasing with index over the past year.

        Args:
            index: Event index.

        Returns:
            Epoch milliseconds.
        """
        year = 365 * DAY
        step = max(1, year // max(1, self.config.events))
        first = self.config.anchor - year
        jitter = self._h("events", index, "start") % step
        return (first + index * step + jitter) // 60 * 60 * 1000

    def deal_track(self, index: int) -> int:
        """Track index of a base deal.

        Args:
            index: Deal index.

        Returns:
            The track index.
        """
        return index % self.config.tracks

    # ----------------------------------------------------------------- helpers

    def _times(self, stream: str, index: int, rec: Record) -> None:
        rec["created_time"] = self.created_time(stream, index)
        if not self.updated_time_absent(stream, index):
            rec["updated_time"] = self.updated_time(stream, index)

    def owner_index(self, stream: str, index: int) -> int:
        """Which owner a record belongs to.

        Args:
            stream: Stream name.
            index: Record index.

        Returns:
            Owner index.
        """
        return self._h(stream, index, "owner") % self.config.owners

    def owner_ref(self, owner: int) -> Record:
        """The ``{id, email, name}`` owner object embedded in records.

        Args:
            owner: Owner index.

        Returns:
            The object.
        """
        first, last = self._owner_name(owner)
        return {
            "id": self.id_of("owners", owner),
            "email": self._owner_email(owner),
            "name": f"{first} {last}",
        }

    def _owner_name(self, owner: int) -> tuple[str, str]:
        if owner == 0:
            first, _, last = self.config.user_name.partition(" ")
            return first, last
        return person(rng(self.seed, "owners", owner, "name"))

    def _owner_email(self, owner: int) -> str:
        if owner == 0:
            return self.config.user_email
        return f"owner{owner}@sim.example.com"

    def contact_name(self, index: int) -> tuple[str, str, str]:
        """First name, last name and email of a contact.

        Args:
            index: Contact index.

        Returns:
            ``(first, last, email)``.
        """
        first, last = person(rng(self.seed, "contacts", index, "name"))
        domain = DOMAINS[self._h("contacts", index, "dom") % len(DOMAINS)]
        return first, last, f"{ascii_slug(first, index)}@{domain}"

    def tag_name(self, index: int) -> str:
        """Name of an account tag.

        Args:
            index: Tag index.

        Returns:
            The tag.
        """
        base = ("Customer", "Lead", "VIP", "Newsletter", "Partner", "Churned", "Trial", "Q3_2024")
        return f"{base[index % len(base)]}{'' if index < len(base) else ' ' + str(index)}"

    def _tags(self, r: random.Random, ct: int) -> list[Record]:
        if not self.config.tags:
            return []
        n = r.randrange(0, 4)
        chosen = sorted({r.randrange(self.config.tags) for _ in range(n)})
        return [{"tag": self.tag_name(i), "assigned_time": ct + 60 * k}
                for k, i in enumerate(chosen)]  # fmt: skip

    def _refs(self, stream: str, count: int, r: random.Random, most: int) -> list[int | str]:
        if not count:
            return []
        picked = sorted({r.randrange(count) for _ in range(r.randrange(0, most + 1))})
        return [self.id_of(stream, i) for i in picked]

    # ----------------------------------------------------------------- properties

    def _field_definition(self, scope: str, pos: int, label: str, ftype: str, data: str) -> Record:
        index = SCOPES.index(scope) * len(CUSTOM_FIELD_TEMPLATE) + pos
        return self.make_field_definition(index, scope, pos, label=label, ftype=ftype, data=data)

    def make_field_definition(  # noqa: PLR0913 - a definition has that many parts
        self, index: int, scope: str, pos: int, *, label: str, ftype: str, data: str = ""
    ) -> Record:
        """Build one custom field definition as ``customfields/list/{scope}`` returns it.

        Args:
            index: Index in the ``custom_fields`` stream (fixes the id).
            scope: CONTACT, COMPANY, DEAL or TICKET.
            pos: Position within the scope.
            label: The field label (the name used in records' properties).
            ftype: The field type.
            data: ``field_data`` (comma-separated options for LIST and MULTICHECKBOX).

        Returns:
            The definition.
        """
        created = START - 200 * DAY + index * 3_600
        return {
            "id": self.id_of("custom_fields", index),
            "field_type": ftype,
            "version": "v2",
            "field_label": label,
            "field_label_case_sensitive": label.lower(),
            "saveSilent": False,
            "field_description": f"{label} ({ftype.lower()})",
            "field_data": data,
            "is_required": False,
            "is_searchable": pos % 3 == 0,
            "showInFilter": False,
            "created_time": created,
            "updated_time": created + (DAY if pos % 2 else 0),
            "scope": scope,
            "position": pos,
            "field_name": label.replace(" ", "_"),
        }

    def format_date(self, epoch: int, *, with_time: bool) -> str:
        """Format a date in the account's date format.

        Args:
            epoch: Epoch seconds.
            with_time: Append `` HH:MM:SS`` as EngageBay sometimes does.

        Returns:
            The formatted date.
        """
        import datetime as dt  # noqa: PLC0415 - only needed here

        moment = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
        text = moment.strftime(self._date_pattern)
        return f"{text} {moment:%H:%M:%S}" if with_time else text

    def _malformed_date(self) -> str:
        return self._date_pattern.replace("%d", "31").replace("%m", "13").replace("%Y", "2019")

    def custom_value(  # noqa: C901, PLR0911, PLR0912 - one branch per field type
        self, stream: str, index: int, field: Record, r: random.Random
    ) -> str | None:
        """The value (always a string) of a custom field on a record; None when unset.

        Args:
            stream: Stream name.
            index: Record index.
            field: The custom field definition.
            r: The record's custom-value PRNG (fields draw from it in definition order, so
                a field added later leaves the other values unchanged).

        Returns:
            The value, or None when the record does not carry the field.
        """
        ftype = field["field_type"]
        # Hard cases at a low but guaranteed rate: one record in 250 has a ~10 kB text and
        # one a NUL character.
        if ftype == "TEXTAREA" and index % 250 == 17:  # noqa: PLR2004
            return long_text(self.seed, stream, index, field["id"])
        if ftype == "TEXT" and index % 250 == 31:  # noqa: PLR2004
            return "before\u0000after NUL"
        roll = r.random()
        if roll < 0.2:  # noqa: PLR2004 - a fifth of records leave a field out
            return None
        if roll < 0.24:  # noqa: PLR2004 - some send it empty
            return ""
        bad = roll > 0.985  # noqa: PLR2004 - a few carry a malformed value
        if ftype in {"TEXT", "TEXTAREA"}:
            special = r.randrange(600)
            if special == 0:
                return "before\u0000after NUL"
            if special == 1 and ftype == "TEXTAREA":
                return long_text(self.seed, stream, index, field["id"])
            text = r.choice(UNICODE_TEXTS)
            return text if ftype == "TEXT" else f"{text}\nline two: {r.choice(WORDS)}"
        if ftype == "NUMBER":
            if bad:
                return "n/a"
            return str(r.randrange(0, 5000)) if r.random() < 0.8 else f"{r.uniform(0, 99):.2f}"  # noqa: PLR2004
        if ftype == "CURRENCY":
            return "1,2O0" if bad else f"{r.randrange(0, 1_000_000) / 100:.2f}"
        if ftype == "DATE":
            if bad:
                return self._malformed_date()
            epoch = START + r.randrange(0, 5 * 365) * DAY + 12 * 3_600
            return self.format_date(epoch, with_time=r.random() < 0.3)  # noqa: PLR2004
        if ftype in {"LIST", "MULTICHECKBOX"}:
            options = [o for o in str(field.get("field_data") or "a,b").split(",") if o]
            if ftype == "LIST":
                return r.choice(options)
            return ",".join(sorted(r.sample(options, r.randrange(1, len(options) + 1))))
        if ftype == "CHECKBOX":
            return "true" if r.random() < 0.5 else "false"  # noqa: PLR2004
        if ftype == "URL":
            return f"https://{r.choice(DOMAINS)}/{r.choice(WORDS)}?q={index}"
        if ftype == "PHONE":
            return f"(0{r.randrange(10, 99)})-{r.randrange(1_000_000, 9_999_999)}"
        if ftype == "FILE":
            files = [f"https://files.{r.choice(DOMAINS)}/f{index}-{k}.csv"
                     for k in range(r.randrange(1, 3))]  # fmt: skip
            return json.dumps(files)
        return r.choice(WORDS)

    def custom_properties(self, stream: str, index: int) -> list[Record]:
        """The CUSTOM entries of a record's ``properties``.

        Args:
            stream: Stream name (contacts, companies, deals or tickets).
            index: Record index.

        Returns:
            The properties, following the scope's definitions, plus now and then a property
            whose definition was deleted.
        """
        out: list[Record] = []
        r = rng(self.seed, stream, index, "cf")
        for field in self.custom_fields[SCOPE_OF[stream]]:
            value = self.custom_value(stream, index, field, r)
            if value is None:
                continue
            out.append(
                {
                    "name": field["field_label"],
                    "value": value,
                    "field_type": field["field_type"],
                    "is_searchable": field["is_searchable"],
                    "type": "CUSTOM",
                }
            )
        if self._h(stream, index, "orphan") % 9 == 0:
            out.append(
                {
                    "name": ORPHAN_PROPERTY,
                    "value": "legacy value",
                    "field_type": "TEXT",
                    "is_searchable": False,
                    "type": "CUSTOM",
                }
            )
        return out

    @staticmethod
    def system(name: str, value: str, subtype: str | None = None) -> Record:
        """A SYSTEM property.

        Args:
            name: Property name.
            value: Its value.
            subtype: Optional subtype (email, phone, website).

        Returns:
            The property.
        """
        prop: Record = {"name": name, "value": value, "field_type": "TEXT"}
        if subtype:
            prop["subtype"] = subtype
        prop["is_searchable"] = False
        prop["type"] = "SYSTEM"
        return prop

    def _address(self, r: random.Random) -> str:
        return json.dumps({
            "address": f"{r.randrange(1, 999)} {r.choice(WORDS).title()} Way",
            "city": r.choice(CITIES),
            "state": r.choice(STATES),
            "country": r.choice(COUNTRIES),
            "zip": f"{r.randrange(10000, 99999)}",
        }, ensure_ascii=False)  # fmt: skip

    # ----------------------------------------------------------------- records

    def record(self, stream: str, index: int) -> Record:
        """Generate the base record of a stream at an index.

        Args:
            stream: Stream name.
            index: Index.

        Returns:
            The record as the API sends it (before any mutation).
        """
        return getattr(self, f"_gen_{stream}")(index)  # type: ignore[no-any-return]

    def _gen_contacts(self, i: int) -> Record:
        c = self.config
        r = rng(self.seed, "contacts", i)
        first, last, email = self.contact_name(i)
        ct = self.created_time("contacts", i)
        owner = self.owner_index("contacts", i)
        props = [self.system("name", first), self.system("last_name", last),
                 self.system("email", email, "primary")]  # fmt: skip
        if r.random() < 0.3:  # noqa: PLR2004
            props.append(self.system("email", f"alt.{email}", "secondary"))
        props.append(self.system("phone", f"+{r.randrange(1, 99)} {r.randrange(10**9, 10**10)}",
                                 r.choice(("work", "home", "mobile"))))  # fmt: skip
        if r.random() < 0.5:  # noqa: PLR2004
            sub = r.choice(("url", "twitter", "linkedin"))
            props.append(self.system("website", f"https://{sub}.example.com/{i}", sub))
        country = r.choice(COUNTRIES)
        props += [self.system("role", r.choice(ROLES)), self.system("country", country),
                  self.system("address", self._address(r))]  # fmt: skip
        props += self.custom_properties("contacts", i)
        rec: Record = {
            "id": self.id_value("contacts", i),
            "owner_id": self.id_value("owners", owner, f"contact-owner-{i}"),
            "name": first,
            "firstname": first,
            "lastname": last,
            "fullname": f"{first} {last}",
            "name_sort": first.lower(),
            "email": email,
            "score": r.randrange(0, 100),
        }
        self._times("contacts", i, rec)
        rec.update(
            {
                "status": r.choice(("CONFIRMED", "CONFIRMED", "UNCONFIRMED", "UNSUBSCRIBED")),
                "sources": [
                    {"type": "DEFAULT", "subscribed_on": ct, "status": "ACTIVE", "custom": 0}
                ],
                "companyIds": self._refs("companies", c.companies, r, 1),
                "contactIds": [],
                "properties": props,
                "listIds": self._refs("contact_lists", c.lists, r, 2),
                "owner": self.owner_ref(owner),
                "entiy_group_name": "subscriber",
                "tags": self._tags(r, ct),
                "broadcastIds": [],
                "openedLinks": [],
                "emailProperties": [],
                "unsubscribeList": [],
                "emailBounceStatus": [] if r.random() < 0.95 else ["HARD_BOUNCE"],  # noqa: PLR2004
                "importedEntity": r.random() < 0.2,  # noqa: PLR2004
                "forceCreate": False,
                "forceUpdate": False,
            }
        )
        return rec

    def _gen_companies(self, i: int) -> Record:
        r = rng(self.seed, "companies", i)
        word = r.choice(COMPANY_WORDS)
        name = f"{word} {r.choice(COMPANY_SUFFIXES)} {i}"
        url = f"www.{word.lower()}{i}.example.com"
        owner = self.owner_index("companies", i)
        props = [self.system("url", url), self.system("name", name),
                 self.system("email", "" if r.random() < 0.3 else f"info@{url[4:]}"),  # noqa: PLR2004
                 self.system("phone", f"+1 555 {r.randrange(1000000, 9999999)}", "work"),
                 self.system("website", f"https://{url}", "url"),
                 self.system("address", self._address(r))]  # fmt: skip
        props += self.custom_properties("companies", i)
        rec: Record = {"id": self.id_value("companies", i), "name": name,
                       "name_sort": name.lower(), "url": url}  # fmt: skip
        self._times("companies", i, rec)
        rec.update(
            {
                "properties": props,
                "tags": self._tags(r, rec["created_time"]),
                "contactIds": [],
                "entiy_group_name": "company",
                "owner_id": self.id_value("owners", owner, f"company-owner-{i}"),
                "owner": self.owner_ref(owner),
                "importedEntity": False,
                "forceCreate": False,
                "companyIds": [],
            }
        )
        return rec

    def milestones(self, track: int) -> tuple[tuple[str, str, float], ...]:
        """Milestones of a track.

        Args:
            track: Track index.

        Returns:
            ``(label, color, probability)`` tuples.
        """
        return DEFAULT_MILESTONES if track == 0 else OTHER_MILESTONES

    def _gen_deals(self, i: int) -> Record:
        c = self.config
        r = rng(self.seed, "deals", i)
        track = self.deal_track(i)
        label, _, probability = r.choice(self.milestones(track))
        owner = self.owner_index("deals", i)
        ct = self.created_time("deals", i)
        amount: int | float = r.randrange(100, 100_000)
        if r.random() < 0.4:  # noqa: PLR2004 - sometimes a float
            amount = amount + r.randrange(0, 100) / 100
        name = f"{r.choice(WORDS).title()} deal {i}"
        rec: Record = {
            "id": self.id_value("deals", i),
            "name": name,
            "name_sort": name.lower(),
            "amount": amount,
            "closed_date": ct + r.randrange(7, 120) * DAY,
            "track_id": self.id_value("tracks", track, f"deal-track-{i}"),
            "contact_ids": self._refs("contacts", c.contacts, r, 2),
            "company_ids": self._refs("companies", c.companies, r, 1),
            "deal_ids": [],
            "entiy_group_name": "deal",
            "milestoneLabelName": label,
            "milestoneActualName": f"{label}_Actual",
            "tags": self._tags(r, ct),
            "properties": self.custom_properties("deals", i),
            "owner_id": self.id_value("owners", owner, f"deal-owner-{i}"),
        }
        self._times("deals", i, rec)
        rec.update({"probability": probability, "owner": self.owner_ref(owner),
                    "currency_type": "USD-$", "subscribers": [], "companies": []})  # fmt: skip
        return rec

    def _gen_tasks(self, i: int) -> Record:
        c = self.config
        r = rng(self.seed, "tasks", i)
        owner = self.owner_index("tasks", i)
        name = f"{r.choice(('Call', 'Email', 'Follow up with', 'Send quote to'))} {r.choice(WORDS)}"
        milestone = r.choice(("not_started", "in_progress", "waiting", "completed", "deferred"))
        rec: Record = {
            "id": self.id_value("tasks", i),
            "owner_id": self.id_value("owners", owner, f"task-owner-{i}"),
            "entiy_group_name": "task",
            "is_due": milestone != "completed",
            "name": name,
            "description": "" if r.random() < 0.5 else r.choice(UNICODE_TEXTS),  # noqa: PLR2004
            "name_sort": name.lower(),
            "type": r.choice(("TODO", "EMAIL", "CALL")),
        }
        self._times("tasks", i, rec)
        rec.update(
            {
                "closed_date": rec["created_time"] // 60 * 60 + r.randrange(1, 30) * DAY,
                "task_milestone": milestone,
                "queue_id": 0,
                "contact_ids": self._refs("contacts", c.contacts, r, 2),
                "company_ids": [],
                "deal_ids": self._refs("deals", self.base_count("deals"), r, 1),
                "task_ids": [],
                "subscribers": [],
                "companies": [],
                "deals": [],
                "owner": self.owner_ref(owner),
            }
        )
        return rec

    def _gen_tickets(self, i: int) -> Record:
        r = rng(self.seed, "tickets", i)
        contact = r.randrange(self.config.contacts) if self.config.contacts else 0
        first, last, email = self.contact_name(contact)
        rec: Record = {
            "id": self.id_value("tickets", i),
            "requester_name": f"{first} {last}",
            "requester_email": email,
            "subscriber_id": self.id_of("contacts", contact),
            "subject": f"{r.choice(('Cannot log in', 'Billing question', 'Bug:'))} "
            f"{r.choice(UNICODE_TEXTS)}",
            "source": r.choice(("DASHBOARD", "EMAIL", "WEB_FORM")),
            "created_by": "USER",
            "status": r.randrange(0, 5),
            "priority": r.randrange(0, 4),
            "type": r.randrange(0, 4),
            "assigned_to": "GROUP",
            "group_id": self.id_of("owners", 0) - 1,
        }
        self._times("tickets", i, rec)
        rec.update(
            {
                "is_spam": r.random() < 0.02,  # noqa: PLR2004
                "public_notes_count": r.randrange(0, 5),
                "private_notes_count": r.randrange(0, 3),
                "tags": self._tags(r, rec["created_time"]),
                "reopens_count": r.randrange(0, 2),
                "automationStatus": [],
                "html_body": f"<p>{r.choice(UNICODE_TEXTS)}</p>",
                "last_note_id": self.id_of("notes", CREATED_CHILD_BASE - 1 - i),
                "subscriber": {
                    "id": self.id_of("contacts", contact),
                    "email": email,
                    "name": first,
                },
                "properties": self.custom_properties("tickets", i),
            }
        )
        return rec

    def _gen_products(self, i: int) -> Record:
        r = rng(self.seed, "products", i)
        price: int | float = r.randrange(5, 2000)
        if r.random() < 0.3:  # noqa: PLR2004
            price += 0.99
        rec: Record = {
            "id": self.id_value("products", i),
            "name": f"{r.choice(WORDS).title()} {r.choice(('Plan', 'Seat', 'Add-on', 'Kit'))} {i}",
            "description": r.choice(UNICODE_TEXTS),
            "image_url": "https://d2p078bqz5urf7.cloudfront.net/cloud/assets/img/CART.png",
        }
        self._times("products", i, rec)
        rec.update(
            {
                "owner_id": self.id_value("owners", self.owner_index("products", i), f"prod-{i}"),
                "price": price,
                "discount_type": r.choice(("PERCENTAGE", "AMOUNT")),
                "discount": r.randrange(0, 20),
                "currency": "USD-$",
                "properties": [],
            }
        )
        return rec

    def child_times(self, stream: str, index: int, rec: Record) -> None:
        """Set ``created_time``/``updated_time`` of a base child record.

        Args:
            stream: ``notes`` or ``call_logs``.
            index: Slot index.
            rec: The record to fill.
        """
        self._times(stream, index, rec)

    def _gen_notes(self, i: int) -> Record:
        parent = i // CHILD_SLOTS
        r = rng(self.seed, "notes", i)
        subject = f"Note {i % CHILD_SLOTS + 1}: {r.choice(UNICODE_TEXTS)}"
        body = r.choice(UNICODE_TEXTS).replace("&", "&amp;").replace("<", "&lt;")
        rec: Record = {
            "id": self.id_value("notes", i),
            "parentId": self.id_value("contacts", parent, "note-parent"),
            "subject": subject,
            "content": "<!DOCTYPE html>\n<html>\n<head>\n</head>\n<body>\n"
            f"<div>{body}</div>\n</body>\n</html>",
            "force": False,
            "syncIds": [],
            "owner_id": self.id_value("owners", self.owner_index("notes", i), f"note-{i}"),
            "type": "PUBLIC",
        }
        self._times("notes", i, rec)
        rec.update({"source": "SUBSCRIBER", "createFollowUpTask": False})
        return rec

    def _gen_call_logs(self, i: int) -> Record:
        parent = i // CHILD_SLOTS
        r = rng(self.seed, "call_logs", i)
        answered = r.random() < 0.6  # noqa: PLR2004
        ct = self.created_time("call_logs", i)
        rec: Record = {
            "id": self.id_value("call_logs", i),
            "created_time": ct,
        }
        if not self.updated_time_absent("call_logs", i):
            rec["updated_time"] = self.updated_time("call_logs", i)
        rec.update(
            {
                "contact_id": self.id_value("contacts", parent, f"call-contact-{i}"),
                "call_id": f"CA{h64(self.seed, 'call', i):016x}{h64(self.seed, 'call2', i):016x}",
                "duration": r.randrange(10, 1800) if answered else 0,
                "status": "ANSWERED" if answered else "NOT_ANSWERED",
                "status_legacy": "completed" if answered else "no-answer",
                "to_number": f"+44{r.randrange(10**9, 10**10)}",
                "from_number": f"+44{r.randrange(10**9, 10**10)}",
                "account_id": f"AC{h64(self.seed, 'acct'):016x}",
                "caller_type": "twilio",
                "started_at": ct - 2,
                "recording_url": f"https://api.twilio.example/Recordings/RE{i:08d}",
                "isManualEntry": r.random() < 0.1,  # noqa: PLR2004
                "owner_id": self.id_value("owners", self.owner_index("call_logs", i), f"call-{i}"),
                "notes": [],
                "note": {
                    "force": False,
                    "syncIds": [],
                    "type": "PUBLIC",
                    "createFollowUpTask": False,
                },
                "addNote": False,
                "forceUpdate": False,
                "sendNotificationsTo": [],
                "isVoicemail": False,
                "callType": r.choice(("INBOUND", "OUTBOUND")),
                "reflectStatus": False,
                "call_cost": 0,
                "inActive": False,
            }
        )
        return rec

    def _gen_events(self, i: int) -> Record:
        r = rng(self.seed, "events", i)
        contact = r.randrange(self.config.contacts) if self.config.contacts else 0
        first, last, email = self.contact_name(contact)
        start = self.event_start_ms(i)
        minutes = r.choice((15, 30, 60))
        owner = self.owner_index("events", i)
        return {
            "id": self.id_value("events", i),
            "owner_id": self.id_value("owners", owner, f"event-{i}"),
            "created_time": self.created_time("events", i),
            "start_time": start,
            "end_time": start + minutes * 60_000 - 1,
            "user_data": json.dumps(
                {"firstname": first, "lastname": last, "email": email},
                ensure_ascii=False,
                separators=(",", ":"),
            ),
            "color": r.choice(COLORS),
            "name": f"{minutes} min",
            "user_time_zone": r.choice(TIME_ZONES),
            "subscriber_id": self.id_of("contacts", contact),
            "source_type": r.choice(("WEB", "API")),
            "contact_ids": [self.id_of("contacts", contact)],
            "company_ids": [],
            "deal_ids": [],
            "event_ids": [],
            "subscribers": [],
            "companies": [],
            "deals": [],
            "owner": self.owner_ref(owner),
            "entiy_group_name": "event",
        }

    def _gen_tracks(self, i: int) -> Record:
        name = TRACK_NAMES[i] if i < len(TRACK_NAMES) else f"Track {i}"
        created = START - 300 * DAY + i * DAY
        return {
            "id": self.id_value("tracks", i),
            "name": name,
            "milestones": [
                {"labelName": label, "labelActualName": f"{label}_Actual",
                 "isWon": prob == 1.0, "isLost": prob == 0.0, "color": color,
                 "probability": prob}
                for label, color, prob in self.milestones(i)
            ],
            "isDefault": i == 0,
            "created_time": created,
            "updated_time": created + 5 * DAY,
        }  # fmt: skip

    def _gen_owners(self, i: int) -> Record:
        first, last = self._owner_name(i)
        created = START - 365 * DAY + i * 7 * DAY
        return {
            "id": self.id_of("owners", i),
            "domain_id": self.id_of("owners", 0) - 2,
            "email": self._owner_email(i),
            "password_decrypted": "",
            "name": f"{first} {last}",
            "created_time": created,
            "updated_time": created + 30 * DAY,
            "is_admin": i == 0,
            "is_verified": True,
            "is_owner": i == 0,
            "job_title": ("sales_manager", "marketing", "support")[i % 3],
            "role": "vice-president-senior-management" if i == 0 else "individual-contributor",
            "phone_number": f"+91 88888 {88800 + i}",
            "language": "en",
            "time_zone": TIME_ZONES[i % len(TIME_ZONES)],
            "time_zone_offset": 330,
            "loggedin_time": created + 60 * DAY,
            "misc_info": json.dumps(
                {"country": "India", "country_code": "IN", "city": "hyderabad"}
            ),
            "is_signup_process_completed": True,
            "profile_img_url": f"https://s3.amazonaws.example/uploads/owner{i}.png",
            "category": ("MARKETING", "SALES", "SERVICE")[i % 3],
            "signupSource": "DEFAULT",
            "domainId": self.id_of("owners", 0) - 2,
        }

    def _gen_tags(self, i: int) -> Record:
        return {"tag": self.tag_name(i), "created_time": START - 100 * DAY + i * 3_600}

    def _gen_contact_lists(self, i: int) -> Record:
        owner = i % self.config.owners
        created = START - 90 * DAY + i * DAY
        return {
            "id": self.id_value("contact_lists", i),
            "owner_id": self.id_of("owners", owner),
            "name": "Default List" if i == 0 else f"List {i} - {WORDS[i % len(WORDS)]}",
            "created_time": created,
            "updated_time": created,
            "owner": self.owner_ref(owner),
        }

    def _gen_forms(self, i: int) -> Record:
        created = START - 60 * DAY + i * DAY
        fid = self.id_of("forms", i)
        attrs = {
            "title": "<p>Start Today for Free</p>",
            "form_fields": [
                {"type": "email", "name": "email", "label": "Email", "required": "true"}
            ],
        }
        return {
            "id": fid,
            "name": f"\n\t\t\t\t\t Form-{i}-Jun-18-07:55:00 \n\t\t\t\t",
            "alias_name": f"\n\t\t\t\t\t form-{i}-jun-18-07:55:00 \n\t\t\t\t",
            "owner_id": self.id_of("owners", i % self.config.owners),
            "created_time": created,
            "updated_time": created + 4,
            "formHtml": f'\n<form class="form form-style-form1" id="f{i}">\n<fieldset>'
            '<input name="email" type="email" required="true"></fieldset>\n</form>\n',
            "form_attributes": json.dumps(attrs),
            "enable_whitelabel": False,
            "form_style": "form1",
            "version": "V2",
            "incentiveEmail": {"send_incentive": False,
                               "incentive_email_subject": "Important: Confirm your subscription"},
            "thumbnail": f"https://s3.amazonaws.example/uploads/form{i}.png",
            "formStats": {"id": fid - 1, "formId": fid, "totalVisitors": 10 * i,
                          "uniqueVisitors": 7 * i, "totalContacts": 2 * i},
        }  # fmt: skip

    def _gen_custom_fields(self, i: int) -> Record:
        scope_no, pos = divmod(i, len(CUSTOM_FIELD_TEMPLATE))
        return self._field_definition(SCOPES[scope_no], pos, *CUSTOM_FIELD_TEMPLATE[pos])


def java_to_strftime(pattern: str) -> str:
    """Translate an EngageBay date format (Java style, any case) to ``strftime``.

    Args:
        pattern: e.g. ``dd/MM/yyyy``, ``MM/dd/yyyy``, ``yyyy-MM-dd`` or ``DD/MM/YYYY``.

    Returns:
        The strftime pattern.

    Raises:
        ValueError: When the pattern lacks a day, month or year.
    """
    out = pattern
    for java, py in (("yyyy", "%Y"), ("YYYY", "%Y"), ("dd", "%d"), ("DD", "%d"), ("MM", "%m")):
        out = out.replace(java, py)
    if not all(part in out for part in ("%d", "%m", "%Y")):
        msg = f"unsupported date format {pattern!r}"
        raise ValueError(msg)
    return out

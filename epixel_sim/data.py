"""Deterministic records of a simulated Epixel install, one index at a time.

The document gives request fields, not answers: a lead has the fields of "Create Lead"
(``first_name``, ``last_name``, ``email``, ``phone``, ``status``, ``source``, ``location``,
``message``, ``assignee``) plus its ``slug`` and ``id`` and its ``owner``; an appointment
the fields of "Create Appointment" (``slug`` of its lead, ``appointment_date`` and
``appointment_to`` as ``yyyy-mm-dd HH:MM``, ``appointment_note``, ``appointment_status``)
plus its ``id``. No record carries a created or changed time (the document shows none).
"""

from __future__ import annotations

import datetime as dt
import typing as t

from crm_sim.table import Clock, Record, SequentialIds, Table
from crm_sim.text import CITIES, DOMAINS, FIRST_NAMES, LAST_NAMES, UNICODE_TEXTS, h64, rng

if t.TYPE_CHECKING:
    from epixel_sim.config import EpixelConfig

LEAD_STATUSES = ("new", "contacted", "qualified", "converted", "lost")
LEAD_SOURCES = ("website", "referral", "social_media", "event", "other")
APPOINTMENT_STATUSES = ("scheduled", "completed", "cancelled", "rescheduled")
MEMBERS = ("member.alpha", "member.beta", "member.gamma", "member.delta")
#: Of 10 leads: 6 the user's own, 2 assigned to them by others, 2 own and assigned to them.
OWN, ASSIGNED, BOTH = "own", "assigned", "both"
TIME_FORMAT = "%Y-%m-%d %H:%M"


def relation_of(seed: int, index: int) -> str:
    """Whether a base lead is the user's own, assigned to them, or both.

    Args:
        seed: The account seed.
        index: Lead index.

    Returns:
        ``own``, ``assigned`` or ``both``.
    """
    draw = h64(seed, "relation", index) % 10
    return OWN if draw < 6 else ASSIGNED if draw < 8 else BOTH  # noqa: PLR2004


def _no_times(_record: Record) -> tuple[int, int]:
    return 0, 0


def _no_stamp(_now: int) -> Record:
    return {}


class EpixelData:
    """The tables of one simulated install."""

    def __init__(self, config: EpixelConfig, clock: Clock) -> None:
        """Describe the tables from the config and the clock (nothing is generated yet)."""
        self.config = config
        self.seed = config.seed
        common: dict[str, t.Any] = {
            "clock": clock,
            "seed": config.seed,
            "times": _no_times,
            "updated": lambda _index: 0,
            "stamp_create": _no_stamp,
            "stamp_update": _no_stamp,
        }
        self.leads = Table("leads", count=config.leads, generate=self.lead,
                           created=lambda i: i, ids=SequentialIds(1), **common)  # fmt: skip
        self.appointments = Table("appointments", count=config.appointments,
                                  generate=self.appointment, created=lambda i: i,
                                  ids=SequentialIds(1), **common)  # fmt: skip
        self.tables: dict[str, Table] = {"leads": self.leads, "appointments": self.appointments}

    def slug(self, index: int) -> str:
        """The slug of a lead index (unique: it ends with the lead's id).

        Args:
            index: Lead index.

        Returns:
            The slug.
        """
        return f"lead-{h64(self.seed, 'slug', index) % 36**4:x}-{index + 1}"

    def lead(self, index: int) -> Record:
        """A lead as the API would list it.

        Args:
            index: Lead index.

        Returns:
            The record.
        """
        r = rng(self.seed, "lead", index)
        user = self.config.username
        relation = relation_of(self.seed, index)
        first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
        other = r.choice(MEMBERS)
        return {
            "id": index + 1,
            "slug": self.slug(index),
            "first_name": first,
            "last_name": last,
            "email": f"lead{index + 1}@{r.choice(DOMAINS)}",
            "phone": str(r.randrange(10**8, 10**12)),
            "status": r.choice(LEAD_STATUSES),
            "source": r.choice(LEAD_SOURCES),
            "location": r.choice(CITIES),
            "message": r.choice(UNICODE_TEXTS)[:255] if r.random() < 0.7 else "",  # noqa: PLR2004
            "owner": other if relation == ASSIGNED else user,
            "assignee": user if relation != OWN else (other if r.random() < 0.5 else ""),  # noqa: PLR2004
        }

    def appointment(self, index: int) -> Record:
        """An appointment as the API would list it.

        Args:
            index: Appointment index.

        Returns:
            The record.
        """
        r = rng(self.seed, "appointment", index)
        start = self.config.anchor + index * 5 * 3600 + r.randrange(0, 12) * 300
        lead = (index * 7 + 3) % max(self.config.leads, 1)
        return {
            "id": index + 1,
            "slug": self.slug(lead),
            "appointment_date": _local(start),
            "appointment_to": _local(start + r.choice((1800, 3600, 5400))),
            "appointment_note": r.choice(UNICODE_TEXTS)[:200],
            "appointment_status": r.choice(APPOINTMENT_STATUSES),
        }

    def relation(self, record: Record) -> str:
        """Own, assigned or both, from a lead's owner and assignee.

        Args:
            record: A lead.

        Returns:
            The relation ("" when neither: the user no longer sees it).
        """
        user = self.config.username
        own, assigned = record.get("owner") == user, record.get("assignee") == user
        if own and assigned:
            return BOTH
        return OWN if own else ASSIGNED if assigned else ""


def _local(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).strftime(TIME_FORMAT)

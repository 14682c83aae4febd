"""Deterministic contacts of a simulated Whautomate account, one index at a time.

Shapes follow the API document's sample: ``id`` a string (here 24 hex digits, as a
MongoDB ObjectId), ``location`` ``{id, title}``, ``stage``, ``notes``, ``tags`` (strings) and
``customFields``, an object keyed by field name. The document shows ``customFields`` empty;
the values here are of every JSON type a form can hold (text, digit strings such as "007",
numbers, true/false, lists, objects), so a client's typing is tested. Contacts carry no
timestamps, as in the document. Each contact also has a channel (whatsapp, instagram, ...)
that is not in the record but filters the listing (``channel``).
"""

from __future__ import annotations

import typing as t

from crm_sim.table import Clock, IdSpace, Record, Table, UnknownRecordError
from crm_sim.text import CITIES, FIRST_NAMES, LAST_NAMES, UNICODE_TEXTS, WORDS, h64, rng

if t.TYPE_CHECKING:
    from whautomate_sim.config import WhautomateConfig

STAGES = ("Subscriber", "Lead", "Prospect", "Customer", "Inactive")
TAGS = ("vip", "newsletter", "whatsapp-optin", "follow up", "Diwali 2025", "repeat buyer")
CHANNELS = ("whatsapp", "instagram", "messenger", "webchat")
INTERESTS = ("yoga", "pilates", "massage", "facial", "haircut", "spa")
CUSTOM_FILL = 0.8  # share of contacts with a value in each custom field
ID_WIDTH = 24


def hex_id(number: int) -> str:
    """A record id as the API shows it: 24 lower-case hex digits.

    Args:
        number: The id number.

    Returns:
        The id.
    """
    return format(number, f"0{ID_WIDTH}x")


class HexIdTable(Table):
    """A table whose ids are sent as 24-hex-digit strings (``index_for`` reads them back)."""

    def index_for(self, record_id: object) -> int:
        """Find the index of a current record by its hex id.

        Args:
            record_id: The id as the API shows it.

        Returns:
            The index.

        Raises:
            UnknownRecordError: When no current record has that id.
        """
        text = str(record_id)
        if len(text) != ID_WIDTH:
            raise UnknownRecordError(record_id)
        try:
            number = int(text, 16)
        except ValueError:
            raise UnknownRecordError(record_id) from None
        index = self.ids.index_of(number)
        if index < 0 or not self.exists(index):
            raise UnknownRecordError(record_id)
        return index

    def str_ids(self) -> set[str]:
        """Ids of every current record, as the API shows them.

        Returns:
            The ids.
        """
        return {hex_id(self.ids.id_of(i)) for i in self.indexes()}


class WhautomateData:
    """Every generated contact and location of an account."""

    def __init__(self, config: WhautomateConfig, clock: Clock) -> None:
        """Describe the contacts table from the config and the simulator clock."""
        self.config = config
        self.ids = IdSpace(config.seed, "contacts")
        self.locations = [
            {
                "id": hex_id(h64(config.seed, "location", n)),
                "title": f"{CITIES[n % len(CITIES)]} Branch {n + 1}",
            }
            for n in range(config.locations)
        ]
        self.contacts = HexIdTable(
            "contacts",
            count=config.contacts,
            generate=self.contact,
            created=lambda _index: 0,
            ids=self.ids,
            clock=clock,
            seed=config.seed,
            updated=lambda _index: 0,
            times=lambda _record: (0, 0),
            stamp_create=lambda _now: {},
            stamp_update=lambda _now: {},
        )
        self.tables: dict[str, Table] = {"contacts": self.contacts}

    def channel(self, index: int) -> str:
        """The channel a contact came from (not in the record; ``channel`` filters on it).

        Args:
            index: Contact index.

        Returns:
            The channel.
        """
        return CHANNELS[h64(self.config.seed, "channel", index) % len(CHANNELS)]

    def contact(self, index: int) -> Record:
        """The contact at an index, as ``GET /v1/contacts`` serves it.

        Args:
            index: Contact index (also above the base count: created contacts).

        Returns:
            The record.
        """
        r = rng(self.config.seed, "contact", index)
        first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
        return {
            "id": hex_id(self.ids.id_of(index)),
            "name": f"{first} {last}",
            "phoneNumber": f"+91{r.randrange(6_000_000_000, 9_999_999_999)}",
            "location": dict(r.choice(self.locations)),
            "stage": r.choices(STAGES, weights=(5, 4, 3, 2, 1))[0],
            "notes": r.choice(("", *UNICODE_TEXTS, " ".join(r.sample(WORDS, 4)))),
            "customFields": self._custom(r, index),
            "tags": sorted(r.sample(TAGS, r.randrange(0, 3))),
        }

    @staticmethod
    def _custom(r: t.Any, index: int) -> dict[str, t.Any]:  # noqa: ANN401 - a random.Random
        fields: dict[str, t.Any] = {
            "City": r.choice(CITIES),
            "Member Code": f"{r.randrange(0, 1000):03d}{index % 10}",
            "Age": r.randrange(18, 80),
            "Order Total": round(r.uniform(0, 5000), 2),
            "VIP": r.random() < 0.3,  # noqa: PLR2004
            "Interests": r.sample(INTERESTS, r.randrange(1, 3)),
            "Preferences": {"language": r.choice(("en", "hi", "te")), "sms": r.random() < 0.5},  # noqa: PLR2004
            "Référé par": r.choice(FIRST_NAMES),
        }
        return {k: v for k, v in fields.items() if r.random() < CUSTOM_FILL}

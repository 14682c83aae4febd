"""Configuration of a simulated EngageBay account."""

from __future__ import annotations

import dataclasses
import typing as t

if t.TYPE_CHECKING:
    from crm_sim.server import Latency

# 2025-01-01T00:00:00Z: base data is generated before this instant, so that the same seed
# always gives the same bytes, whatever the day the simulator runs.
DEFAULT_ANCHOR = 1_735_689_600


@dataclasses.dataclass
class SimConfig:
    """Everything that defines a simulated account and how its API behaves.

    The defaults describe a realistic small-business account. Every record is a pure function
    of ``(seed, stream, index)``, so only the counts are stored, never the records.

    Attributes:
        seed: Seed of all generated data, cursors' HMAC key and fault draws.
        api_key: The REST API key the ``Authorization`` header must carry.
        contacts: Number of contacts.
        companies: Number of companies.
        tracks: Number of deal tracks (at least 2; the first is the default track).
        deals_per_track: Deals in each track.
        tasks: Number of tasks.
        tickets: Number of tickets.
        products: Number of products.
        owners: Number of users (owners).
        tags: Number of account tags.
        lists: Number of contact lists.
        forms: Number of forms.
        events: Number of calendar events, over the year before ``anchor``.
        date_format: The account's date format (``dd/MM/yyyy``, ``MM/dd/yyyy``, ``yyyy-MM-dd``).
        default_page_size: Page size used when a request sends none.
        latency: Fixed latency in ms, or a ``(lo, hi)`` uniform range in ms.
        faults: Fault rules (see ``engagebay_sim.faults``).
        quota: Daily API call quota; None for unlimited.
        ignore_sort_key: Answer every listing oldest first (``created_time``), whatever
            ``sort_key`` asks: an API that ignores the sort order. May be changed while running.
        timeout_s: How long the ``timeout`` fault holds a request before dropping it.
        clock_offset: Seconds the server's clock is ahead of this machine's (negative: behind):
            its ``Date`` header and the times of records changed or created use it.
        anchor: Epoch seconds before which all base data is dated.
        user_name: Name of the API key's user (``users/profile/user-info``).
        user_email: Email of the API key's user.
    """

    seed: int = 0
    api_key: str = "sim-key"
    contacts: int = 2000
    companies: int = 300
    tracks: int = 3
    deals_per_track: int = 150
    tasks: int = 400
    tickets: int = 150
    products: int = 40
    owners: int = 6
    tags: int = 25
    lists: int = 5
    forms: int = 4
    events: int = 300
    date_format: str = "dd/MM/yyyy"
    default_page_size: int = 20
    latency: Latency = 0.0
    faults: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    quota: int | None = None
    ignore_sort_key: bool = False
    timeout_s: float = 5.0
    clock_offset: float = 0.0
    anchor: int = DEFAULT_ANCHOR
    user_name: str = "Sim Admin"
    user_email: str = "admin@sim.example.com"

    def __post_init__(self) -> None:
        """Validate the counts.

        Raises:
            ValueError: On a negative count, fewer than two tracks or no owner.
        """
        if self.tracks < 2:  # noqa: PLR2004 - the docs' accounts always have a second track
            msg = "tracks must be >= 2 (the first one is the default track)"
            raise ValueError(msg)
        if self.owners < 1:
            msg = "owners must be >= 1"
            raise ValueError(msg)
        for name in COUNT_FIELDS:
            if getattr(self, name) < 0:
                msg = f"{name} must be >= 0"
                raise ValueError(msg)
        if self.default_page_size < 1:
            msg = "default_page_size must be >= 1"
            raise ValueError(msg)


COUNT_FIELDS = (
    "contacts",
    "companies",
    "tracks",
    "deals_per_track",
    "tasks",
    "tickets",
    "products",
    "owners",
    "tags",
    "lists",
    "forms",
    "events",
)

PRESETS: dict[str, dict[str, int]] = {
    "demo": {},
    "tiny": {
        "contacts": 25,
        "companies": 6,
        "tracks": 2,
        "deals_per_track": 8,
        "tasks": 12,
        "tickets": 7,
        "products": 5,
        "owners": 3,
        "tags": 6,
        "lists": 2,
        "forms": 2,
        "events": 10,
    },
    "large": {
        "contacts": 1_000_000,
        "companies": 50_000,
        "tracks": 4,
        "deals_per_track": 25_000,
        "tasks": 100_000,
        "tickets": 30_000,
        "products": 500,
        "owners": 40,
        "tags": 200,
        "lists": 30,
        "forms": 20,
        "events": 20_000,
    },
}


def preset(name: str, **overrides: t.Any) -> SimConfig:  # noqa: ANN401 - any config field
    """Build a config from a named preset.

    Args:
        name: ``demo`` (the realistic defaults), ``tiny`` or ``large`` (1,000,000 contacts).
        **overrides: Fields to set on top of the preset.

    Returns:
        The config.

    Raises:
        ValueError: On an unknown preset name.
    """
    if name not in PRESETS:
        msg = f"unknown preset {name!r}; choose one of {sorted(PRESETS)}"
        raise ValueError(msg)
    return SimConfig(**{**PRESETS[name], **overrides})

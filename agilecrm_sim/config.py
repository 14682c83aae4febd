"""Configuration of a simulated Agile CRM account."""

from __future__ import annotations

import dataclasses
import typing as t

if t.TYPE_CHECKING:
    from crm_sim.server import Latency

# 2025-01-01T00:00:00Z: base data is dated before this instant, whatever day the tests run.
DEFAULT_ANCHOR = 1_735_689_600


@dataclasses.dataclass
class AgileConfig:
    """Everything that defines a simulated Agile CRM account and how its API behaves.

    Every record is a pure function of ``(seed, stream, index)``; only counts are stored.

    Attributes:
        seed: Seed of all generated data, cursor signatures and fault draws.
        email: The API user's email (the Basic auth user name).
        api_key: The REST API key (the Basic auth password).
        domain: The account's domain (shows in owners' calendar URLs).
        contacts: Number of contacts (type PERSON).
        companies: Number of companies (type COMPANY).
        tracks: Number of deal tracks (pipelines); the first is "Default".
        deals_per_track: Deals in each track.
        tasks: Number of tasks.
        events: Number of calendar events.
        campaigns: Number of campaigns (workflows).
        tickets: Number of helpdesk tickets.
        owners: Number of users (owners).
        default_page_size: Page size when a request sends none.
        max_page_size: Larger pages time out server-side (HTTP 500, "try again later").
        repeat_cursor_page: When set (>= 2), the page of that number in every listing carries
            the very cursor it was asked with, so a client that follows it reads it again.
        latency: Fixed latency in ms, or a ``(lo, hi)`` range in ms.
        faults: Fault rules (see ``crm_sim.faults``).
        quota: Daily API call quota; None for unlimited.
        timeout_s: How long the ``timeout`` fault holds a request.
        anchor: Epoch seconds before which all base data is dated.
    """

    seed: int = 0
    email: str = "admin@sim.example.com"
    api_key: str = "sim-agile-key"
    domain: str = "simdomain"
    contacts: int = 2000
    companies: int = 300
    tracks: int = 3
    deals_per_track: int = 150
    tasks: int = 400
    events: int = 300
    campaigns: int = 12
    tickets: int = 150
    owners: int = 5
    default_page_size: int = 20
    max_page_size: int = 1000
    repeat_cursor_page: int | None = None
    latency: Latency = 0.0
    faults: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    quota: int | None = None
    timeout_s: float = 5.0
    anchor: int = DEFAULT_ANCHOR

    def __post_init__(self) -> None:
        """Validate.

        Raises:
            ValueError: On a negative count, no track, no owner or a bad page setting.
        """
        for name in COUNT_FIELDS:
            if getattr(self, name) < 0:
                msg = f"{name} must be >= 0"
                raise ValueError(msg)
        if self.tracks < 1 or self.owners < 1:
            msg = "tracks and owners must be >= 1"
            raise ValueError(msg)
        if not 1 <= self.default_page_size <= self.max_page_size:
            msg = "default_page_size must be between 1 and max_page_size"
            raise ValueError(msg)
        if self.repeat_cursor_page is not None and self.repeat_cursor_page < 2:  # noqa: PLR2004
            msg = "repeat_cursor_page must be >= 2 (page 1 is asked without a cursor)"
            raise ValueError(msg)


COUNT_FIELDS = (
    "contacts",
    "companies",
    "tracks",
    "deals_per_track",
    "tasks",
    "events",
    "campaigns",
    "tickets",
    "owners",
)

PRESETS: dict[str, dict[str, int]] = {
    "demo": {},
    "tiny": {
        "contacts": 25,
        "companies": 6,
        "tracks": 2,
        "deals_per_track": 8,
        "tasks": 12,
        "events": 10,
        "campaigns": 3,
        "tickets": 9,
        "owners": 3,
    },
    "large": {
        "contacts": 1_000_000,
        "companies": 50_000,
        "tracks": 4,
        "deals_per_track": 25_000,
        "tasks": 100_000,
        "events": 20_000,
        "campaigns": 200,
        "tickets": 30_000,
        "owners": 40,
    },
}


def preset(name: str, **overrides: t.Any) -> AgileConfig:  # noqa: ANN401 - any config field
    """Build a config from a named preset.

    Args:
        name: ``demo``, ``tiny`` or ``large`` (1,000,000 contacts).
        **overrides: Fields to set on top.

    Returns:
        The config.

    Raises:
        ValueError: On an unknown preset.
    """
    if name not in PRESETS:
        msg = f"unknown preset {name!r}; choose one of {sorted(PRESETS)}"
        raise ValueError(msg)
    return AgileConfig(**{**PRESETS[name], **overrides})

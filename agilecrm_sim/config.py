"""Configuration of a simulated Agile CRM account."""

from __future__ import annotations

import dataclasses

from crm_sim.config import AccountConfig

# 2025-01-01T00:00:00Z: base data is dated before this instant, whatever day the tests run.
DEFAULT_ANCHOR = 1_735_689_600


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


@dataclasses.dataclass
class AgileConfig(AccountConfig):
    """Everything that defines a simulated Agile CRM account and how its API behaves.

    Every record is a pure function of ``(seed, stream, index)``; only counts are stored. The
    core's settings come from ``AccountConfig`` (``seed`` also signs the cursors).

    Attributes:
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
        anchor: Epoch seconds before which all base data is dated.
    """

    count_fields = COUNT_FIELDS
    presets = PRESETS

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
    anchor: int = DEFAULT_ANCHOR

    def __post_init__(self) -> None:
        """Validate.

        Raises:
            ValueError: On a negative count, no track, no owner or a bad page setting.
        """
        super().__post_init__()
        if self.tracks < 1 or self.owners < 1:
            msg = "tracks and owners must be >= 1"
            raise ValueError(msg)
        self.check_page_sizes("default_page_size", "max_page_size")
        if self.repeat_cursor_page is not None and self.repeat_cursor_page < 2:  # noqa: PLR2004
            msg = "repeat_cursor_page must be >= 2 (page 1 is asked without a cursor)"
            raise ValueError(msg)


#: Build a config from a named preset (``demo``, ``tiny``, ``large``: 1,000,000 contacts).
preset = AgileConfig.preset

"""Configuration of a simulated ActiveCampaign account."""

from __future__ import annotations

import dataclasses
import zoneinfo

from crm_sim.config import AccountConfig

# 2025-01-01T00:00:00Z: base data is dated before this instant, whatever day the tests run.
DEFAULT_ANCHOR = 1_735_689_600


COUNT_FIELDS = (
    "contacts",
    "accounts",
    "deals",
    "deal_groups",
    "stages_per_group",
    "users",
    "groups",
    "lists",
    "tags",
    "automations",
    "campaigns",
    "messages",
    "forms",
    "segments",
    "ecom_customers",
)

PRESETS: dict[str, dict[str, int]] = {
    "demo": {},
    "tiny": {
        "contacts": 25,
        "accounts": 6,
        "deals": 12,
        "deal_groups": 2,
        "stages_per_group": 3,
        "users": 3,
        "groups": 2,
        "lists": 3,
        "tags": 5,
        "automations": 3,
        "campaigns": 4,
        "messages": 5,
        "forms": 2,
        "segments": 2,
        "ecom_customers": 6,
    },
    "large": {
        "contacts": 1_000_000,
        "accounts": 50_000,
        "deals": 100_000,
        "deal_groups": 6,
        "stages_per_group": 7,
        "users": 40,
        "groups": 8,
        "lists": 40,
        "tags": 200,
        "automations": 60,
        "campaigns": 500,
        "messages": 800,
        "forms": 30,
        "segments": 50,
        "ecom_customers": 20_000,
    },
}


@dataclasses.dataclass
class ACConfig(AccountConfig):
    """Everything that defines a simulated ActiveCampaign account and how its API behaves.

    Every record is a pure function of ``(seed, stream, index)``; only counts are stored. The
    core's settings come from ``AccountConfig`` (``quota`` is an API call quota here).

    Attributes:
        api_token: The API token (header ``Api-Token``).
        timezone: The account's time zone: every time is rendered with its offset, and a filter
            time sent without an offset is read in it.
        contacts: Number of contacts.
        accounts: Number of accounts.
        deals: Number of deals.
        deal_groups: Number of pipelines.
        stages_per_group: Deal stages in each pipeline.
        users: Number of users.
        groups: Number of user groups.
        lists: Number of lists.
        tags: Number of tags.
        automations: Number of automations.
        campaigns: Number of campaigns.
        messages: Number of messages.
        forms: Number of forms.
        segments: Number of segments.
        ecom_customers: Number of e-commerce customers.
        default_limit: Page size when a request sends no ``limit``.
        max_limit: A larger ``limit`` is capped to this.
        rate_limit: Requests per window per account (the 6th gets 429); None for no limit.
        rate_window_s: The window of ``rate_limit``, in seconds (tests may widen it).
        field_value_touches_contact: Whether changing a contact's field value moves the
            contact's ``udate`` (the field value's own ``udate`` always moves).
        anchor: Epoch seconds before which all base data is dated.
    """

    count_fields = COUNT_FIELDS
    presets = PRESETS

    api_token: str = "sim-ac-token"  # noqa: S105 - the simulator's default, not a secret
    timezone: str = "America/Chicago"
    contacts: int = 2000
    accounts: int = 300
    deals: int = 450
    deal_groups: int = 3
    stages_per_group: int = 5
    users: int = 5
    groups: int = 3
    lists: int = 6
    tags: int = 12
    automations: int = 8
    campaigns: int = 15
    messages: int = 20
    forms: int = 4
    segments: int = 5
    ecom_customers: int = 150
    default_limit: int = 20
    max_limit: int = 100
    rate_limit: int | None = 5
    rate_window_s: float = 1.0
    field_value_touches_contact: bool = False
    anchor: int = DEFAULT_ANCHOR

    def __post_init__(self) -> None:
        """Validate.

        Raises:
            ValueError: On a negative count, no pipeline, stage or user, a bad page setting or
                an unknown time zone.
        """
        super().__post_init__()
        if self.deal_groups < 1 or self.stages_per_group < 1 or self.users < 1:
            msg = "deal_groups, stages_per_group and users must be >= 1"
            raise ValueError(msg)
        self.check_page_sizes("default_limit", "max_limit")
        if self.rate_limit is not None and self.rate_limit < 1:
            msg = "rate_limit must be >= 1 (or None for no limit)"
            raise ValueError(msg)
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            msg = f"unknown time zone {self.timezone!r}"
            raise ValueError(msg) from None


#: Build a config from a named preset (``demo``, ``tiny``, ``large``: 1,000,000 contacts).
preset = ACConfig.preset

"""Configuration of a simulated Whautomate account, with a switch for each paging variant.

The API document (``contacts-api.txt``) says ``GET /v1/contacts`` takes ``page`` and
``limit`` and answers a bare array, and nothing more: not whether pages count from 0 or 1,
not the largest ``limit``, not how the end shows. Each reading is a switch here, so the tap
is tested against every one.
"""

from __future__ import annotations

import dataclasses

from crm_sim.config import AccountConfig

PAST_END = ("empty", "repeat_last")
PAGE_ZERO = ("alias", "empty", "error")
COUNT_FIELDS = ("contacts", "locations")
PRESETS: dict[str, dict[str, int]] = {
    "demo": {},
    "tiny": {"contacts": 25, "locations": 2},
    "large": {"contacts": 1_000_000, "locations": 20},
}


@dataclasses.dataclass
class WhautomateConfig(AccountConfig):
    """Everything that defines a simulated Whautomate account and how its API pages.

    Every contact is a pure function of ``(seed, index)``; only the count and changes are kept.
    The core's settings come from ``AccountConfig``.

    Attributes:
        api_key: The key expected in the ``x-api-key`` header.
        contacts: Number of contacts.
        locations: Number of locations (branches) contacts belong to.
        first_page: The number of the first page, 0 or 1.
        page_zero: With ``first_page`` 1, what page 0 answers: ``alias`` (page 1 again),
            ``empty`` (``[]``) or ``error`` (400).
        default_limit: Page size when a request sends no ``limit``.
        max_limit: The largest page served: a larger ``limit`` is capped silently.
        past_end: What a page past the end answers: ``empty`` (``[]``) or ``repeat_last``
            (the last page again).
    """

    count_fields = COUNT_FIELDS
    presets = PRESETS

    api_key: str = "sim-whautomate-key"
    contacts: int = 300
    locations: int = 3
    first_page: int = 1
    page_zero: str = "alias"
    default_limit: int = 10
    max_limit: int = 100
    past_end: str = "empty"

    def __post_init__(self) -> None:
        """Validate.

        Raises:
            ValueError: On a bad count or paging switch.
        """
        if self.contacts < 0 or self.locations < 1:
            msg = "contacts must be >= 0 and locations >= 1"
            raise ValueError(msg)
        super().__post_init__()
        if self.first_page not in {0, 1}:
            msg = f"first_page must be 0 or 1, got {self.first_page}"
            raise ValueError(msg)
        if self.page_zero not in PAGE_ZERO:
            msg = f"page_zero must be one of {PAGE_ZERO}, got {self.page_zero!r}"
            raise ValueError(msg)
        if self.past_end not in PAST_END:
            msg = f"past_end must be one of {PAST_END}, got {self.past_end!r}"
            raise ValueError(msg)
        self.check_page_sizes("default_limit", "max_limit")


#: Build a config from a named preset (``demo``: 300 contacts, ``tiny``, ``large``: 1,000,000).
preset = WhautomateConfig.preset

"""Configuration of a simulated Whautomate account, with a switch for each paging variant.

The API document (``contacts-api.txt``) says ``GET /v1/contacts`` takes ``page`` and
``limit`` and answers a bare array, and nothing more: not whether pages count from 0 or 1,
not the largest ``limit``, not how the end shows. Each reading is a switch here, so the tap
is tested against every one.
"""

from __future__ import annotations

import dataclasses
import typing as t

if t.TYPE_CHECKING:
    from crm_sim.server import Latency

PAST_END = ("empty", "repeat_last")
PAGE_ZERO = ("alias", "empty", "error")


@dataclasses.dataclass
class WhautomateConfig:
    """Everything that defines a simulated Whautomate account and how its API pages.

    Every contact is a pure function of ``(seed, index)``; only the count and changes are kept.

    Attributes:
        seed: Seed of all generated data and fault draws.
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
        latency: Fixed latency in ms, or a ``(lo, hi)`` range in ms.
        faults: Fault rules (see ``crm_sim.faults``).
        quota: Daily API call quota; None for unlimited.
        timeout_s: How long the ``timeout`` fault holds a request.
    """

    seed: int = 0
    api_key: str = "sim-whautomate-key"
    contacts: int = 300
    locations: int = 3
    first_page: int = 1
    page_zero: str = "alias"
    default_limit: int = 10
    max_limit: int = 100
    past_end: str = "empty"
    latency: Latency = 0.0
    faults: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    quota: int | None = None
    timeout_s: float = 5.0

    def __post_init__(self) -> None:
        """Validate.

        Raises:
            ValueError: On a bad count or paging switch.
        """
        if self.contacts < 0 or self.locations < 1:
            msg = "contacts must be >= 0 and locations >= 1"
            raise ValueError(msg)
        if self.first_page not in {0, 1}:
            msg = f"first_page must be 0 or 1, got {self.first_page}"
            raise ValueError(msg)
        if self.page_zero not in PAGE_ZERO:
            msg = f"page_zero must be one of {PAGE_ZERO}, got {self.page_zero!r}"
            raise ValueError(msg)
        if self.past_end not in PAST_END:
            msg = f"past_end must be one of {PAST_END}, got {self.past_end!r}"
            raise ValueError(msg)
        if not 1 <= self.default_limit <= self.max_limit:
            msg = "default_limit must be between 1 and max_limit"
            raise ValueError(msg)


PRESETS: dict[str, dict[str, int]] = {
    "demo": {},
    "tiny": {"contacts": 25, "locations": 2},
    "large": {"contacts": 1_000_000, "locations": 20},
}


def preset(name: str, **overrides: t.Any) -> WhautomateConfig:  # noqa: ANN401 - any config field
    """Build a config from a named preset.

    Args:
        name: ``demo`` (300 contacts), ``tiny`` or ``large`` (1,000,000 contacts).
        **overrides: Fields to set on top.

    Returns:
        The config.

    Raises:
        ValueError: On an unknown preset.
    """
    if name not in PRESETS:
        msg = f"unknown preset {name!r}; choose one of {sorted(PRESETS)}"
        raise ValueError(msg)
    return WhautomateConfig(**{**PRESETS[name], **overrides})

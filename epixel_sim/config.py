"""Configuration of a simulated Epixel install (one user's view of its Leads & CRM API)."""

from __future__ import annotations

import dataclasses

from crm_sim.config import AccountConfig

# 2025-01-01T00:00:00Z: appointments are dated from here, whatever day the tests run.
DEFAULT_ANCHOR = 1_735_689_600


COUNT_FIELDS = ("leads", "appointments")

PRESETS: dict[str, dict[str, int]] = {
    "demo": {},
    "tiny": {"leads": 30, "appointments": 12, "page_size": 7},
    "large": {"leads": 100_000, "appointments": 40_000},
}


@dataclasses.dataclass
class EpixelConfig(AccountConfig):
    """Everything that defines a simulated Epixel install and how its API behaves.

    Every record is a pure function of ``(seed, stream, index)``; only counts are stored. The
    core's settings come from ``AccountConfig``.

    Attributes:
        api_key: The application's key (the ``apikey`` header of every request).
        username: The API user (logs in with ``password``; owns or is assigned the leads).
        password: The user's password.
        access_token: A token accepted without a login (as if issued earlier); None for none.
        api_prefix: What follows the host: ``/<api prefix>/<version>/``.
        leads_prefix: The path the lead endpoints live under (``leads``).
        login_path: The login endpoint, relative to ``api_prefix``.
        leads: Number of leads the user sees (own, assigned to them, or both).
        appointments: Number of appointments.
        envelope: Answer lists in a paged envelope (``count``, ``next``, ``previous``,
            ``results``) instead of a plain JSON array.
        page_size: Envelope page size when the request sends no ``page_size``.
        max_page_size: Largest ``page_size`` honoured (larger asks get this many).
        next_base: Scheme and host written into ``next`` links (default: the simulator's).
        repeat_page: In the envelope, the ``next`` of this page number points to itself.
        token_ttl_requests: An issued token is refused after this many requests (0: never).
        token_ttl_seconds: An issued token is refused this long after issue, on the
            simulator clock (0: never).
        refuse_tokens: Refuse every token, even a fresh one (a user whose access was revoked).
        anchor: Epoch seconds the appointments are dated from.
    """

    count_fields = COUNT_FIELDS
    presets = PRESETS

    api_key: str = "sim-epixel-apikey"
    username: str = "sim.distributor"
    password: str = "sim-epixel-password"  # noqa: S105 - the simulator's test user
    access_token: str | None = None
    api_prefix: str = "/api/v2/"
    leads_prefix: str = "leads"
    login_path: str = "user/login/"
    leads: int = 300
    appointments: int = 120
    envelope: bool = True
    page_size: int = 25
    max_page_size: int = 100
    next_base: str | None = None
    repeat_page: int | None = None
    token_ttl_requests: int = 0
    token_ttl_seconds: float = 0
    refuse_tokens: bool = False
    anchor: int = DEFAULT_ANCHOR

    def __post_init__(self) -> None:
        """Validate.

        Raises:
            ValueError: On a negative count or a bad page setting or prefix.
        """
        super().__post_init__()
        self.check_page_sizes("page_size", "max_page_size")
        if not (self.api_prefix.startswith("/") and self.api_prefix.endswith("/")):
            msg = "api_prefix must start and end with '/' (e.g. /api/v2/)"
            raise ValueError(msg)


#: Build a config from a named preset (``demo``, ``tiny``, ``large``).
preset = EpixelConfig.preset

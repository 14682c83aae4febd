"""The Agile CRM tap: settings and the stream list."""

from __future__ import annotations

import base64
import typing as t
from functools import cached_property

from singer_sdk import typing as th

from crm_core import settings
from crm_core.isolation import run_cli
from crm_core.tap_base import CustomColumnsTap
from tap_agilecrm.streams import STREAM_TYPES

if t.TYPE_CHECKING:
    from collections.abc import Sequence

    from singer_sdk.streams import Stream


class TapAgileCRM(CustomColumnsTap):
    """Singer tap for Agile CRM."""

    name = "tap-agilecrm"
    #: Discovery reads the account's custom fields: the SDK validates the settings first.
    dynamic_catalog = True
    secret_settings = ("api_key", "email")
    default_url = "https://{domain}.agilecrm.com"
    stream_types = STREAM_TYPES

    config_jsonschema = th.PropertiesList(
        th.Property(
            "domain",
            th.StringType(pattern=r"^[A-Za-z0-9-]+$"),
            description="The account's subdomain: `mycompany` for https://mycompany.agilecrm.com. "
            "Needed unless `api_url` is set.",
        ),
        settings.secret(
            "email",
            "The email of the Agile CRM user whose API key is used (the Basic auth user name).",
            required=True,
            min_length=3,
        ),
        settings.secret(
            "api_key",
            "The user's REST API key (Admin Settings -> Developers & API).",
            required=True,
            title="API key",
        ),
        settings.api_url(
            "Root of the API, default https://{domain}.agilecrm.com; the tap calls "
            "{api_url}/dev/api/..."
        ),
        settings.start_date(
            "Skip contacts, companies and deals last modified before this time on the first "
            "sync; calendar events are read from here (default 2012-01-01)."
        ),
        settings.page_size(
            'Records per page. Keep it moderate: Agile CRM times out (500, "try again later") '
            "on large pages.",
            maximum=500,
        ),
        settings.lookback_window("Seconds before the bookmark that incremental syncs read again."),
        th.Property(
            "reconcile",
            th.BooleanType,
            default=False,
            description="Full pass: read every list in full (FULL_TABLE with "
            "ACTIVATE_VERSION), so the loader marks records deleted in Agile CRM.",
        ),
        settings.integer(
            "events_window_days", "Days per calendar-events request window.", default=90, minimum=1
        ),
        settings.integer(
            "events_lookback_days",
            "Days of calendar events re-read before the bookmark.",
            default=30,
        ),
        settings.integer(
            "events_lookahead_days", "Days of upcoming calendar events read past now.", default=365
        ),
        *settings.run_settings(),
    ).to_dict()

    @cached_property
    def secret_values(self) -> tuple[str, ...]:
        """The key, the email and the Basic token made of them."""
        email = str(self.config.get("email") or "")
        key = str(self.config.get("api_key") or "")
        token = base64.b64encode(f"{email}:{key}".encode()).decode() if email and key else ""
        return tuple(v for v in (key, email, token, token.rstrip("=")) if v)

    def extra_config_errors(self) -> list[str]:
        """`domain` is needed when `api_url` is not set.

        Returns:
            The problems.
        """
        if not self.config.get("api_url") and not self.config.get("domain"):
            return ["set `domain` (your Agile CRM subdomain, e.g. `mycompany`) or `api_url`"]
        return []

    def discover_streams(self) -> Sequence[Stream]:
        """Every stream; on a full pass (``reconcile``) each reads its list in full.

        Returns:
            The streams.
        """
        streams = super().discover_streams()
        if self.config.get("reconcile"):
            for stream in streams:
                stream.forced_replication_method = "FULL_TABLE"
        return streams


def main() -> None:
    """Run the command line: exit 75 on a used-up quota, 1 with one line on a failure."""
    run_cli(TapAgileCRM, "tap-agilecrm")

"""The Agile CRM tap: settings and the stream list."""

from __future__ import annotations

import base64
import typing as t
from functools import cached_property

from singer_sdk import typing as th

from crm_core.http import SAFE_URL_PATTERN
from crm_core.isolation import run_cli
from crm_core.retry import RETRY_SETTINGS
from crm_core.run_control import CONCURRENCY_SETTING
from crm_core.tap_base import CRMTap
from tap_agilecrm.streams import STREAM_TYPES

if t.TYPE_CHECKING:
    from tap_agilecrm.streams import AgileStream


class TapAgileCRM(CRMTap):
    """Singer tap for Agile CRM."""

    name = "tap-agilecrm"
    #: Discovery reads the account's custom fields: the SDK validates the settings first.
    dynamic_catalog = True
    secret_settings = ("api_key", "email")
    default_url = "https://{domain}.agilecrm.com"

    config_jsonschema = th.PropertiesList(
        th.Property(
            "domain",
            th.StringType(pattern=r"^[A-Za-z0-9-]+$"),
            description="The account's subdomain: `mycompany` for https://mycompany.agilecrm.com. "
            "Needed unless `api_url` is set.",
        ),
        th.Property(
            "email",
            th.StringType(min_length=3),
            required=True,
            secret=True,
            description="The email of the Agile CRM user whose API key is used (the Basic "
            "auth user name).",
        ),
        th.Property(
            "api_key",
            th.StringType(min_length=1),
            required=True,
            secret=True,
            title="API key",
            description="The user's REST API key (Admin Settings -> Developers & API).",
        ),
        th.Property(
            "api_url",
            th.StringType(pattern=SAFE_URL_PATTERN),
            description="Root of the API, default https://{domain}.agilecrm.com; the tap calls "
            "{api_url}/dev/api/... HTTPS only (plain HTTP only to a loopback host, i.e. the "
            "simulator).",
        ),
        th.Property(
            "start_date",
            th.DateTimeType,
            description="Skip contacts, companies and deals last modified before this time "
            "on the first sync; calendar events are read from here (default 2012-01-01).",
        ),
        th.Property(
            "page_size",
            th.IntegerType(minimum=1, maximum=500),
            default=100,
            description="Records per page. Keep it moderate: Agile CRM times out (500, "
            '"try again later") on large pages.',
        ),
        th.Property(
            "lookback_window",
            th.IntegerType(minimum=0),
            default=600,
            description="Seconds before the bookmark that incremental syncs read again.",
        ),
        th.Property(
            "reconcile",
            th.BooleanType,
            default=False,
            description="Full pass: read every list in full (FULL_TABLE with "
            "ACTIVATE_VERSION), so the loader marks records deleted in Agile CRM.",
        ),
        th.Property(
            "events_window_days",
            th.IntegerType(minimum=1),
            default=90,
            description="Days per calendar-events request window.",
        ),
        th.Property(
            "events_lookback_days",
            th.IntegerType(minimum=0),
            default=30,
            description="Days of calendar events re-read before the bookmark.",
        ),
        th.Property(
            "events_lookahead_days",
            th.IntegerType(minimum=0),
            default=365,
            description="Days of upcoming calendar events read past now.",
        ),
        th.Property("user_agent", th.StringType, description="User-Agent header to send."),
        CONCURRENCY_SETTING,
        *RETRY_SETTINGS,
    ).to_dict()

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:  # noqa: ANN401
        """Set up the mapper once the state is loaded (custom-field columns depend on it).

        Args:
            args: As for the SDK's Tap.
            kwargs: As for the SDK's Tap.
        """
        setup_mapper = kwargs.pop("setup_mapper", True)
        super().__init__(*args, setup_mapper=False, **kwargs)
        if setup_mapper:
            self.setup_mapper()

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

    def discover_streams(self) -> list[AgileStream]:
        """Every stream; nothing is fetched until a schema or a record is needed.

        Returns:
            The streams.
        """
        streams = [stream_type(tap=self) for stream_type in STREAM_TYPES]
        if self.config.get("reconcile"):
            for stream in streams:
                stream.forced_replication_method = "FULL_TABLE"
        return streams


def main() -> None:
    """Run the command line: exit 75 on a used-up quota, 1 with one line on a failure."""
    run_cli(TapAgileCRM, "tap-agilecrm")

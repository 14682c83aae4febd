"""The ActiveCampaign tap: settings and the stream list."""

from __future__ import annotations

import re
import typing as t
from functools import cached_property

from singer_sdk import typing as th

from crm_core.http import SAFE_URL_PATTERN
from crm_core.isolation import run_cli
from crm_core.rate_limit import RateLimiter
from crm_core.retry import RETRY_SETTINGS
from crm_core.run_control import CONCURRENCY_SETTING, RunControl
from crm_core.tap_base import CRMTap
from tap_activecampaign.client import seconds_of
from tap_activecampaign.streams import STREAM_TYPES

if t.TYPE_CHECKING:
    from tap_activecampaign.client import ACStream

#: What a URL copied with the API's path ends with (``https://x.api-us1.com/api/3/``).
_API_PATH = re.compile(r"/api/3/?$")


class TapActiveCampaign(CRMTap):
    """Singer tap for ActiveCampaign (API v3)."""

    name = "tap-activecampaign"
    #: Discovery reads the account's custom fields: the SDK validates the settings first.
    dynamic_catalog = True
    secret_settings = ("api_token",)

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_url",
            th.StringType(pattern=SAFE_URL_PATTERN),
            required=True,
            description="The account's API URL, e.g. https://youraccount.api-us1.com "
            "(Settings -> Developer); the tap calls {api_url}/api/3/... A URL copied with "
            "/api/3 is accepted. HTTPS only (plain HTTP only to a loopback host, i.e. the "
            "simulator).",
        ),
        th.Property(
            "api_token",
            th.StringType(min_length=1),
            required=True,
            secret=True,
            title="API token",
            description="The API token (Settings -> Developer -> API Access), sent in the "
            "Api-Token header.",
        ),
        th.Property(
            "start_date",
            th.DateTimeType,
            description="On the first sync, skip contacts and deals last changed before this "
            "time (every other stream is read whole).",
        ),
        th.Property(
            "page_size",
            th.IntegerType(minimum=1, maximum=100),
            default=100,
            description="Records per page (`limit`); ActiveCampaign allows at most 100.",
        ),
        th.Property(
            "requests_per_second",
            th.IntegerType(minimum=1, maximum=100),
            default=5,
            description="Most requests sent in any one-second window, across all streams and "
            "threads. ActiveCampaign allows 5 per second per account, shared by every key "
            "and app of the account: lower it when other apps use the API at the same time.",
        ),
        th.Property(
            "lookback_window",
            th.IntegerType(minimum=0),
            default=600,
            description="Seconds before the last run's start that incremental syncs read "
            "again (clock differences, late writes).",
        ),
        th.Property("user_agent", th.StringType, description="User-Agent header to send."),
        CONCURRENCY_SETTING,
        *RETRY_SETTINGS,
    ).to_dict()

    @property
    def api_root(self) -> str:
        """The ``api_url`` setting, without an ``/api/3`` a user copied with it.

        Returns:
            The URL, not yet checked.
        """
        url = str(self.config.get("api_url") or "").rstrip("/")
        bare = _API_PATH.sub("", url)
        if bare != url and not self.__dict__.get("_said_api_path"):
            self.__dict__["_said_api_path"] = True
            self.logger.warning(
                "api_url ends with /api/3, which the tap adds itself: using %s (set api_url "
                "to it to silence this line)",
                bare,
            )
        return bare

    def extra_config_errors(self) -> list[str]:
        """`start_date` must be a readable time (the schema's format is not enforced).

        Returns:
            The problems.
        """
        start = self.config.get("start_date")
        if start and seconds_of(start) is None:
            msg = f"start_date {start!r} is not a date-time; write it as ISO 8601, e.g. 2024-01-01"
            return [msg + "T00:00:00Z"]
        return []

    @cached_property
    def run_control(self) -> RunControl:
        """The run's gate and pool, with the limiter of ``requests_per_second``."""
        return RunControl(
            int(self.config.get("max_concurrent_requests", 4)),
            name=self.name,
            limiter=RateLimiter(int(self.config.get("requests_per_second", 5))),
        )

    def discover_streams(self) -> list[ACStream]:
        """Every stream; nothing is fetched until a schema or a record is needed.

        Returns:
            The streams.
        """
        return [stream_type(tap=self) for stream_type in STREAM_TYPES]


def main() -> None:
    """Run the command line: exit 1 with one line on a failure."""
    run_cli(TapActiveCampaign, "tap-activecampaign")

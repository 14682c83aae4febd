"""The ActiveCampaign tap: settings and the stream list."""

from __future__ import annotations

import re
from functools import cached_property

from singer_sdk import typing as th

from crm_core import settings
from crm_core.isolation import run_cli
from crm_core.rate_limit import RateLimiter
from crm_core.run_control import RunControl
from crm_core.tap_base import CRMTap
from tap_activecampaign.client import seconds_of
from tap_activecampaign.streams import STREAM_TYPES

#: What a URL copied with the API's path ends with (``https://x.api-us1.com/api/3/``).
_API_PATH = re.compile(r"/api/3/?$")


class TapActiveCampaign(CRMTap):
    """Singer tap for ActiveCampaign (API v3)."""

    name = "tap-activecampaign"
    #: Discovery reads the account's custom fields: the SDK validates the settings first.
    dynamic_catalog = True
    secret_settings = ("api_token",)
    stream_types = STREAM_TYPES

    config_jsonschema = th.PropertiesList(
        settings.api_url(
            "The account's API URL, e.g. https://youraccount.api-us1.com (Settings -> "
            "Developer); the tap calls {api_url}/api/3/... A URL copied with /api/3 is accepted.",
            required=True,
        ),
        settings.secret(
            "api_token",
            "The API token (Settings -> Developer -> API Access), sent in the Api-Token header.",
            required=True,
            title="API token",
        ),
        settings.start_date(
            "On the first sync, skip contacts and deals last changed before this time (every "
            "other stream is read whole)."
        ),
        settings.page_size(
            "Records per page (`limit`); ActiveCampaign allows at most 100.", maximum=100
        ),
        settings.integer(
            "requests_per_second",
            "Most requests sent in any one-second window, across all streams and threads. "
            "ActiveCampaign allows 5 per second per account, shared by every key and app of the "
            "account: lower it when other apps use the API at the same time.",
            default=5,
            minimum=1,
            maximum=100,
        ),
        settings.lookback_window(
            "Seconds before the last run's start that incremental syncs read again (clock "
            "differences, late writes)."
        ),
        *settings.run_settings(),
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


def main() -> None:
    """Run the command line: exit 1 with one line on a failure."""
    run_cli(TapActiveCampaign, "tap-activecampaign")

"""The Whautomate tap: settings and the stream list."""

from __future__ import annotations

import typing as t

from singer_sdk import typing as th

from crm_core.http import SAFE_URL_PATTERN
from crm_core.isolation import run_cli
from crm_core.retry import RETRY_SETTINGS
from crm_core.tap_base import CRMTap
from tap_whautomate.streams import STREAM_TYPES

if t.TYPE_CHECKING:
    from tap_whautomate.streams import WhautomateStream


class TapWhautomate(CRMTap):
    """Singer tap for Whautomate contacts."""

    name = "tap-whautomate"
    #: Discovery reads the account's custom fields: the SDK validates the settings first.
    dynamic_catalog = True
    secret_settings = ("api_key",)
    default_url = "https://api.whautomate.com"

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_key",
            th.StringType(min_length=1),
            required=True,
            secret=True,
            title="API key",
            description="The account's API key, sent in the `x-api-key` header.",
        ),
        th.Property(
            "api_url",
            th.StringType(pattern=SAFE_URL_PATTERN),
            default="https://api.whautomate.com",
            description="Root of the API; India accounts use https://api.in.whautomate.com. "
            "The tap calls {api_url}/v1/contacts. HTTPS only (plain HTTP only to a loopback "
            "host, i.e. the simulator).",
        ),
        th.Property(
            "page_size",
            th.IntegerType(minimum=1, maximum=1000),
            default=100,
            description="Contacts asked for per page (`limit`). The document names no "
            "largest value; a server that serves fewer is read correctly, page by page.",
        ),
        th.Property(
            "first_page",
            th.StringType,
            default="auto",
            allowed_values=["auto", "0", "1"],
            description="The number of the first page: `auto` asks page 0 and then page 1 "
            "and tells from their answers; `1` for a server that refuses page 0.",
        ),
        th.Property(
            "location_id",
            th.StringType(min_length=1),
            description="Only the contacts of this location (`locationId`).",
        ),
        th.Property(
            "tags",
            th.StringType(min_length=1),
            description="Only the contacts with these tags (`tags`, sent as written, e.g. "
            "`vip,newsletter`).",
        ),
        th.Property(
            "channel",
            th.StringType(min_length=1),
            description="Only the contacts of this channel (`channel`, e.g. `whatsapp`).",
        ),
        th.Property("user_agent", th.StringType, description="User-Agent header to send."),
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

    def discover_streams(self) -> list[WhautomateStream]:
        """The contacts stream; nothing is fetched until a schema or a record is needed.

        Returns:
            The streams.
        """
        return [stream_type(tap=self) for stream_type in STREAM_TYPES]


def main() -> None:
    """Run the command line: exit 75 on a used-up quota, 1 with one line on a failure."""
    run_cli(TapWhautomate, "tap-whautomate")

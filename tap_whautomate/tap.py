"""The Whautomate tap: settings and the stream list."""

from __future__ import annotations

from singer_sdk import typing as th

from crm_core import settings
from crm_core.isolation import run_cli
from crm_core.tap_base import CustomColumnsTap
from tap_whautomate.streams import STREAM_TYPES


class TapWhautomate(CustomColumnsTap):
    """Singer tap for Whautomate contacts."""

    name = "tap-whautomate"
    #: Discovery reads the account's custom fields: the SDK validates the settings first.
    dynamic_catalog = True
    secret_settings = ("api_key",)
    default_url = "https://api.whautomate.com"
    stream_types = STREAM_TYPES

    config_jsonschema = th.PropertiesList(
        settings.secret(
            "api_key",
            "The account's API key, sent in the `x-api-key` header.",
            required=True,
            title="API key",
        ),
        settings.api_url(
            "Root of the API; India accounts use https://api.in.whautomate.com. The tap calls "
            "{api_url}/v1/contacts.",
            default="https://api.whautomate.com",
        ),
        settings.page_size(
            "Contacts asked for per page (`limit`). The document names no largest value; a "
            "server that serves fewer is read correctly, page by page.",
            maximum=1000,
        ),
        settings.text(
            "first_page",
            "The number of the first page: `auto` asks page 0 and then page 1 and tells from "
            "their answers; `1` for a server that refuses page 0.",
            default="auto",
            allowed_values=["auto", "0", "1"],
        ),
        settings.text(
            "location_id", "Only the contacts of this location (`locationId`).", min_length=1
        ),
        settings.text(
            "tags",
            "Only the contacts with these tags (`tags`, sent as written, e.g. `vip,newsletter`).",
            min_length=1,
        ),
        settings.text(
            "channel",
            "Only the contacts of this channel (`channel`, e.g. `whatsapp`).",
            min_length=1,
        ),
        *settings.run_settings(concurrency=False),
    ).to_dict()


def main() -> None:
    """Run the command line: exit 75 on a used-up quota, 1 with one line on a failure."""
    run_cli(TapWhautomate, "tap-whautomate")

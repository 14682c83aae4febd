"""Write schemas/<source>/<stream>.json from the code (``--check``: fail if they differ).

One folder per source (``engagebay``, ``agilecrm``, ``activecampaign``, ``epixel``,
``whautomate``). Streams with properties get their SYSTEM
property columns here; the CUSTOM ones (``cf_*``) depend on the account and are added at
discovery.
"""

from __future__ import annotations

import json
import sys
import typing as t
from pathlib import Path

from tap_activecampaign.streams import CustomFieldStream
from tap_activecampaign.tap import TapActiveCampaign
from tap_agilecrm.tap import TapAgileCRM
from tap_engagebay.tap import TapEngageBay
from tap_epixel.tap import TapEpixel
from tap_whautomate.tap import TapWhautomate

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from singer_sdk import Tap

ROOT = Path(__file__).resolve().parents[1]
SCOPES = ("CONTACT", "DEAL", "COMPANY", "TICKET")


class OfflineTap(TapEngageBay):
    """A tap that knows no custom fields, so it makes no request."""

    known_lookups = {f"customfields:{scope}": [] for scope in SCOPES}  # noqa: RUF012


def offline_tap() -> TapEngageBay:
    """An offline tap."""
    return OfflineTap(config={"api_key": "offline"}, validate_config=False)


class OfflineAgileTap(TapAgileCRM):
    """An Agile CRM tap that samples no records for custom fields, so it makes no request."""

    def discover_streams(self) -> list[t.Any]:
        """The streams, none reading a first page to type custom fields.

        Returns:
            The streams.
        """
        streams = super().discover_streams()
        for stream in streams:
            if hasattr(stream, "sample"):
                stream.sample = list  # type: ignore[method-assign]
        return streams


def offline_agile_tap() -> TapAgileCRM:
    """An offline Agile CRM tap."""
    config = {"email": "offline@example.com", "api_key": "offline", "domain": "offline"}
    return OfflineAgileTap(config=config, validate_config=False)


class OfflineActiveCampaignTap(TapActiveCampaign):
    """An ActiveCampaign tap that reads no custom field definitions, so it makes no request."""

    def discover_streams(self) -> list[t.Any]:
        """The streams, none reading its custom field definitions.

        Returns:
            The streams.
        """
        streams = super().discover_streams()
        for stream in streams:
            if isinstance(stream, CustomFieldStream):
                stream.definitions = list  # type: ignore[method-assign]
        return streams


def offline_activecampaign_tap() -> TapActiveCampaign:
    """An offline ActiveCampaign tap."""
    config = {"api_url": "https://offline.api-us1.com", "api_token": "offline"}
    return OfflineActiveCampaignTap(config=config, validate_config=False)


def offline_epixel_tap() -> TapEpixel:
    """An Epixel tap (its schemas need no request)."""
    config = {
        "api_url": "https://offline.example.com/api/v2",
        "api_key": "offline",
        "access_token": "offline",
    }
    return TapEpixel(config=config, validate_config=False)


class OfflineWhautomateTap(TapWhautomate):
    """A Whautomate tap that samples no contacts for custom fields, so it makes no request."""

    def discover_streams(self) -> list[t.Any]:
        """The streams, none reading a first page to type custom fields.

        Returns:
            The streams.
        """
        streams = super().discover_streams()
        for stream in streams:
            if hasattr(stream, "sample"):
                stream.sample = list  # type: ignore[method-assign]
        return streams


def offline_whautomate_tap() -> TapWhautomate:
    """An offline Whautomate tap."""
    return OfflineWhautomateTap(config={"api_key": "offline"}, validate_config=False)


#: Each source's folder under schemas/, and its offline tap.
SOURCES: dict[str, Callable[[], Tap]] = {
    "engagebay": offline_tap,
    "agilecrm": offline_agile_tap,
    "activecampaign": offline_activecampaign_tap,
    "epixel": offline_epixel_tap,
    "whautomate": offline_whautomate_tap,
}


def rendered(source: str = "engagebay") -> dict[str, str]:
    """Every stream's schema of a source as the text of its file.

    Args:
        source: A key of ``SOURCES``.

    Returns:
        File name -> text.
    """
    tap = SOURCES[source]()
    return {
        f"{name}.json": json.dumps(stream.schema, indent=2, sort_keys=True) + "\n"
        for name, stream in tap.streams.items()
    }


def main() -> int:
    """Write the files, or with --check compare them."""
    stale: list[str] = []
    for source in SOURCES:
        folder = ROOT / "schemas" / source
        files = rendered(source)
        if "--check" in sys.argv:
            stale += [
                f"{source}/{n}"
                for n, text in files.items()
                if not (folder / n).exists() or (folder / n).read_text() != text
            ]
            stale += [f"{source}/{p.name}" for p in folder.glob("*.json") if p.name not in files]
            continue
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.json"):
            old.unlink()
        for name, text in files.items():
            (folder / name).write_text(text)
        print(f"wrote {len(files)} schemas to {folder}")
    if stale:
        print("schemas/ is out of date: run python scripts/write_schemas.py:", *stale)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Write schemas/<stream>.json from the code (``--check``: fail if they differ).

Streams with properties get their SYSTEM property columns here; the CUSTOM ones (``cf_*``)
depend on the account and are added at discovery.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tap_engagebay.tap import TapEngageBay

ROOT = Path(__file__).resolve().parents[1]
SCOPES = ("CONTACT", "DEAL", "COMPANY", "TICKET")


class OfflineTap(TapEngageBay):
    """A tap that knows no custom fields, so it makes no request."""

    known_lookups = {f"customfields:{scope}": [] for scope in SCOPES}  # noqa: RUF012


def offline_tap() -> TapEngageBay:
    """An offline tap."""
    return OfflineTap(config={"api_key": "offline"}, validate_config=False)


def rendered() -> dict[str, str]:
    """Every stream's schema as the text of its file."""
    tap = offline_tap()
    return {
        f"{name}.json": json.dumps(stream.schema, indent=2, sort_keys=True) + "\n"
        for name, stream in tap.streams.items()
    }


def main() -> int:
    """Write the files, or with --check compare them."""
    folder = ROOT / "schemas"
    files = rendered()
    if "--check" in sys.argv:
        stale = [n for n, text in files.items() if (folder / n).read_text() != text]
        stale += [p.name for p in folder.glob("*.json") if p.name not in files]
        if stale:
            print("schemas/ is out of date: run python scripts/write_schemas.py:", *stale)
            return 1
        return 0
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.json"):
        old.unlink()
    for name, text in files.items():
        (folder / name).write_text(text)
    print(f"wrote {len(files)} schemas to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

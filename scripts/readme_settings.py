"""Paste the settings table of ``tap-engagebay --about --format=markdown`` into the README.

``--check`` fails when the README's table differs from what ``--about`` prints.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = "<!-- settings table: tap-engagebay --about --format=markdown -->"
END = "<!-- end of settings table -->"


def about_table() -> str:
    """The settings table as --about prints it."""
    tap = Path(sys.executable).parent / "tap-engagebay"
    about = subprocess.run(
        [str(tap), "--about", "--format=markdown"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"## Settings\n\n(.*?)\n\n", about + "\n\n", re.DOTALL)
    if not match:
        msg = "no settings table in --about output"
        raise SystemExit(msg)
    return match.group(1).strip()


def main() -> int:
    """Update or check the README."""
    readme = ROOT / "README.md"
    text = readme.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    wanted = f"{head}{START}\n{about_table()}\n{END}{tail}"
    if "--check" in sys.argv:
        if wanted != text:
            print("README settings table differs from --about: run scripts/readme_settings.py")
            return 1
        return 0
    readme.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())

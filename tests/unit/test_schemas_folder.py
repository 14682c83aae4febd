"""schemas/ and the README's settings table are what the code declares."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def check(script):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_schemas_folder_matches_the_code():
    result = check("write_schemas.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_settings_table_is_what_about_prints():
    result = check("readme_settings.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_stream_has_a_typed_key_and_keeps_extra_fields():
    sys.path.insert(0, str(ROOT / "scripts"))
    from write_schemas import SOURCES  # noqa: PLC0415

    # Keys the APIs send as text: EngageBay's tag names, Epixel's lead slugs and snapshot times,
    # Whautomate's contact ids (a string in its document). Every other key is an exact integer.
    text_keys = {
        ("engagebay", "tag"),
        ("epixel", "slug"),
        ("epixel", "snapshot_time"),
        ("whautomate", "id"),
    }
    for source, offline_tap in SOURCES.items():
        for name, stream in offline_tap().streams.items():
            props = stream.schema["properties"]
            assert "extra_fields" in props, (source, name)
            for key in stream.primary_keys:
                expected = "string" if (source, key) in text_keys else "integer"
                assert expected in props[key]["type"], (source, name, key)

"""tap-whautomate's settings are declared in meltano.yml, .env.example and its README section."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tap_whautomate.tap import TapWhautomate
from tests.unit.test_settings_documented import SDK_BUILTINS

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = [n for n in TapWhautomate.config_jsonschema["properties"] if n not in SDK_BUILTINS]


def declared() -> dict[str, object]:
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    [tap] = [p for p in project["plugins"]["extractors"] if p["name"] == "tap-whautomate"]
    assert tap["load_schema"] == "whautomate"
    return tap  # type: ignore[no-any-return]


def test_meltano_yml_declares_every_setting_and_the_capabilities_about_reports():
    tap = declared()
    settings = {s["name"]: s for s in tap["settings"]}  # type: ignore[index]
    assert list(settings) == SETTINGS
    assert {n for n, s in settings.items() if s.get("sensitive")} == {"api_key"}
    about = subprocess.run(
        [str(Path(sys.executable).parent / "tap-whautomate"), "--about", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert sorted(tap["capabilities"]) == sorted(json.loads(about.stdout)["capabilities"])  # type: ignore[index]


def test_env_example_and_readme_list_every_setting():
    env = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Whautomate\n", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    for name in SETTINGS:
        assert f"TAP_WHAUTOMATE_{name.upper()}=" in env, name
        assert any(f"`{name}`" in line.split(" | ", 1)[0] for line in table), name

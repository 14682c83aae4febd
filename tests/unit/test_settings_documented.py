"""Every tap setting is declared in meltano.yml, listed in .env.example and in the README."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tap_activecampaign.tap import TapActiveCampaign
from tap_agilecrm.tap import TapAgileCRM
from tap_engagebay.tap import TapEngageBay
from tap_epixel.tap import TapEpixel

ROOT = Path(__file__).resolve().parents[2]
SDK_BUILTINS = {
    "stream_maps",
    "stream_map_config",
    "faker_config",
    "flattening_enabled",
    "flattening_max_depth",
    "flattening_max_key_length",
    "flattening_separator",
    "batch_config",
}


TAPS = {
    "tap-engagebay": TapEngageBay,
    "tap-agilecrm": TapAgileCRM,
    "tap-epixel": TapEpixel,
    "tap-activecampaign": TapActiveCampaign,
}
# The settings that are secrets (Meltano's `sensitive`, masked by `meltano config`).
SENSITIVE = {
    "tap-engagebay": {"api_key"},
    "tap-agilecrm": {"api_key", "email"},
    "tap-epixel": {"api_key", "access_token", "username", "password"},
    "tap-activecampaign": {"api_token"},
}


def tap_settings(tap_name="tap-engagebay"):
    properties = TAPS[tap_name].config_jsonschema["properties"]
    return [name for name in properties if name not in SDK_BUILTINS]


def declared_tap(tap_name):
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    [tap] = [p for p in project["plugins"]["extractors"] if p["name"] == tap_name]
    return tap


@pytest.mark.parametrize("tap_name", TAPS)
def test_meltano_yml_declares_every_setting_with_its_kind(tap_name):
    tap = declared_tap(tap_name)
    declared = {s["name"]: s for s in tap["settings"]}
    assert set(declared) == set(tap_settings(tap_name))
    kinds = {"integer": "integer", "boolean": "boolean", "number": "decimal", "string": "string"}
    for name, spec in TAPS[tap_name].config_jsonschema["properties"].items():
        if name in SDK_BUILTINS:
            continue
        types = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
        main = next(t for t in types if t != "null")
        if {"number", "string"} <= set(types):
            # A number Meltano passes as text: its decimal kind cannot be read from the env.
            assert declared[name]["kind"] == "string", name
        elif spec.get("format") == "date-time":
            assert declared[name]["kind"] == "date_iso8601", name
        else:
            assert declared[name]["kind"] == kinds[main], name
    assert {name for name, s in declared.items() if s.get("sensitive")} == SENSITIVE[tap_name]


def test_env_example_and_readme_list_every_setting():
    env = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    for name in tap_settings():
        assert f"TAP_ENGAGEBAY_{name.upper()}=" in env, name
        assert f"| {name} |" in readme, name


def test_env_example_and_readme_list_every_agilecrm_setting():
    env = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    # The Agile CRM section's settings table: one row per setting or group of settings.
    section = readme.split("\n## Agile CRM\n", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    for name in tap_settings("tap-agilecrm"):
        assert f"TAP_AGILECRM_{name.upper()}=" in env, name
        assert any(f"`{name}`" in line.split(" | ", 1)[0] for line in table), name


def test_env_example_and_readme_list_every_epixel_setting():
    env = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Epixel\n", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    for name in tap_settings("tap-epixel"):
        assert f"TAP_EPIXEL_{name.upper()}=" in env, name
        assert any(f"`{name}`" in line.split(" | ", 1)[0] for line in table), name


def test_env_example_and_readme_list_every_activecampaign_setting():
    env = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## ActiveCampaign\n", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    for name in tap_settings("tap-activecampaign"):
        assert f"TAP_ACTIVECAMPAIGN_{name.upper()}=" in env, name
        assert any(f"`{name}`" in line.split(" | ", 1)[0] for line in table), name


@pytest.mark.parametrize("tap_name", TAPS)
def test_meltano_yml_capabilities_are_what_about_reports(tap_name):
    tap = declared_tap(tap_name)
    about = subprocess.run(
        [str(Path(sys.executable).parent / tap_name), "--about", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert sorted(tap["capabilities"]) == sorted(json.loads(about.stdout)["capabilities"])

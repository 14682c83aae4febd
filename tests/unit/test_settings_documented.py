"""Every tap setting is declared in meltano.yml, listed in .env.example and in the README."""

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tap_engagebay.tap import TapEngageBay

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


def tap_settings():
    return [
        name for name in TapEngageBay.config_jsonschema["properties"] if name not in SDK_BUILTINS
    ]


def test_meltano_yml_declares_every_setting_with_its_kind():
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    [tap] = [p for p in project["plugins"]["extractors"] if p["name"] == "tap-engagebay"]
    declared = {s["name"]: s for s in tap["settings"]}
    assert set(declared) == set(tap_settings())
    kinds = {"integer": "integer", "boolean": "boolean", "number": "decimal", "string": "string"}
    for name, spec in TapEngageBay.config_jsonschema["properties"].items():
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
    assert declared["api_key"].get("sensitive") is True


def test_env_example_and_readme_list_every_setting():
    env = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    for name in tap_settings():
        assert f"TAP_ENGAGEBAY_{name.upper()}=" in env, name
        assert f"| {name} |" in readme, name


def test_meltano_yml_capabilities_are_what_about_reports():
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    [tap] = [p for p in project["plugins"]["extractors"] if p["name"] == "tap-engagebay"]
    about = subprocess.run(
        [str(Path(sys.executable).parent / "tap-engagebay"), "--about", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert sorted(tap["capabilities"]) == sorted(json.loads(about.stdout)["capabilities"])

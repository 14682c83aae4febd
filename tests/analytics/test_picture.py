"""scripts/picture.py draws the funnel from the marts: its numbers are the simulator's."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import typing as t
from html.parser import HTMLParser

import pytest

from tests.analytics.harness import ROOT, truth_funnel

if t.TYPE_CHECKING:
    from tests.analytics.conftest import Built


class DataAttributes(HTMLParser):
    """Collects the data-* attributes of <g class="stage"> and <g class="pipeline">."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: dict[str, list[dict[str, str]]] = {"stage": [], "pipeline": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "g" and values.get("class") in self.groups:
            self.groups[values["class"]].append(values)


@pytest.fixture(scope="module")
def picture(built: Built, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("picture") / "pipeline.html"
    script = ROOT / "scripts" / "picture.py"
    run = subprocess.run(
        [sys.executable, str(script), "--database", str(built.database), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return out


def test_sidecar_numbers_are_the_simulators(built: Built, picture):
    pipelines = json.loads(picture.with_suffix(".json").read_text())["pipelines"]
    got = {
        (p["track_id"], s["position"]): (p["pipeline"], s["stage"], s["deals"], s["amount"])
        for p in pipelines
        for s in p["stages"]
    }
    truth = {
        key: (v["pipeline"], v["stage"], v["deals"], pytest.approx(v["amount"], abs=0.01))
        for key, v in truth_funnel(built.sim).items()
    }
    assert got == truth


def test_svg_numbers_are_the_simulators(built: Built, picture):
    parser = DataAttributes()
    parser.feed(picture.read_text(encoding="utf-8"))
    truth = truth_funnel(built.sim)
    stages = {
        (int(g["data-track-id"]), int(g["data-position"])): (
            g["data-pipeline"],
            g["data-stage"],
            int(g["data-deals"]),
            float(g["data-amount"]),
        )
        for g in parser.groups["stage"]
    }
    assert stages == {
        key: (v["pipeline"], v["stage"], v["deals"], pytest.approx(v["amount"], abs=0.01))
        for key, v in truth.items()
    }
    pipelines = {int(g["data-track-id"]): g for g in parser.groups["pipeline"]}
    assert set(pipelines) == {track for track, _ in truth}
    for track, g in pipelines.items():
        mine = [v for (tr, _), v in truth.items() if tr == track]
        assert int(g["data-deals"]) == sum(v["deals"] for v in mine)
        assert float(g["data-amount"]) == pytest.approx(sum(v["amount"] for v in mine), abs=0.01)
        won = sum(v["amount"] for v in mine if v["is_won"])
        assert float(g["data-won-amount"]) == pytest.approx(won, abs=0.01)


def test_page_is_self_contained(picture):
    text = picture.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<svg" in text
    # Nothing fetched from anywhere: no scripts, stylesheets, images or URLs except the SVG
    # namespace.
    assert not re.search(r"<(script|link|img|iframe)\b", text)
    assert set(re.findall(r"https?://[^\"' )]+", text)) == {"http://www.w3.org/2000/svg"}

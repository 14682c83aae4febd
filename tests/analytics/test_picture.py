"""scripts/picture.py draws every source side by side from the marts: its numbers are the
simulators'."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import typing as t
from html.parser import HTMLParser

import pytest

from tests.analytics.harness import ROOT, truth_deals, truth_funnel, truth_steps

if t.TYPE_CHECKING:
    from tests.analytics.conftest import Built


class DataAttributes(HTMLParser):
    """Collects the data-* attributes of <g class="stage|pipeline|step">."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: dict[str, list[dict[str, str]]] = {"stage": [], "pipeline": [], "step": []}

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
    assert "3 sources, 8 pipelines" in run.stdout
    return out


def stage_truth(built: Built) -> dict[tuple[str, int], tuple[str, str, str, int, t.Any]]:
    """Per (pipeline key, position): source, pipeline, stage, deals, amount."""
    return {
        (f"{v['source']}:{v['pipeline_id']}", v["position"]): (
            v["source"],
            v["pipeline"],
            v["stage"],
            v["deals"],
            pytest.approx(v["amount"], abs=0.01),
        )
        for v in truth_funnel(built.sim, built.agile, built.others).values()
    }


def test_sidecar_numbers_are_the_simulators(built: Built, picture):
    sidecar = json.loads(picture.with_suffix(".json").read_text())
    got = {
        (p["pipeline_key"], s["position"]): (
            p["source"],
            p["pipeline"],
            s["stage"],
            s["deals"],
            s["amount"],
        )
        for p in sidecar["pipelines"]
        for s in p["stages"]
    }
    assert got == stage_truth(built)
    steps = {
        f"{source}:{s['step']}": (s["deals"], s["amount"])
        for source, rows in sidecar["funnel"].items()
        for s in rows
    }
    assert steps == {
        key: (deals, pytest.approx(amount, abs=0.01))
        for key, (deals, amount, _) in truth_steps(built.sim, built.agile, built.others).items()
    }


def test_svg_numbers_are_the_simulators(built: Built, picture):
    parser = DataAttributes()
    parser.feed(picture.read_text(encoding="utf-8"))
    stages = {
        (g["data-pipeline-key"], int(g["data-position"])): (
            g["data-source"],
            g["data-pipeline"],
            g["data-stage"],
            int(g["data-deals"]),
            float(g["data-amount"]),
        )
        for g in parser.groups["stage"]
    }
    truth = stage_truth(built)
    assert stages == truth
    pipelines = {g["data-pipeline-key"]: g for g in parser.groups["pipeline"]}
    assert set(pipelines) == {key for key, _ in truth}
    funnel = truth_funnel(built.sim, built.agile, built.others).values()
    for key, g in pipelines.items():
        mine = [v for v in funnel if f"{v['source']}:{v['pipeline_id']}" == key]
        assert int(g["data-deals"]) == sum(v["deals"] for v in mine)
        assert float(g["data-amount"]) == pytest.approx(sum(v["amount"] for v in mine), abs=0.01)
        # Won: by the stage, or (ActiveCampaign) by the deal's own status in any stage.
        deals = truth_deals(built.sim, built.agile, built.others).values()
        won = sum(
            d["amount"] for d in deals if f"{d['source']}:{d['pipeline_id']}" == key and d["is_won"]
        )
        assert float(g["data-won-amount"]) == pytest.approx(won, abs=0.01)
    # The funnel per source and combined: every source with deals, then all.
    steps = {
        f"{g['data-source']}:{g['data-step']}": (int(g["data-deals"]), float(g["data-amount"]))
        for g in parser.groups["step"]
    }
    assert steps == {
        key: (deals, pytest.approx(amount, abs=0.01))
        for key, (deals, amount, _) in truth_steps(built.sim, built.agile, built.others).items()
    }
    assert [g["data-source"] for g in parser.groups["step"]][-1] == "all"


def test_page_is_self_contained(picture):
    text = picture.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<svg" in text
    # Nothing fetched from anywhere: no scripts, stylesheets, images or URLs except the SVG
    # namespace.
    assert not re.search(r"<(script|link|img|iframe)\b", text)
    assert set(re.findall(r"https?://[^\"' )]+", text)) == {"http://www.w3.org/2000/svg"}


def test_a_warehouse_without_the_marts_gets_one_line(tmp_path):
    script = ROOT / "scripts" / "picture.py"
    run = subprocess.run(
        [sys.executable, str(script), "--database", str(tmp_path / "none.duckdb")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0
    assert "--database" in run.stderr

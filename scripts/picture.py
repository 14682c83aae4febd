"""Draw the deal funnel and the pipeline value from the warehouse's dbt marts.

Reads ``analytics.deal_funnel`` (built by ``meltano invoke dbt-duckdb:build``) from the DuckDB
warehouse and writes one self-contained HTML page with inline SVG (no scripts, fonts or images
from anywhere: it opens offline), plus a JSON sidecar with the same numbers.

Usage: ``.venv/bin/python scripts/picture.py [--database output/warehouse.duckdb]
[--schema analytics] [--out output/pipeline.html]``; the sidecar is the ``--out`` path with a
``.json`` suffix.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import typing as t
from pathlib import Path

import duckdb

BAR_WIDTH = 520  # the widest funnel bar, in px
ROW = 34  # height of one stage row
LABEL = 190  # room for the stage names left of the bars
OPEN_COLOR = "#4c78a8"
WON_COLOR = "#54a24b"
LOST_COLOR = "#e45756"

QUERY = """
select track_id, pipeline_name, stage_position, stage_name, is_won, is_lost,
       stage_probability, deal_count, cast(total_amount as double) as total_amount,
       cast(weighted_amount as double) as weighted_amount
from {schema}.deal_funnel
order by pipeline_name, track_id, stage_position
"""


def read_funnel(database: Path, schema: str) -> list[dict[str, t.Any]]:
    """Every pipeline with its stages in milestone order, from the deal_funnel mart.

    Args:
        database: The DuckDB warehouse.
        schema: The schema dbt built the marts in.

    Returns:
        One dict per pipeline: id, name, totals and its stages.
    """
    con = duckdb.connect(str(database), read_only=True)
    try:
        cursor = con.execute(QUERY.format(schema=schema))
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
    pipelines: dict[int, dict[str, t.Any]] = {}
    for row in rows:
        pipeline = pipelines.setdefault(
            row["track_id"],
            {"track_id": row["track_id"], "pipeline": row["pipeline_name"], "stages": []},
        )
        pipeline["stages"].append(
            {
                "position": row["stage_position"],
                "stage": row["stage_name"],
                "is_won": bool(row["is_won"]),
                "is_lost": bool(row["is_lost"]),
                "probability": row["stage_probability"],
                "deals": int(row["deal_count"]),
                "amount": round(row["total_amount"], 2),
                "weighted_amount": round(row["weighted_amount"], 2),
            }
        )
    for pipeline in pipelines.values():
        stages = pipeline["stages"]
        pipeline["deals"] = sum(s["deals"] for s in stages)
        pipeline["amount"] = round(sum(s["amount"] for s in stages), 2)
        pipeline["open_amount"] = round(
            sum(s["amount"] for s in stages if not (s["is_won"] or s["is_lost"])), 2
        )
        pipeline["won_amount"] = round(sum(s["amount"] for s in stages if s["is_won"]), 2)
        pipeline["lost_amount"] = round(sum(s["amount"] for s in stages if s["is_lost"]), 2)
        pipeline["weighted_open_amount"] = round(
            sum(s["weighted_amount"] for s in stages if not (s["is_won"] or s["is_lost"])), 2
        )
    return list(pipelines.values())


def money(value: float) -> str:
    """A compact amount: 1 234 567.8 -> '1.23M'.

    Args:
        value: The amount.

    Returns:
        The label.
    """
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.2f}{suffix}"
    return f"{value:.2f}"


def stage_color(stage: dict[str, t.Any]) -> str:
    """Green for a won stage, red for a lost one, blue for open stages."""
    if stage["is_won"]:
        return WON_COLOR
    if stage["is_lost"]:
        return LOST_COLOR
    return OPEN_COLOR


def svg_open(width: int, height: int, label: str) -> str:
    """The opening <svg> tag of a figure (label already HTML-escaped)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{label}">'
    )


def funnel_svg(pipeline: dict[str, t.Any]) -> str:
    """One pipeline's funnel: a centred bar per stage, its width the stage's deal count.

    Args:
        pipeline: A pipeline from read_funnel.

    Returns:
        An <svg> element.
    """
    stages = pipeline["stages"]
    widest = max([s["deals"] for s in stages] + [1])
    height = ROW * len(stages) + 10
    width = LABEL + BAR_WIDTH + 230
    label = html.escape(pipeline["pipeline"])
    parts = [svg_open(width, height, f"Deal funnel of {label}")]
    for i, stage in enumerate(stages):
        y = 5 + i * ROW
        bar = max(2.0, BAR_WIDTH * stage["deals"] / widest)
        x = LABEL + (BAR_WIDTH - bar) / 2
        name = html.escape(stage["stage"])
        parts.append(
            f'<g class="stage" data-pipeline="{html.escape(pipeline["pipeline"])}" '
            f'data-track-id="{pipeline["track_id"]}" data-position="{stage["position"]}" '
            f'data-stage="{name}" data-deals="{stage["deals"]}" '
            f'data-amount="{stage["amount"]:.2f}">'
            f"<title>{name}: {stage['deals']} deals, {stage['amount']:,.2f}</title>"
            f'<text x="{LABEL - 10}" y="{y + 21}" text-anchor="end">{name}</text>'
            f'<rect x="{x:.1f}" y="{y + 3}" width="{bar:.1f}" height="{ROW - 8}" rx="3" '
            f'fill="{stage_color(stage)}"/>'
            f'<text x="{LABEL + BAR_WIDTH + 12}" y="{y + 21}">{stage["deals"]} deals · '
            f"{money(stage['amount'])}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def value_svg(pipelines: list[dict[str, t.Any]]) -> str:
    """Pipeline value: per pipeline a bar split into open, won and lost amounts.

    Args:
        pipelines: From read_funnel.

    Returns:
        An <svg> element.
    """
    largest = max([p["amount"] for p in pipelines] + [1.0])
    height = ROW * len(pipelines) + 10
    width = LABEL + BAR_WIDTH + 230
    parts = [svg_open(width, height, "Pipeline value")]
    for i, pipeline in enumerate(pipelines):
        y = 5 + i * ROW
        name = html.escape(pipeline["pipeline"])
        parts.append(
            f'<g class="pipeline" data-pipeline="{name}" data-track-id="{pipeline["track_id"]}" '
            f'data-deals="{pipeline["deals"]}" data-amount="{pipeline["amount"]:.2f}" '
            f'data-open-amount="{pipeline["open_amount"]:.2f}" '
            f'data-won-amount="{pipeline["won_amount"]:.2f}" '
            f'data-lost-amount="{pipeline["lost_amount"]:.2f}">'
            f'<text x="{LABEL - 10}" y="{y + 21}" text-anchor="end">{name}</text>'
        )
        x = float(LABEL)
        for key, color in (
            ("open_amount", OPEN_COLOR),
            ("won_amount", WON_COLOR),
            ("lost_amount", LOST_COLOR),
        ):
            bar = BAR_WIDTH * pipeline[key] / largest
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{bar:.1f}" height="{ROW - 8}" '
                f'fill="{color}"><title>{key.replace("_", " ")}: {pipeline[key]:,.2f}</title>'
                "</rect>"
            )
            x += bar
        parts.append(
            f'<text x="{x + 12:.1f}" y="{y + 21}">{money(pipeline["amount"])} · '
            f"{pipeline['deals']} deals</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def page(pipelines: list[dict[str, t.Any]], source: str) -> str:
    """The whole HTML page.

    Args:
        pipelines: From read_funnel.
        source: Where the numbers come from, shown under the title.

    Returns:
        HTML text.
    """
    sections = [
        f"<section><h2>{html.escape(p['pipeline'])}</h2>"
        f"<p>{p['deals']} deals, {p['amount']:,.2f} in all; open {p['open_amount']:,.2f} "
        f"(weighted by stage probability {p['weighted_open_amount']:,.2f}), won "
        f"{p['won_amount']:,.2f}, lost {p['lost_amount']:,.2f}.</p>{funnel_svg(p)}</section>"
        for p in pipelines
    ]
    legend = (
        f'<p class="legend"><span style="color:{OPEN_COLOR}">■ open</span> '
        f'<span style="color:{WON_COLOR}">■ won</span> '
        f'<span style="color:{LOST_COLOR}">■ lost</span></p>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>EngageBay deal pipeline</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
        "svg text{font-size:13px;fill:#222}h2{margin-bottom:.2em}.legend span{margin-right:1em}"
        "</style></head><body><h1>EngageBay deal pipeline</h1>"
        f"<p>From {html.escape(source)}. Bars: deals per stage, in stage order.</p>{legend}"
        f"<h2>Pipeline value</h2>{value_svg(pipelines)}{''.join(sections)}</body></html>\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Write the page and its JSON sidecar.

    Args:
        argv: Command line arguments (default: sys.argv).

    Returns:
        The exit code.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=Path("output/warehouse.duckdb"))
    parser.add_argument("--schema", default="analytics")
    parser.add_argument("--out", type=Path, default=Path("output/pipeline.html"))
    args = parser.parse_args(argv)
    pipelines = read_funnel(args.database, args.schema)
    source = f"{args.database.name}, {args.schema}.deal_funnel"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(page(pipelines, source), encoding="utf-8")
    sidecar = args.out.with_suffix(".json")
    sidecar.write_text(json.dumps({"pipelines": pipelines}, indent=2, ensure_ascii=False) + "\n")
    deals = sum(p["deals"] for p in pipelines)
    print(f"wrote {args.out} and {sidecar}: {len(pipelines)} pipelines, {deals} deals")
    return 0


if __name__ == "__main__":
    sys.exit(main())

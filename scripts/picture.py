"""Draw the deal funnel and the pipeline value of every CRM source from the warehouse's marts.

Reads ``analytics.crm_deal_funnel``, ``crm_pipeline_value`` and ``crm_funnel`` (built by
``meltano invoke dbt-duckdb:build``) from the DuckDB warehouse and writes one self-contained
HTML page with inline SVG (no scripts, fonts or images from anywhere: it opens offline): the
funnel per source and combined, the value of every pipeline, and each source's pipelines side
by side; plus a JSON sidecar with the same numbers.

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

BAR_WIDTH = 520  # the widest bar of the pipeline value, in px
STAGE_BAR = 300  # the widest bar of a pipeline's funnel (drawn side by side per source)
ROW = 34  # height of one stage row
LABEL = 190  # room for the stage names left of the bars
STEP_COLORS = {"deals": "#9d9d9d", "open": "#4c78a8", "won": "#54a24b", "lost": "#e45756"}
OPEN_COLOR = "#4c78a8"
WON_COLOR = "#54a24b"
LOST_COLOR = "#e45756"

QUERY = """
select source, pipeline_key, pipeline_id, pipeline_name, stage_position, stage_name, is_won,
       is_lost, stage_probability, deal_count, cast(total_amount as double) as total_amount,
       cast(weighted_amount as double) as weighted_amount
from {schema}.crm_deal_funnel
order by source, pipeline_name, pipeline_key, stage_position
"""
STEPS_QUERY = """
select source, step, step_order, deal_count, cast(amount as double) as amount,
       cast(weighted_amount as double) as weighted_amount
from {schema}.crm_funnel
order by source = 'all', source, step_order
"""
VALUE_QUERY = """
select pipeline_key, deal_count, cast(total_amount as double) as total_amount,
       cast(open_amount as double) as open_amount, cast(won_amount as double) as won_amount,
       cast(lost_amount as double) as lost_amount,
       cast(weighted_open_amount as double) as weighted_open_amount
from {schema}.crm_pipeline_value
"""
#: How a source is named on the page.
LABELS = {
    "engagebay": "EngageBay",
    "agilecrm": "Agile CRM",
    "activecampaign": "ActiveCampaign",
    "epixel": "Epixel",
    "whautomate": "Whautomate",
    "all": "All sources",
}


def rows_of(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, t.Any]]:
    """A query's rows as dicts."""
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_marts(database: Path, schema: str) -> tuple[list[dict[str, t.Any]], dict[str, t.Any]]:
    """Every pipeline with its stages in order, and the funnel steps per source and combined.

    Args:
        database: The DuckDB warehouse.
        schema: The schema dbt built the marts in.

    Returns:
        The pipelines (source, key, id, name, totals and stages) and, per source ('all' last),
        its steps (deals, open, won, lost).
    """
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = rows_of(con, QUERY.format(schema=schema))
        step_rows = rows_of(con, STEPS_QUERY.format(schema=schema))
        values = {r["pipeline_key"]: r for r in rows_of(con, VALUE_QUERY.format(schema=schema))}
    finally:
        con.close()
    pipelines: dict[str, dict[str, t.Any]] = {}
    for row in rows:
        pipeline = pipelines.setdefault(
            row["pipeline_key"],
            {
                "source": row["source"],
                "pipeline_key": row["pipeline_key"],
                "pipeline_id": row["pipeline_id"],
                "pipeline": row["pipeline_name"],
                "stages": [],
            },
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
    # A pipeline's open, won and lost amounts are its deals' (crm_pipeline_value): a deal is won
    # or lost by its stage or, in ActiveCampaign, by its own status in any stage.
    empty = dict.fromkeys(
        ("deal_count", "total_amount", "open_amount", "won_amount", "lost_amount"), 0
    )
    for key, pipeline in pipelines.items():
        value = values.get(key, {**empty, "weighted_open_amount": 0})
        pipeline["deals"] = int(value["deal_count"])
        pipeline["amount"] = round(value["total_amount"] or 0, 2)
        pipeline["open_amount"] = round(value["open_amount"] or 0, 2)
        pipeline["won_amount"] = round(value["won_amount"] or 0, 2)
        pipeline["lost_amount"] = round(value["lost_amount"] or 0, 2)
        pipeline["weighted_open_amount"] = round(value["weighted_open_amount"] or 0, 2)
    funnel: dict[str, list[dict[str, t.Any]]] = {}
    for row in step_rows:
        funnel.setdefault(row["source"], []).append(
            {
                "step": row["step"],
                "deals": int(row["deal_count"]),
                "amount": round(row["amount"], 2),
                "weighted_amount": round(row["weighted_amount"], 2),
            }
        )
    return list(pipelines.values()), funnel


def label(source: str) -> str:
    """How a source is named on the page."""
    return LABELS.get(source, source)


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


def svg_open(width: int, height: int, text: str) -> str:
    """The opening <svg> tag of a figure (text already HTML-escaped)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{text}">'
    )


def steps_svg(source: str, steps: list[dict[str, t.Any]], widest: int) -> str:
    """One source's funnel (or the combined one): a bar per step, its width the deal count.

    Args:
        source: The source ('all' for the combined funnel).
        steps: Its steps, from read_marts.
        widest: The largest deal count of every funnel drawn (so they compare).

    Returns:
        An <svg> element.
    """
    width = 150 + STAGE_BAR + 150
    parts = [svg_open(width, ROW * len(steps) + 10, f"Funnel of {html.escape(label(source))}")]
    for i, step in enumerate(steps):
        y = 5 + i * ROW
        bar = max(2.0, STAGE_BAR * step["deals"] / max(widest, 1))
        x = 150 + (STAGE_BAR - bar) / 2
        parts.append(
            f'<g class="step" data-source="{html.escape(source)}" data-step="{step["step"]}" '
            f'data-deals="{step["deals"]}" data-amount="{step["amount"]:.2f}">'
            f"<title>{step['step']}: {step['deals']} deals, {step['amount']:,.2f}</title>"
            f'<text x="140" y="{y + 21}" text-anchor="end">{step["step"]}</text>'
            f'<rect x="{x:.1f}" y="{y + 3}" width="{bar:.1f}" height="{ROW - 8}" rx="3" '
            f'fill="{STEP_COLORS[step["step"]]}"/>'
            f'<text x="{150 + STAGE_BAR + 8}" y="{y + 21}">{step["deals"]} · '
            f"{money(step['amount'])}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def funnel_svg(pipeline: dict[str, t.Any]) -> str:
    """One pipeline's funnel: a centred bar per stage, its width the stage's deal count.

    Args:
        pipeline: A pipeline from read_marts.

    Returns:
        An <svg> element.
    """
    stages = pipeline["stages"]
    widest = max([s["deals"] for s in stages] + [1])
    height = ROW * len(stages) + 10
    width = 150 + STAGE_BAR + 150
    name = html.escape(pipeline["pipeline"] or "")
    parts = [svg_open(width, height, f"Deal funnel of {name}")]
    for i, stage in enumerate(stages):
        y = 5 + i * ROW
        bar = max(2.0, STAGE_BAR * stage["deals"] / widest)
        x = 150 + (STAGE_BAR - bar) / 2
        stage_name = html.escape(stage["stage"])
        parts.append(
            f'<g class="stage" data-source="{html.escape(pipeline["source"])}" '
            f'data-pipeline-key="{html.escape(pipeline["pipeline_key"])}" '
            f'data-pipeline="{name}" data-position="{stage["position"]}" '
            f'data-stage="{stage_name}" data-deals="{stage["deals"]}" '
            f'data-amount="{stage["amount"]:.2f}">'
            f"<title>{stage_name}: {stage['deals']} deals, {stage['amount']:,.2f}</title>"
            f'<text x="140" y="{y + 21}" text-anchor="end">{stage_name}</text>'
            f'<rect x="{x:.1f}" y="{y + 3}" width="{bar:.1f}" height="{ROW - 8}" rx="3" '
            f'fill="{stage_color(stage)}"/>'
            f'<text x="{150 + STAGE_BAR + 8}" y="{y + 21}">{stage["deals"]} · '
            f"{money(stage['amount'])}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def value_svg(pipelines: list[dict[str, t.Any]]) -> str:
    """Pipeline value: per pipeline of every source a bar split into open, won and lost.

    Args:
        pipelines: From read_marts.

    Returns:
        An <svg> element.
    """
    largest = max([p["amount"] for p in pipelines] + [1.0])
    height = ROW * len(pipelines) + 10
    width = LABEL + 80 + BAR_WIDTH + 230
    parts = [svg_open(width, height, "Pipeline value")]
    for i, pipeline in enumerate(pipelines):
        y = 5 + i * ROW
        name = html.escape(pipeline["pipeline"] or "")
        parts.append(
            f'<g class="pipeline" data-source="{html.escape(pipeline["source"])}" '
            f'data-pipeline-key="{html.escape(pipeline["pipeline_key"])}" data-pipeline="{name}" '
            f'data-deals="{pipeline["deals"]}" data-amount="{pipeline["amount"]:.2f}" '
            f'data-open-amount="{pipeline["open_amount"]:.2f}" '
            f'data-won-amount="{pipeline["won_amount"]:.2f}" '
            f'data-lost-amount="{pipeline["lost_amount"]:.2f}">'
            f'<text x="{LABEL + 70}" y="{y + 21}" text-anchor="end">'
            f"{html.escape(label(pipeline['source']))} · {name}</text>"
        )
        x = float(LABEL + 80)
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


def page(pipelines: list[dict[str, t.Any]], funnel: dict[str, t.Any], where: str) -> str:
    """The whole HTML page: funnels per source and combined, value, pipelines side by side.

    Args:
        pipelines: From read_marts.
        funnel: The steps per source, from read_marts.
        where: Where the numbers come from, shown under the title.

    Returns:
        HTML text.
    """
    widest = max([s["deals"] for steps in funnel.values() for s in steps] + [1])
    funnels = "".join(
        f'<div class="column"><h3>{html.escape(label(source))}</h3>'
        f"{steps_svg(source, steps, widest)}</div>"
        for source, steps in funnel.items()
    )
    sources = list(dict.fromkeys(p["source"] for p in pipelines))
    columns = []
    for source in sources:
        sections = [
            f"<section><h3>{html.escape(p['pipeline'] or '')}</h3>"
            f"<p>{p['deals']} deals, {p['amount']:,.2f} in all; open {p['open_amount']:,.2f} "
            f"(weighted {p['weighted_open_amount']:,.2f}), won {p['won_amount']:,.2f}, lost "
            f"{p['lost_amount']:,.2f}.</p>{funnel_svg(p)}</section>"
            for p in pipelines
            if p["source"] == source
        ]
        columns.append(
            f'<div class="column"><h2>{html.escape(label(source))}</h2>{"".join(sections)}</div>'
        )
    legend = (
        f'<p class="legend"><span style="color:{OPEN_COLOR}">■ open</span> '
        f'<span style="color:{WON_COLOR}">■ won</span> '
        f'<span style="color:{LOST_COLOR}">■ lost</span></p>'
    )
    names = ", ".join(label(s) for s in sources) or "no source"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>CRM deal pipeline</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
        "svg text{font-size:13px;fill:#222}h2,h3{margin-bottom:.2em}"
        ".legend span{margin-right:1em}.row{display:flex;flex-wrap:wrap;gap:2em}"
        "</style></head><body><h1>CRM deal pipeline</h1>"
        f"<p>Sources: {html.escape(names)}. From {html.escape(where)}. Amounts are added as "
        f"the sources give them, not converted between currencies.</p>{legend}"
        f'<h2>Funnel per source and combined</h2><div class="row">{funnels}</div>'
        f"<h2>Pipeline value</h2>{value_svg(pipelines)}"
        f'<div class="row">{"".join(columns)}</div></body></html>\n'
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
    if not args.database.is_file():
        print(f"picture.py: no warehouse at {args.database} (--database)", file=sys.stderr)
        return 2
    try:
        pipelines, funnel = read_marts(args.database, args.schema)
    except duckdb.CatalogException:
        print(
            f"picture.py: {args.database} has no {args.schema}.crm_deal_funnel; build the models "
            "first: meltano invoke dbt-duckdb:build",
            file=sys.stderr,
        )
        return 2
    marts = "crm_deal_funnel, crm_pipeline_value and crm_funnel"
    where = f"{args.database.name}, {args.schema}.{marts}"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(page(pipelines, funnel, where), encoding="utf-8")
    sidecar = args.out.with_suffix(".json")
    sidecar.write_text(
        json.dumps({"funnel": funnel, "pipelines": pipelines}, indent=2, ensure_ascii=False) + "\n"
    )
    deals = sum(p["deals"] for p in pipelines)
    sources = len({p["source"] for p in pipelines})
    print(
        f"wrote {args.out} and {sidecar}: {sources} sources, {len(pipelines)} pipelines, "
        f"{deals} deals"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

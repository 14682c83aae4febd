"""Print each source's warehouse tables with their row counts (and the simulator's) and a query.

Every source present in the warehouse has a schema of its own (engagebay, agilecrm, epixel,
whautomate, activecampaign); each is shown, next to its simulator's own counts when given.

Usage: python scripts/show_warehouse.py output/warehouse.duckdb
           [--simulator engagebay=URL] [--simulator agilecrm=URL] [--simulator epixel=URL]
           [--simulator whautomate=URL] [--simulator activecampaign=URL]
(a bare ``--simulator URL`` is EngageBay's).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request

import duckdb

#: The sources, in the order shown: each one's schema.
SOURCES = ("engagebay", "agilecrm", "epixel", "whautomate", "activecampaign")
KEYS = {
    ("engagebay", "tags"): "tag",
    ("epixel", "leads"): "slug",
    ("epixel", "lead_overview"): "snapshot_time",
}
SAMPLES = {
    "engagebay": (
        "deals by pipeline and stage",
        """
SELECT t.name AS pipeline, d."milestoneLabelName" AS stage,
       count(*) AS deals, round(sum(d.amount), 2) AS value
FROM engagebay.deals d JOIN engagebay.tracks t ON t.id = d.track_id
GROUP BY ALL ORDER BY pipeline, deals DESC LIMIT 12
""",
    ),
    "agilecrm": (
        "deals by pipeline and milestone",
        """
SELECT t.name AS pipeline, d.milestone, count(*) AS deals,
       round(sum(d.expected_value), 2) AS value
FROM agilecrm.deals d JOIN agilecrm.tracks t ON t.id = d.pipeline_id
GROUP BY ALL ORDER BY pipeline, deals DESC LIMIT 12
""",
    ),
    "epixel": (
        "leads by how the user holds them, and status",
        """
SELECT relation, status, count(*) AS leads
FROM epixel.leads WHERE _sdc_deleted_at IS NULL
GROUP BY ALL ORDER BY relation, leads DESC LIMIT 15
""",
    ),
    "whautomate": (
        "contacts by location and stage, with a typed custom field",
        """
SELECT json_extract_string(c.location, '$.title') AS location, c.stage,
       count(*) AS contacts, round(avg(c.cf_order_total), 2) AS avg_order_total
FROM whautomate.contacts c
GROUP BY ALL ORDER BY location, contacts DESC LIMIT 12
""",
    ),
    "activecampaign": (
        "deals by pipeline and stage",
        """
SELECT g.title AS pipeline, s.title AS stage, count(*) AS deals,
       round(sum(d.value), 2) AS value
FROM activecampaign.deals d
JOIN activecampaign.deal_groups g ON g.id = d."group"
JOIN activecampaign.deal_stages s ON s.id = d.stage
GROUP BY ALL ORDER BY pipeline, deals DESC LIMIT 12
""",
    ),
}
#: The tables a source's sample query needs (deals and tracks unless said).
SAMPLE_NEEDS = {
    "epixel": ("leads",),
    "whautomate": ("contacts",),
    "activecampaign": ("deals", "deal_groups", "deal_stages"),
}


def simulator_count(url: str, stream: str) -> int | None:
    """The simulator's own count of a stream, or None if it does not say."""
    try:
        with urllib.request.urlopen(f"{url}/_sim/truth/{stream}/count", timeout=10) as answer:  # noqa: S310 - loopback
            return int(json.loads(answer.read())["count"])
    except (OSError, ValueError, KeyError):
        return None


def simulators(given: list[str]) -> dict[str, str]:
    """``source=URL`` arguments as a mapping (a bare URL is EngageBay's).

    Args:
        given: The ``--simulator`` values.

    Returns:
        The URL of each source's simulator.

    Raises:
        SystemExit: On a source this script does not know.
    """
    urls: dict[str, str] = {}
    for value in given:
        source, sep, url = value.partition("=")
        if not sep:
            source, url = "engagebay", value
        if source not in SOURCES:
            msg = f"--simulator {value}: unknown source {source!r}; use one of {', '.join(SOURCES)}"
            raise SystemExit(msg)
        urls[source] = url
    return urls


def show_sample(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Print the source's sample query and its result."""
    title, sql = SAMPLES[source]
    print(f"\nA sample query -- {title}:")
    print(sql.strip())
    result = con.execute(sql)
    names = [column[0] for column in result.description]
    rows = [[str(v) for v in row] for row in result.fetchall()]
    widths = [max(len(n), *(len(r[i]) for r in rows)) for i, n in enumerate(names)]
    for line in [names, *rows]:
        print("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)))


def show_source(con: duckdb.DuckDBPyConnection, source: str, url: str | None) -> int:
    """Print one source's tables; return how many differ from the simulator."""
    tables = [
        row[0]
        for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
            "ORDER BY table_name",
            [source],
        ).fetchall()
    ]
    mismatches = 0
    print(f"\n== {source} (schema {source})")
    width = max([16, *(len(table) + 1 for table in tables)])
    print(f"{'table':<{width}}{'rows':>10}{'distinct ids':>14}{'simulator':>11}")
    for table in tables:
        key = KEYS.get((source, table), "id")
        rows, distinct = con.execute(
            f'SELECT count(*), count(DISTINCT "{key}") FROM {source}."{table}"'  # noqa: S608
        ).fetchone()
        truth = simulator_count(url, table) if url else None
        flag = ""
        if truth is not None and truth != distinct:
            flag = "  <-- differs"
            mismatches += 1
        shown = "" if truth is None else str(truth)
        print(f"{table:<{width}}{rows:>10}{distinct:>14}{shown:>11}{flag}")
    if all(table in tables for table in SAMPLE_NEEDS.get(source, ("deals", "tracks"))):
        show_sample(con, source)
    return mismatches


def main() -> int:
    """Print the report; exit 1 when a table's distinct ids differ from its simulator's."""
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument(
        "--simulator",
        action="append",
        default=[],
        metavar="SOURCE=URL",
        help=f"a source's simulator ({', '.join(SOURCES)}); a bare URL is EngageBay's",
    )
    args = parser.parse_args()
    urls = simulators(args.simulator)
    con = duckdb.connect(args.database, read_only=True)
    schemas = con.execute("SELECT DISTINCT table_schema FROM information_schema.tables")
    present = {row[0] for row in schemas.fetchall()}
    mismatches = 0
    for source in SOURCES:
        if source in present or source in urls:
            mismatches += show_source(con, source, urls.get(source))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())

"""Print each warehouse table with its row count (and the simulator's, when given) and a query.

Usage: python scripts/show_warehouse.py output/warehouse.duckdb [--simulator URL]
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request

import duckdb

SCHEMA = "engagebay"
KEYS = {"tags": "tag"}
SAMPLE = f"""
SELECT t.name AS pipeline, d."milestoneLabelName" AS stage,
       count(*) AS deals, round(sum(d.amount), 2) AS value
FROM {SCHEMA}.deals d JOIN {SCHEMA}.tracks t ON t.id = d.track_id
GROUP BY ALL ORDER BY pipeline, deals DESC LIMIT 12
"""  # noqa: S608 - a fixed query


def simulator_count(url: str, stream: str) -> int | None:
    """The simulator's own count of a stream, or None if it does not say."""
    try:
        with urllib.request.urlopen(f"{url}/_sim/truth/{stream}/count", timeout=10) as answer:  # noqa: S310 - loopback
            return int(json.loads(answer.read())["count"])
    except (OSError, ValueError, KeyError):
        return None


def main() -> int:
    """Print the report; exit 1 when a table's distinct ids differ from the simulator's."""
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--simulator")
    args = parser.parse_args()
    con = duckdb.connect(args.database, read_only=True)
    tables = [
        row[0]
        for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
            "ORDER BY table_name",
            [SCHEMA],
        ).fetchall()
    ]
    mismatches = 0
    print(f"{'table':<16}{'rows':>10}{'distinct ids':>14}{'simulator':>11}")
    for table in tables:
        key = KEYS.get(table, "id")
        rows, distinct = con.execute(
            f'SELECT count(*), count(DISTINCT "{key}") FROM {SCHEMA}."{table}"'  # noqa: S608
        ).fetchone()
        truth = simulator_count(args.simulator, table) if args.simulator else None
        flag = ""
        if truth is not None and truth != distinct:
            flag = "  <-- differs"
            mismatches += 1
        shown = "" if truth is None else str(truth)
        print(f"{table:<16}{rows:>10}{distinct:>14}{shown:>11}{flag}")
    if "deals" in tables and "tracks" in tables:
        print("\nA sample query -- deals by pipeline and stage:")
        print(SAMPLE.strip())
        result = con.execute(SAMPLE)
        names = [column[0] for column in result.description]
        rows = [[str(v) for v in row] for row in result.fetchall()]
        widths = [max(len(n), *(len(r[i]) for r in rows)) for i, n in enumerate(names)]
        for line in [names, *rows]:
            print("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())

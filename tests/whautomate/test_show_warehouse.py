"""scripts/show_warehouse.py shows schema whautomate next to its simulator's count."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]


def test_whautomate_counts_and_sample_query(tmp_path, whautomate):
    database = tmp_path / "w.duckdb"
    contacts = list(whautomate.records("contacts"))
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE SCHEMA whautomate")
        con.execute(
            "CREATE TABLE whautomate.contacts "
            "(id VARCHAR, location JSON, stage VARCHAR, cf_order_total DOUBLE)"
        )
        con.executemany(
            "INSERT INTO whautomate.contacts VALUES (?, ?, ?, ?)",
            [
                [
                    c["id"],
                    json.dumps(c["location"]),
                    c["stage"],
                    c["customFields"].get("Order Total"),
                ]
                for c in contacts
            ],
        )
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "show_warehouse.py"), str(database),
         "--simulator", f"whautomate={whautomate.url}"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    n = len(contacts)
    assert "contacts".ljust(16) + f"{n:>10}{n:>14}{n:>11}\n" in out.stdout
    assert "contacts by location and stage" in out.stdout

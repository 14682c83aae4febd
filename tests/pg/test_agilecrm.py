"""tap-agilecrm piped into the patched target-postgres, against the Agile CRM simulator.

Every stream lands in schema agilecrm with each record exactly once (the simulator's truth),
ids as bigint, times as timestamptz, and custom fields as typed columns holding their values.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from agilecrm_sim import AgileConfig, AgileSimulator
from tests.agilecrm.pipeline import STREAMS, tap_config
from tests.agilecrm_sim.helpers import SMALL
from tests.pg.harness import TargetRunner, column_types, fetch

pytestmark = pytest.mark.postgres

TAP = Path(sys.executable).parent / "tap-agilecrm"
SCHEMA = "agilecrm"
TIMESTAMPTZ = "timestamp with time zone"
# Custom fields typed from their values (README, "How a custom field's type is decided").
CUSTOM_TYPES = {
    "contacts": {
        "cf_accept_terms": "boolean",  # "on"
        "cf_date_of_joining": TIMESTAMPTZ,  # epoch seconds
        "cf_companies_worked": "jsonb",  # JSON inside a string
        "cf_employee_code": "text",  # digit strings such as "007" stay exact
    },
    "companies": {"cf_founded": TIMESTAMPTZ, "cf_verified": "boolean"},
}


def test_every_stream_exactly_once_typed(pg_server, target_postgres, pycache, tmp_path):
    target = TargetRunner(target_postgres, pg_server.target_settings(), SCHEMA, tmp_path, pycache)
    with AgileSimulator(AgileConfig(**SMALL)) as sim:
        target.run_tap(tap_config(sim), tap=TAP)
        truth = {stream: sorted(sim.ids(stream)) for stream in STREAMS}
        truth["ticket_filters"] = sorted(int(f["id"]) for f in sim.data.ticket_filters())
        contacts = {int(r["id"]): r for r in sim.records("contacts")}
    with pg_server.connect() as conn:
        for stream, ids in truth.items():
            loaded = sorted(i for (i,) in fetch(conn, f'SELECT id FROM {SCHEMA}."{stream}"'))
            assert loaded == ids, stream
        types = {stream: column_types(conn, SCHEMA, stream) for stream in truth}
        rows = fetch(
            conn,
            f"SELECT id, cf_employee_code, cf_accept_terms, cf_date_of_joining,"
            f" cf_companies_worked FROM {SCHEMA}.contacts",
        )
    for stream, columns in types.items():
        assert columns["id"] == "bigint", stream
        times = [c for c in columns if c.endswith("_time") and not c.startswith("_sdc")]
        assert all(columns[c] == TIMESTAMPTZ for c in times), (stream, times)
        for column, kind in CUSTOM_TYPES.get(stream, {}).items():
            assert columns[column] == kind, (stream, column)
    assert "created_time" in types["contacts"]
    assert "created_time" in types["deals"]
    dated = 0
    for cid, code, terms, joined, worked in rows:
        custom = {
            p["name"]: p["value"] for p in contacts[cid]["properties"] if p["type"] == "CUSTOM"
        }
        assert code == custom.get("Employee code")
        assert terms == (True if "Accept terms" in custom else None)
        if "Date of Joining" in custom:
            assert joined == dt.datetime.fromtimestamp(custom["Date of Joining"], dt.UTC)
            dated += 1
        worked_raw = custom.get("Companies worked")
        assert worked == (json.loads(worked_raw) if worked_raw else None)
    assert dated

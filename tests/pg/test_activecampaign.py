"""tap-activecampaign piped into the patched target-postgres, against the ActiveCampaign simulator.

Every stream lands in schema activecampaign with each record exactly once (the simulator's
truth), ids as bigint, times as timestamptz, and custom fields as typed columns.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from activecampaign_sim import ACConfig, ACSimulator
from tests.activecampaign.pipeline import STREAMS, tap_config
from tests.activecampaign_sim.helpers import SMALL
from tests.pg.harness import TargetRunner, column_types, fetch

pytestmark = pytest.mark.postgres

TAP = Path(sys.executable).parent / "tap-activecampaign"
SCHEMA = "activecampaign"
TIMESTAMPTZ = "timestamp with time zone"


def test_every_stream_exactly_once_typed(pg_server, target_postgres, pycache, tmp_path):
    target = TargetRunner(target_postgres, pg_server.target_settings(), SCHEMA, tmp_path, pycache)
    with ACSimulator(ACConfig(**SMALL)) as sim:
        target.run_tap(tap_config(sim), tap=TAP)
        truth = {stream: sorted(sim.ids(stream)) for stream in STREAMS}
        fields = list(sim.records("fields"))
        deal_meta = list(sim.records("deal_custom_field_meta"))
        deal_values = {int(d["id"]): int(d["value"]) for d in sim.records("deals")}
    with pg_server.connect() as conn:
        for stream, ids in truth.items():
            loaded = sorted(i for (i,) in fetch(conn, f'SELECT id FROM {SCHEMA}."{stream}"'))
            assert loaded == ids, stream
        contacts = column_types(conn, SCHEMA, "contacts")
        deals = column_types(conn, SCHEMA, "deals")
        values = dict(fetch(conn, f"SELECT id, value FROM {SCHEMA}.deals"))
    assert contacts["id"] == "bigint"
    assert contacts["cdate"] == contacts["udate"] == TIMESTAMPTZ
    assert deals["mdate"] == TIMESTAMPTZ
    kinds = {"date": "date", "datetime": TIMESTAMPTZ, "multiselect": "text[]"}
    for field in fields:
        column = "cf_" + "_".join(field["title"].lower().split())
        if field["type"] in kinds:
            assert contacts[column] == kinds[field["type"]], column
    for meta in deal_meta:
        column = "cf_" + "_".join(meta["fieldLabel"].lower().split())
        if meta["fieldType"] in {"number", "currency"}:
            assert deals[column] in {"numeric", "double precision", "bigint"}, column
    assert {i: Decimal(str(v)) * 100 for i, v in values.items()} == deal_values

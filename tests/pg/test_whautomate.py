"""tap-whautomate piped into the patched target-postgres, against the Whautomate simulator.

The contacts land in schema whautomate each exactly once (the simulator's truth), ids as
text, custom fields as typed columns; a complete read marks exactly the deleted contacts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.pg.harness import TargetRunner, column_types, fetch
from tests.whautomate.pipeline import tap_config
from tests.whautomate_sim.conftest import SMALL
from whautomate_sim import WhautomateConfig, WhautomateSimulator

pytestmark = pytest.mark.postgres

TAP = Path(sys.executable).parent / "tap-whautomate"
SCHEMA = "whautomate"


def test_contacts_exactly_once_typed_and_deletions(pg_server, target_postgres, pycache, tmp_path):
    target = TargetRunner(target_postgres, pg_server.target_settings(), SCHEMA, tmp_path, pycache)
    with WhautomateSimulator(WhautomateConfig(**SMALL)) as sim, pg_server.connect() as conn:
        target.run_tap(tap_config(sim), tap=TAP)
        truth = {r["id"]: r for r in sim.records("contacts")}
        rows = fetch(
            conn, f"SELECT id, cf_member_code, cf_age, cf_vip, cf_interests FROM {SCHEMA}.contacts"
        )
        assert sorted(r[0] for r in rows) == sorted(truth)
        types = column_types(conn, SCHEMA, "contacts")
        assert types["id"] == "text"
        assert types["cf_member_code"] == "text"
        assert types["cf_age"] == "numeric"
        assert types["cf_vip"] == "boolean"
        assert types["cf_interests"] == "jsonb"
        for cid, code, age, vip, interests in rows:
            fields = truth[cid]["customFields"]
            assert code == fields.get("Member Code")
            assert (None if age is None else float(age)) == fields.get("Age")
            assert vip == fields.get("VIP")
            assert interests == fields.get("Interests")

        gone = sorted(truth)[:2]
        for cid in gone:
            sim.delete("contacts", cid)
        target.run_tap(tap_config(sim), tap=TAP)
        marked = fetch(conn, f"SELECT id FROM {SCHEMA}.contacts WHERE _sdc_deleted_at IS NOT NULL")
        live = fetch(conn, f"SELECT id FROM {SCHEMA}.contacts WHERE _sdc_deleted_at IS NULL")
        assert sorted(r[0] for r in marked) == gone
        assert {r[0] for r in live} == sim.ids("contacts")

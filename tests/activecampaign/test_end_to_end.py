"""Every stream exactly once against the simulator's ground truth in DuckDB, typed custom
fields, and no more requests per second than allowed (the simulator's log)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from tests.activecampaign.pipeline import (
    STREAMS,
    query,
    run_pipeline,
    table_ids,
    tap_config,
    windows_over,
)


def test_every_stream_exactly_once_within_the_rate_limit(tmp_path, make_ac):
    sim = make_ac(rate_limit=5)  # the simulator answers 429 beyond 5 requests per second
    run = run_pipeline(tmp_path, tap_config(sim, requests_per_second=5))
    assert run.tap_rc == 0, run.tap_stderr[-3000:]
    assert run.target_rc == 0, run.target_stderr[-3000:]
    for stream in STREAMS:
        rows, ids = table_ids(run.database, stream)
        assert rows == len(ids) == sim.count(stream), stream
        assert ids == sim.ids(stream), stream
    log = sim.requests()
    assert len(log) > 30
    assert [e for e in log if e["status"] == 429] == []
    assert windows_over([e["ts"] for e in log], 5) == []
    assert sim.busiest_window() <= 5
    _custom_fields_are_typed_columns_in_units(run, sim)


def _custom_fields_are_typed_columns_in_units(run, ac):
    fields = {f["id"]: f for f in ac.records("fields")}
    values: dict[int, dict[str, str]] = {}
    for fv in ac.records("field_values"):
        values.setdefault(int(fv["contact"]), {})[fv["field"]] = fv["value"]
    columns = {c for (c,) in query(run.database, "SELECT column_name FROM information_schema"
                                   ".columns WHERE table_name = 'contacts'")}  # fmt: skip
    cf = sorted(c for c in columns if c.startswith("cf_"))
    assert len(cf) == len(fields)
    kinds = {f["type"] for f in fields.values()}
    assert {"date", "multiselect"} <= kinds
    multi = next(f for f in fields.values() if f["type"] in {"multiselect", "checkbox"})
    dated = next(f for f in fields.values() if f["type"] == "date")
    multi_col = "cf_" + "_".join(multi["title"].lower().split())
    date_col = "cf_" + "_".join(dated["title"].lower().split())
    rows = query(run.database, f"SELECT id, {multi_col}, {date_col} FROM activecampaign.contacts")
    seen = 0
    for cid, many, day in rows:
        raw = values.get(cid, {})
        if raw.get(multi["id"]):
            assert many is not None
            assert [v for v in raw[multi["id"]].split("||") if v] == list(
                many if isinstance(many, list) else json.loads(many)
            )
            seen += 1
        if raw.get(dated["id"]):
            assert day == dt.date.fromisoformat(raw[dated["id"]])
    assert seen
    # deals: value and currency fields in units, not cents
    meta = {m["id"]: m for m in ac.records("deal_custom_field_meta")}
    money = next(m for m in meta.values() if m["fieldType"] == "currency")
    money_col = "cf_" + "_".join(money["fieldLabel"].lower().split())
    cents = {int(d["dealId"]): d["fieldValue"] for d in ac.records("deal_custom_field_data")
             if str(d["customFieldId"]) == str(money["id"])}  # fmt: skip
    sql = f"SELECT id, value, {money_col} FROM activecampaign.deals"
    deals = {i: (v, m) for i, v, m in query(run.database, sql)}
    truth = {int(d["id"]): int(d["value"]) for d in ac.records("deals")}
    assert deals
    for deal_id, (value, money_value) in deals.items():
        assert Decimal(str(value)) * 100 == truth[deal_id]
        if deal_id in cents and cents[deal_id] is not None:
            assert Decimal(str(money_value)) * 100 == Decimal(str(cents[deal_id]))
    assert any(deal_id in cents for deal_id in deals)

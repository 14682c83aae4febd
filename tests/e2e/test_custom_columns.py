"""Custom-field columns keep their names and types in the warehouse when definitions change."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.e2e.pipeline import catalog_selecting, query, run_pipeline

TAP = str(Path(sys.executable).parent / "tap-engagebay")
SMALL = {
    "seed": 17,
    "contacts": 5,
    "companies": 2,
    "tracks": 2,
    "deals_per_track": 4,
    "tasks": 2,
    "tickets": 2,
    "products": 2,
    "events": 2,
}


@pytest.fixture
def sim():
    with Simulator(SimConfig(**SMALL)) as simulator:
        yield simulator


def ok(run):
    assert run.tap_rc == 0, run.tap_stderr[-3000:]
    assert run.target_rc == 0, run.target_stderr[-3000:]
    return run


def column_types(database):
    rows = query(
        database,
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'engagebay' AND table_name = 'deals'",
    )
    return dict(rows)


def row(database, deal_id, *names):
    cols = ", ".join(names)
    [found] = query(database, f"SELECT {cols} FROM engagebay.deals WHERE id = {deal_id}")
    return dict(zip(names, found, strict=True))


def add_fields(sim):
    """The finding's account: "Deal Size" (created first) and "deal_size", and two more."""
    ids = {
        f["field_label"]: f["id"]
        for f in sim.truth("custom_fields")
        if f["scope"] == "DEAL" and f["field_label"] in {"Deal Size", "deal_size"}
    }
    for label in ("Seats", "Score"):
        ids[label] = sim.add_custom_field("DEAL", label, "NUMBER")["id"]
    return ids


def change_fields(sim, ids):
    """Delete "Deal Size", rename "Seats", retype "Score", and add a new "Deal Size"."""
    sim.delete("custom_fields", ids["Deal Size"])
    sim.update("custom_fields", ids["Seats"], field_label="Licensed seats")
    sim.update("custom_fields", ids["Seats"], field_name="Licensed_seats")
    sim.update("custom_fields", ids["Score"], field_type="TEXT")
    sim.add_custom_field("DEAL", "Deal Size", "TEXT")


def test_columns_keep_their_names_and_types_through_tap_and_loader(tmp_path, sim):
    ids = add_fields(sim)
    first_deal, second_deal, latest = sorted(int(i) for i in sim.ids("deals"))[:3]
    sim.update(
        "deals",
        first_deal,
        properties={"Deal Size": "1500.5", "deal_size": "large", "Seats": "12", "Score": "7"},
    )
    sim.advance(3600)
    sim.update("deals", latest, name="Latest")  # first_deal is not read again (lookback)
    key = sim.config.api_key
    # Each run is given a catalog from --discover, as Meltano does (discovery has no state).
    catalog = catalog_selecting(sim.url, key, {"deals"})
    first = ok(run_pipeline(tmp_path / "1", sim.url, api_key=key, catalog=catalog))
    before = column_types(first.database)
    assert before["cf_deal_size"] == "DOUBLE"
    assert before["cf_deal_size_6b75ad"] == "VARCHAR"

    sim.advance(3600)
    change_fields(sim, ids)
    sim.update(
        "deals",
        second_deal,
        properties={"deal_size": "small", "Licensed seats": "30", "Score": "high"},
    )
    catalog = catalog_selecting(sim.url, key, {"deals"})
    # What discovery now says (no state): deal_size would move into cf_deal_size, as text.
    [entry] = [s for s in catalog["streams"] if s["tap_stream_id"] == "deals"]
    assert entry["schema"]["properties"]["cf_deal_size"]["type"] == ["string", "null"]
    second = ok(
        run_pipeline(tmp_path / "1", sim.url, api_key=key, state=first.state, catalog=catalog)
    )

    types = column_types(second.database)
    assert types["cf_deal_size"] == "DOUBLE"  # the deleted field's column keeps its type
    assert types["cf_deal_size_6b75ad"] == "VARCHAR"
    assert types["cf_score"] == types["cf_seats"]  # NUMBER columns stay numbers
    assert types["cf_score"] != "VARCHAR"
    assert types["cf_score_text"] == "VARCHAR"  # the retyped field's new column
    assert "cf_licensed_seats" not in types  # the renamed field kept cf_seats
    assert {k: v for k, v in types.items() if k in before} == before  # no column retyped
    new_columns = set(types) - set(before)
    [new_deal_size] = new_columns - {"cf_score_text"}  # the new "Deal Size": a name of its own
    assert new_deal_size.startswith("cf_deal_size_")
    assert new_deal_size != "cf_deal_size_6b75ad"

    assert row(
        second.database, second_deal, "cf_deal_size_6b75ad", "cf_seats", "cf_score_text"
    ) == {
        "cf_deal_size_6b75ad": "small",
        "cf_seats": 30,
        "cf_score_text": "high",
    }
    assert row(second.database, first_deal, "cf_deal_size", "cf_deal_size_6b75ad", "cf_score") == {
        "cf_deal_size": 1500.5,
        "cf_deal_size_6b75ad": "large",
        "cf_score": 7,
    }
    # The map is in the state the loader confirmed, beside the per-track partitions.
    deals_state = second.state["bookmarks"]["deals"]
    assert len(deals_state["partitions"]) == 2
    remembered = deals_state["custom_columns"]
    assert remembered[str(ids["Deal Size"])]["columns"] == [
        {"column": "cf_deal_size", "type": "NUMBER"}
    ]
    assert [c["column"] for c in remembered[str(ids["Score"])]["columns"]] == [
        "cf_score",
        "cf_score_text",
    ]
    assert "is now TEXT" in second.tap_stderr


def new_deal_size_column(sim):
    fields = sim.truth("custom_fields")
    [new] = [f for f in fields if f["scope"] == "DEAL" and f["field_label"] == "Deal Size"]
    digest = hashlib.sha1(new["field_name"].encode()).hexdigest()  # noqa: S324 - as the tap
    return f"cf_deal_size_{digest[:6]}"


def tap_messages(tmp_path, sim, *, state, catalog):
    config = {"api_key": sim.config.api_key, "api_url": sim.url, "retry_wait_base_ms": 10}
    for name, value in (("config", config), ("state", state), ("catalog", catalog)):
        (tmp_path / f"{name}.json").write_text(json.dumps(value))
    args = [TAP, *(f"--{n}={tmp_path / n}.json" for n in ("config", "state", "catalog"))]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    messages = [json.loads(line) for line in result.stdout.splitlines()]
    return messages, result.stderr


def test_schema_records_and_selection_follow_the_remembered_columns(tmp_path, sim):
    ids = add_fields(sim)
    key = sim.config.api_key
    catalog = catalog_selecting(sim.url, key, {"deals"})
    first, _ = tap_messages(tmp_path, sim, state={}, catalog=catalog)
    state = [m for m in first if m["type"] == "STATE"][-1]["value"]
    change_fields(sim, ids)
    catalog = catalog_selecting(sim.url, key, {"deals"})
    [entry] = [s for s in catalog["streams"] if s["tap_stream_id"] == "deals"]
    for meta in entry["metadata"]:
        # Meltano's `deals.*` selects every property; deselect what discovery (no state)
        # calls cf_deal_size (now the deal_size field) and cf_licensed_seats (Seats).
        if meta["breadcrumb"]:
            column = meta["breadcrumb"][-1]
            meta["metadata"]["selected"] = column not in {"cf_deal_size", "cf_licensed_seats"}
    messages, _ = tap_messages(tmp_path, sim, state=state, catalog=catalog)
    [schema] = [m["schema"]["properties"] for m in messages if m["type"] == "SCHEMA"]
    records = [m["record"] for m in messages if m["type"] == "RECORD"]
    assert records
    assert all(set(record) <= set(schema) for record in records)
    # deal_size's column, cf_deal_size_6b75ad, carries the deselection discovery gave it.
    assert "cf_deal_size_6b75ad" not in schema
    assert "cf_deal_size" not in schema
    assert "cf_seats" not in schema  # the renamed field keeps its column, deselected
    assert "cf_licensed_seats" not in schema
    assert schema["cf_score_text"]["type"] == ["string", "null"]
    assert "cf_score" not in schema
    assert [c for c in schema if c.startswith("cf_deal_size")] == [new_deal_size_column(sim)]
    assert not any("cf_deal_size_6b75ad" in record for record in records)


def test_an_unreadable_column_map_in_the_state_warns_once_and_falls_back(tmp_path, sim):
    add_fields(sim)
    catalog = catalog_selecting(sim.url, sim.config.api_key, {"deals"})
    state = {"bookmarks": {"deals": {"custom_columns": ["cf_deal_size"]}}}
    messages, stderr = tap_messages(tmp_path, sim, state=state, catalog=catalog)
    warnings = [line for line in stderr.splitlines() if "custom_columns is unreadable" in line]
    assert len(warnings) == 1
    assert "bookmarks.deals.custom_columns" in warnings[0]
    assert "Traceback" not in stderr
    final = [m for m in messages if m["type"] == "STATE"][-1]["value"]
    rebuilt = final["bookmarks"]["deals"]["custom_columns"]
    assert {c["column"] for e in rebuilt.values() for c in e["columns"]} >= {
        "cf_deal_size",
        "cf_deal_size_6b75ad",
    }

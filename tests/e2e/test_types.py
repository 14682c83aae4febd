"""Typed warehouse columns in DuckDB: every field type, bad values, collisions, exact ids."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.e2e.pipeline import query, run_pipeline

ACCOUNT = {
    "seed": 5,
    "contacts": 400,
    "companies": 30,
    "tracks": 2,
    "deals_per_track": 20,
    "tasks": 10,
    "tickets": 20,
    "products": 5,
    "events": 10,
}


@pytest.fixture(scope="module")
def sim():
    with Simulator(SimConfig(**ACCOUNT)) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def run(sim, tmp_path_factory):
    result = run_pipeline(
        tmp_path_factory.mktemp("types"),
        sim.url,
        api_key=sim.config.api_key,
        tap_config={"date_format": "DD/MM/YYYY"},
    )
    assert result.tap_rc == 0, result.tap_stderr[-3000:]
    assert result.target_rc == 0, result.target_stderr[-3000:]
    return result


def column_types(database, table):
    rows = query(
        database,
        "SELECT column_name, data_type FROM information_schema.columns "
        f"WHERE table_schema = 'engagebay' AND table_name = '{table}'",
    )
    return dict(rows)


def props(record):
    out = {}
    for prop in record.get("properties") or []:
        out.setdefault(prop["name"], prop["value"])
    return out


def test_column_types_follow_the_field_types(run):
    types = column_types(run.database, "contacts")
    assert types["id"] == "BIGINT"
    assert types["owner_id"] == "BIGINT"
    assert types["created_time"] == "TIMESTAMP WITH TIME ZONE"
    assert types["modified_time"] == "TIMESTAMP WITH TIME ZONE"
    assert types["cf_employees"] == "DOUBLE"  # NUMBER
    assert types["cf_annual_revenue"] == "DOUBLE"  # CURRENCY
    assert types["cf_newsletter"] == "BOOLEAN"  # CHECKBOX
    assert types["cf_renewal_date"] == "DATE"  # DATE
    assert types["cf_interests"] == "JSON"  # MULTICHECKBOX
    assert types["cf_files"] == "JSON"  # FILE
    assert types["address"] == "JSON"  # JSON inside a string
    for text in (
        "cf_nickname",
        "cf_background",
        "cf_lead_source",
        "cf_website_field",
        "cf_phone_number_field",
        "last_name",
        "phone",
    ):
        assert types[text] == "VARCHAR", text
    assert types["properties"] == "JSON"
    assert types["extra_fields"] == "JSON"


def test_colliding_and_odd_names_get_distinct_valid_columns(run):
    types = column_types(run.database, "contacts")
    # Custom fields named like record keys do not overwrite them.
    assert types["cf_id"] == "VARCHAR"
    assert types["cf_owner_id"] == "DOUBLE"
    assert types["cf_created_time"] == "DATE"
    # "Deal Size" (NUMBER) and "deal_size" (TEXT) fold alike: both kept, apart.
    assert types["cf_deal_size"] == "DOUBLE"
    [other] = [c for c in types if c.startswith("cf_deal_size_")]
    assert types[other] == "VARCHAR"
    # SYSTEM properties named like record keys move aside.
    assert "name_property" in types
    assert "email_property" in types
    assert all(len(c.encode()) <= 63 for c in types)
    assert any(c.startswith("cf_a_custom_field_label_that_is_much_longer") for c in types)


def test_values_are_typed_and_bad_ones_kept_raw(run, sim):
    rows = query(
        run.database,
        "SELECT id, cf_employees, cf_newsletter, cf_renewal_date::VARCHAR, "
        "cf_interests::VARCHAR, cf_files::VARCHAR, address::VARCHAR, properties::VARCHAR, "
        "cf_id FROM engagebay.contacts",
    )
    loaded = {row[0]: row[1:] for row in rows}
    bad_numbers = 0
    for record in sim.truth("contacts"):
        values = props(record)
        employees, newsletter, renewal, interests, files, address, raw, cf_id = loaded[
            int(record["id"])
        ]
        number = values.get("Employees", "")
        try:
            expected = float(number) if number.strip() else None
        except ValueError:
            expected = None
            bad_numbers += 1
            assert number in raw  # the raw value is kept in properties
        assert employees == expected
        flag = values.get("Newsletter", "")
        assert newsletter == ({"true": True, "false": False}.get(flag.lower()) if flag else None)
        date_text = values.get("Renewal Date", "")
        try:
            day = dt.datetime.strptime(date_text.split(" ")[0], "%d/%m/%Y").date().isoformat()  # noqa: DTZ007 - a calendar date
        except ValueError:
            day = None
        assert renewal == day, date_text
        boxes = values.get("Interests", "")
        assert (json.loads(interests) if interests else None) == (
            [b.strip() for b in boxes.split(",") if b.strip()] if boxes.strip() else None
        )
        if values.get("Files", "").strip():
            assert json.loads(files) == json.loads(values["Files"])
        if values.get("address", "").strip():
            assert json.loads(address) == json.loads(values["address"])
        # NUL characters arrive as U+FFFD (PostgreSQL cannot store NUL).
        assert cf_id == ((values.get("id") or "").replace("\x00", "\ufffd") or None)
    assert bad_numbers > 0, "the account should hold malformed NUMBER values"
    assert "did not fit their column" in run.tap_stderr


def test_ids_are_exact_whether_sent_as_numbers_or_strings(run, sim):
    raw = {str(r["id"]): r["id"] for r in sim.truth("contacts")}
    as_strings = [v for v in raw.values() if isinstance(v, str)]
    assert as_strings, "the account should send some ids as strings"
    loaded = {row[0] for row in query(run.database, "SELECT id FROM engagebay.contacts")}
    assert {int(k) for k in raw} == loaded
    assert max(loaded) > 2**53 - 10**6  # ids near 2^53 survive exactly


def test_never_updated_is_null_not_1970(run, sim):
    never = {int(r["id"]) for r in sim.truth("contacts") if not r.get("updated_time")}
    assert never
    nulls = {
        row[0]
        for row in query(
            run.database, "SELECT id FROM engagebay.contacts WHERE updated_time IS NULL"
        )
    }
    assert nulls == never


def test_a_custom_field_added_between_runs_becomes_a_column(tmp_path, sim):
    first = run_pipeline(tmp_path, sim.url, api_key=sim.config.api_key)
    assert first.tap_rc == 0, first.tap_stderr[-2000:]
    contact = next(iter(sim.truth("contacts")))
    sim.add_custom_field("CONTACT", "Loyalty Tier", "LIST")
    sim.advance(2)
    sim.update("contacts", int(contact["id"]), properties={"Loyalty Tier": "Gold"})
    second = run_pipeline(tmp_path, sim.url, api_key=sim.config.api_key, state=first.state)
    assert second.tap_rc == 0, second.tap_stderr[-2000:]
    assert column_types(second.database, "contacts")["cf_loyalty_tier"] == "VARCHAR"
    tiers = dict(
        query(
            second.database,
            "SELECT id, cf_loyalty_tier FROM engagebay.contacts WHERE cf_loyalty_tier IS NOT NULL",
        )
    )
    assert tiers[int(contact["id"])] == "Gold"
    # Records read again (the newest, within the lookback window) carry their value too.
    truth = {int(r["id"]): props(r).get("Loyalty Tier") for r in sim.truth("contacts")}
    assert all(truth[i] == tier for i, tier in tiers.items())

"""The real tap piped into the patched target-postgres, against the simulator.

One small simulated account, one schema, four runs in order (the module fixture):
1. a first sync (no state);
2. the same sync again, with no state: everything is read again and must be upserted;
3. a custom field is added to the account and set on one contact, then an incremental sync
   from the first run's state: the field becomes a new column holding that contact's value;
4. a contact and a deal are deleted, then a full pass (`reconcile: true`): the loader marks
   their rows with _sdc_deleted_at.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.e2e.pipeline import KEYS
from tests.pg.harness import column_types, fetch

if t.TYPE_CHECKING:
    import psycopg

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

# A small account: enough contacts (40) to hold the simulator's NUL case (contact index 31).
ACCOUNT = {
    "contacts": 40,
    "companies": 8,
    "tracks": 2,
    "deals_per_track": 4,
    "tasks": 6,
    "tickets": 4,
    "products": 3,
    "owners": 2,
    "tags": 4,
    "lists": 2,
    "forms": 2,
    "events": 8,
}
LONG_LABEL = "A custom field label that is much longer than sixty-three bytes, to test identifiers"
NEW_LABEL = "Loyalty Tier"
NEW_COLUMN = "cf_loyalty_tier"
TIMESTAMPTZ = "timestamp with time zone"
Keys = dict[str, list[t.Any]]


@dataclass
class Story:
    """What the four runs left, and what the simulator held at each step."""

    schema: str
    conn: psycopg.Connection[t.Any]
    sim: Simulator
    sim_ids: dict[str, set[t.Any]] = field(default_factory=dict)
    keys_after: dict[int, Keys] = field(default_factory=dict)  # run number -> keys loaded
    changed_contact: int = 0
    deleted: dict[str, int] = field(default_factory=dict)
    states: list[t.Any] = field(default_factory=list)


def loaded_keys(conn: psycopg.Connection[t.Any], schema: str) -> Keys:
    """Every key value of every table, duplicates kept."""
    return {
        stream: [row[0] for row in fetch(conn, f'SELECT "{key}" FROM {schema}.{stream}')]
        for stream, key in KEYS.items()
    }


def sim_keys(sim: Simulator, stream: str) -> set[t.Any]:
    if KEYS[stream] == "id":
        return sim.ids(stream)
    return {record[KEYS[stream]] for record in sim.truth(stream)}


@pytest.fixture(scope="module")
def story(make_target, pg_server):
    target = make_target("tap to postgres")
    with Simulator(SimConfig(seed=11, **ACCOUNT)) as sim, pg_server.connect() as conn:
        tap_config = {
            "api_key": sim.config.api_key,
            "api_url": sim.url,
            "retry_wait_base": 0.01,
            # Before all the simulator's data (2019 on): fewer empty calendar windows to walk.
            "start_date": "2019-01-01",
        }
        told = Story(target.schema, conn, sim)
        told.sim_ids = {stream: sim_keys(sim, stream) for stream in KEYS}

        first = target.run_tap(tap_config)
        told.keys_after[1] = loaded_keys(conn, target.schema)
        second = target.run_tap(tap_config)
        told.keys_after[2] = loaded_keys(conn, target.schema)

        sim.add_custom_field("CONTACT", NEW_LABEL, "TEXT")
        told.changed_contact = min(sim.ids("contacts"))
        sim.update("contacts", told.changed_contact, properties={NEW_LABEL: "gold"})
        third = target.run_tap(tap_config, state=first.state)

        told.deleted = {"contacts": max(sim.ids("contacts")), "deals": min(sim.ids("deals"))}
        for stream, record_id in told.deleted.items():
            sim.delete(stream, record_id)
        fourth = target.run_tap({**tap_config, "reconcile": True})
        told.states = [first.state, second.state, third.state, fourth.state]
        yield told


@pytest.mark.parametrize("stream", list(KEYS))
def test_each_stream_lands_every_record_once(story, stream):
    loaded = story.keys_after[1][stream]
    assert story.sim_ids[stream], f"the simulated account has no {stream}"
    assert set(loaded) == story.sim_ids[stream]
    assert len(loaded) == len(set(loaded))


def test_a_rerun_without_state_upserts(story):
    for stream in KEYS:
        assert sorted(story.keys_after[2][stream]) == sorted(story.keys_after[1][stream]), stream


def test_ids_are_bigint_and_times_timestamptz(story):
    for stream, key in KEYS.items():
        types = column_types(story.conn, story.schema, stream)
        if key == "id":
            assert types["id"] == "bigint", stream
        times = {
            name for name in ("created_time", "updated_time", "modified_time") if name in types
        }
        for name in times | {"_sdc_extracted_at", "_sdc_batched_at", "_sdc_deleted_at"}:
            assert types[name] == TIMESTAMPTZ, (stream, name)
    contacts = column_types(story.conn, story.schema, "contacts")
    assert {contacts[n] for n in ("created_time", "updated_time", "modified_time")} == {TIMESTAMPTZ}
    assert contacts["owner_id"] == "bigint"


def test_created_time_is_the_simulators_instant(story):
    # The simulator sends some ids as strings, as EngageBay does.
    truth = {int(r["id"]): r["created_time"] for r in story.sim.truth("contacts")}
    rows = fetch(story.conn, f"SELECT id, created_time FROM {story.schema}.contacts")
    assert {i: t_.timestamp() for i, t_ in rows if i in truth} == {
        i: float(v) for i, v in truth.items()
    }
    assert all(t_.tzinfo is not None for _, t_ in rows)


def test_nested_json_is_jsonb(story):
    types = column_types(story.conn, story.schema, "contacts")
    for name in ("tags", "extra_fields", "properties", "address", "sources", "owner"):
        assert types[name] == "jsonb", name
    [(kind,)] = fetch(
        story.conn,
        f"SELECT DISTINCT jsonb_typeof(properties) FROM {story.schema}.contacts"
        " WHERE properties IS NOT NULL",
    )
    assert kind == "array"


def test_custom_fields_are_typed_columns(story):
    types = column_types(story.conn, story.schema, "contacts")
    assert types["cf_employees"] == "numeric"
    assert types["cf_annual_revenue"] == "numeric"
    assert types["cf_newsletter"] == "boolean"
    assert types["cf_renewal_date"] == "date"
    assert types["cf_interests"] in {"text[]", "jsonb"}
    assert types["cf_nickname"] == "text"
    rows = fetch(
        story.conn,
        f"SELECT cf_employees, cf_newsletter, cf_renewal_date, cf_interests"
        f" FROM {story.schema}.contacts",
    )
    assert any(isinstance(r[0], Decimal) for r in rows)
    assert any(r[1] is True for r in rows)
    assert any(r[1] is False for r in rows)
    assert any(isinstance(r[2], dt.date) for r in rows)
    assert any(r[3] and all(isinstance(v, str) for v in r[3]) for r in rows)


def test_text_with_nul_lands_with_fffd(story):
    nul = [
        (int(record["id"]), prop["value"])
        for record in story.sim.truth("contacts")
        for prop in record["properties"]
        if prop["name"] == "Nickname" and "\x00" in (prop["value"] or "")
    ]
    assert nul, "the simulated account has no NUL case"
    for record_id, value in nul:
        rows = fetch(
            story.conn, f"SELECT cf_nickname FROM {story.schema}.contacts WHERE id = %s", record_id
        )
        assert rows == [(value.replace("\x00", "\ufffd"),)]


def test_the_long_custom_field_lands_in_a_column_of_at_most_63_bytes(story):
    columns = [
        name
        for name in column_types(story.conn, story.schema, "contacts")
        if name.startswith("cf_a_custom_field_label_that_is_much_longer")
    ]
    assert len(columns) == 1, columns
    [column] = columns
    assert len(column.encode()) <= 63
    truth = {
        int(record["id"]): prop["value"].replace("\x00", "\ufffd")
        for record in story.sim.truth("contacts")
        for prop in record["properties"]
        if prop["name"] == LONG_LABEL and prop["value"]
    }
    assert truth, "no contact carries the long field"
    rows = fetch(story.conn, f'SELECT id, "{column}" FROM {story.schema}.contacts')
    assert {i: v for i, v in rows if i in truth} == truth


def test_a_field_added_between_runs_becomes_a_column(story):
    assert column_types(story.conn, story.schema, "contacts")[NEW_COLUMN] == "text"
    rows = fetch(
        story.conn,
        f"SELECT id, {NEW_COLUMN} FROM {story.schema}.contacts WHERE {NEW_COLUMN} IS NOT NULL",
    )
    assert (story.changed_contact, "gold") in rows


def test_the_incremental_run_started_from_the_first_state(story):
    first, _, third, _ = story.states
    assert first["bookmarks"]["contacts"]["replication_key_value"]
    assert (
        third["bookmarks"]["contacts"]["replication_key_value"]
        >= (first["bookmarks"]["contacts"]["replication_key_value"])
    )


def test_the_full_pass_marks_deleted_records(story):
    for stream, record_id in story.deleted.items():
        rows = fetch(
            story.conn,
            f"SELECT id FROM {story.schema}.{stream} WHERE _sdc_deleted_at IS NOT NULL",
        )
        assert rows == [(record_id,)], stream
        live = fetch(
            story.conn, f"SELECT id FROM {story.schema}.{stream} WHERE _sdc_deleted_at IS NULL"
        )
        assert {i for (i,) in live} == story.sim.ids(stream), stream


def _first_values(record: dict[str, t.Any]) -> dict[str, t.Any]:
    values: dict[str, t.Any] = {}
    for prop in record.get("properties") or []:
        values.setdefault(prop["name"], prop["value"])
    return values


@pytest.mark.parametrize(
    ("label", "column"),
    [("Employees", "cf_employees"), ("Annual Revenue", "cf_annual_revenue"),
     ("Deal Size", "cf_deal_size"), ("owner_id", "cf_owner_id")],
)  # fmt: skip
def test_number_values_are_exact_and_malformed_ones_null_and_kept_raw(story, label, column):
    rows = fetch(story.conn, f"SELECT id, {column}, properties::text FROM {story.schema}.contacts")
    loaded = {i: (number, raw) for i, number, raw in rows}
    for record in story.sim.truth("contacts"):
        value = _first_values(record).get(label, "")
        number, raw = loaded[int(record["id"])]
        try:
            expected = Decimal(value) if value.strip() else None
        except ArithmeticError:
            assert number is None, value
            assert value in raw  # the raw value is kept in the properties column
            continue
        assert number == expected


def test_the_account_holds_malformed_numbers(story):
    labels = ("Employees", "Annual Revenue", "Deal Size", "owner_id")
    bad = [
        value
        for record in story.sim.truth("contacts")
        for label, value in _first_values(record).items()
        if label in labels and value.strip() and not value.replace(".", "", 1).isdigit()
    ]
    assert bad  # e.g. "n/a": the test above really meets malformed values


def test_colliding_names_are_distinct_columns(story):
    types = column_types(story.conn, story.schema, "contacts")
    assert types["cf_deal_size"] == "numeric"  # "Deal Size", NUMBER, created first
    [other] = [c for c in types if c.startswith("cf_deal_size_")]  # "deal_size", TEXT
    assert types[other] == "text"
    assert types["cf_id"] == "text"  # a custom field named "id" does not touch the key
    assert types["name_property"] == "text"  # SYSTEM "name" beside the record's name


def test_ids_near_2_53_sent_as_numbers_and_strings_are_exact(story):
    raw = [record["id"] for record in story.sim.truth("contacts")]
    assert any(isinstance(i, str) for i in raw)
    assert any(isinstance(i, int) for i in raw)
    loaded = {row[0] for row in fetch(story.conn, f"SELECT id FROM {story.schema}.contacts")}
    assert loaded == {int(i) for i in raw} | {story.deleted["contacts"]}
    assert max(loaded) >= 2**53 - 2**20

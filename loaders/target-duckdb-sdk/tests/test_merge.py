"""Upsert by key, schema evolution, ACTIVATE_VERSION, and when STATE is emitted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from duckdb_target_helpers import Warehouse, activate, record, schema_message, state

from target_duckdb_sdk import TargetDuckDB

PROPS = {"id": {"type": "integer"}, "name": {"type": ["null", "string"]}}


def people(names: dict[int, str], version: int | None = None, props=PROPS) -> list[dict]:
    return [
        schema_message("people", props),
        *(record("people", {"id": i, "name": n}, version) for i, n in names.items()),
    ]


def test_rerun_replaces_rows_instead_of_duplicating(warehouse: Warehouse):
    warehouse.run(people({i: f"old{i}" for i in range(1, 251)}), batch_size_rows=100)
    warehouse.run(people({i: f"new{i}" for i in range(200, 301)}), batch_size_rows=100)
    assert warehouse.one("SELECT count(*), count(DISTINCT id) FROM engagebay.people") == (300, 300)
    rows = warehouse.all("SELECT id, name FROM engagebay.people WHERE id IN (1, 199, 200, 300)")
    assert sorted(rows) == [(1, "old1"), (199, "old199"), (200, "new200"), (300, "new300")]


def test_last_version_of_a_key_wins_within_and_across_batches(warehouse: Warehouse):
    messages = [
        schema_message("people", PROPS),
        record("people", {"id": 1, "name": "first"}),
        record("people", {"id": 2, "name": "x"}),
        record("people", {"id": 1, "name": "second"}),  # same batch as "first"
        record("people", {"id": 3, "name": "y"}),
        record("people", {"id": 1, "name": "third"}),  # next batch
    ]
    target = warehouse.run(messages, batch_size_rows=4)
    assert sorted(warehouse.all("SELECT id, name FROM engagebay.people")) == [
        (1, "third"),
        (2, "x"),
        (3, "y"),
    ]
    sink = target._sinks_active["people"]
    assert sink._total_records_read == 5
    assert sink._total_dupe_records_merged == 1


def test_composite_and_text_keys(warehouse: Warehouse):
    props = {"a": {"type": "string"}, "b": {"type": "integer"}, "v": {"type": "string"}}
    messages = [
        schema_message("pairs", props, keys=["a", "b"]),
        record("pairs", {"a": "x", "b": 1, "v": "1"}),
        record("pairs", {"a": "x", "b": 2, "v": "2"}),
        record("pairs", {"a": "y", "b": 1, "v": "3"}),
    ]
    warehouse.run(messages)
    warehouse.run([messages[0], record("pairs", {"a": "x", "b": 2, "v": "changed"})])
    assert sorted(warehouse.all("SELECT a, b, v FROM engagebay.pairs")) == [
        ("x", 1, "1"),
        ("x", 2, "changed"),
        ("y", 1, "3"),
    ]


def test_a_property_added_between_runs_becomes_a_column(warehouse: Warehouse):
    warehouse.run(people({1: "a", 2: "b"}))
    wider = {**PROPS, "cf_score": {"type": ["null", "integer"]}}
    warehouse.run(
        [schema_message("people", wider), record("people", {"id": 3, "name": "c", "cf_score": 7})]
    )
    assert warehouse.column_types("people")["cf_score"] == "BIGINT"
    assert sorted(warehouse.all("SELECT id, cf_score FROM engagebay.people")) == [
        (1, None),
        (2, None),
        (3, 7),
    ]


def test_a_new_schema_in_the_same_run_keeps_arrival_order(warehouse: Warehouse):
    wider = {**PROPS, "extra": {"type": ["null", "boolean"]}}
    warehouse.run(
        [
            schema_message("people", PROPS),
            record("people", {"id": 1, "name": "before"}),
            schema_message("people", wider),
            record("people", {"id": 1, "name": "after", "extra": False}),
            record("people", {"id": 2, "name": "new", "extra": True}),
        ],
        batch_size_rows=2,  # the second sink fills and drains before the run ends
    )
    assert sorted(warehouse.all("SELECT id, name, extra FROM engagebay.people")) == [
        (1, "after", False),
        (2, "new", True),
    ]


def test_an_incompatible_type_change_turns_the_column_into_text(warehouse: Warehouse):
    props = {"id": {"type": "integer"}, "score": {"type": ["null", "integer"]}}
    warehouse.run([schema_message("people", props), record("people", {"id": 1, "score": 5})])
    changed = {"id": {"type": "integer"}, "score": {"type": ["null", "object"]}}
    warehouse.run(
        [schema_message("people", changed), record("people", {"id": 2, "score": {"a": 1}})]
    )
    assert warehouse.column_types("people")["score"] == "VARCHAR"
    assert sorted(warehouse.all("SELECT id, score FROM engagebay.people")) == [
        (1, "5"),
        (2, '{"a":1}'),
    ]


def test_append_only_load_method_keeps_every_record(warehouse: Warehouse):
    warehouse.run(people({1: "a"}), load_method="append-only")
    warehouse.run(people({1: "b"}), load_method="append-only")
    assert warehouse.one("SELECT count(*) FROM engagebay.people") == (2,)


def test_overwrite_load_method_replaces_the_table(warehouse: Warehouse):
    warehouse.run(people({1: "a", 2: "b"}))
    warehouse.run(people({3: "c"}), load_method="overwrite")
    assert warehouse.all("SELECT id FROM engagebay.people") == [(3,)]


# ---- ACTIVATE_VERSION -------------------------------------------------------------------


def full_pass(ids: list[int], version: int, *, activate_at: str = "start") -> list[dict]:
    body = [record("people", {"id": i, "name": f"v{version}"}, version) for i in ids]
    messages = [schema_message("people", PROPS)]
    if activate_at == "start":  # what the Meltano SDK's taps do
        return [*messages, activate("people", version), *body]
    return [*messages, *body, activate("people", version)]  # the older Stitch convention


@pytest.mark.parametrize("activate_at", ["start", "end"])
def test_activate_version_soft_deletes_rows_of_older_versions(warehouse: Warehouse, activate_at):
    warehouse.run(full_pass([1, 2, 3, 4, 5], 1, activate_at=activate_at), batch_size_rows=2)
    warehouse.run(full_pass([1, 2, 3], 2, activate_at=activate_at), batch_size_rows=2)
    rows = warehouse.all(
        "SELECT id, name, _sdc_table_version, _sdc_deleted_at IS NOT NULL "
        "FROM engagebay.people ORDER BY id"
    )
    assert rows == [
        (1, "v2", 2, False),
        (2, "v2", 2, False),
        (3, "v2", 2, False),
        (4, "v1", 1, True),
        (5, "v1", 1, True),
    ]


def test_activate_version_retires_rows_loaded_without_a_version(warehouse: Warehouse):
    warehouse.run(people({1: "inc", 9: "deleted at the source"}))  # an incremental run
    warehouse.run(full_pass([1], 7))
    assert warehouse.all(
        "SELECT id, _sdc_deleted_at IS NOT NULL FROM engagebay.people ORDER BY id"
    ) == [(1, False), (9, True)]


def test_a_soft_deleted_row_comes_back_when_sent_again(warehouse: Warehouse):
    warehouse.run(full_pass([1, 2], 1))
    warehouse.run(full_pass([1], 2))
    warehouse.run(full_pass([1, 2], 3))
    assert warehouse.one(
        "SELECT count(*) FILTER (_sdc_deleted_at IS NULL) FROM engagebay.people"
    ) == (2,)


def test_activate_version_hard_delete(warehouse: Warehouse):
    warehouse.run(full_pass([1, 2, 3], 1), hard_delete=True)
    warehouse.run(full_pass([2], 2), hard_delete=True)
    assert warehouse.all("SELECT id, name FROM engagebay.people") == [(2, "v2")]


# ---- STATE ------------------------------------------------------------------------------


def test_state_is_emitted_only_after_the_records_before_it_are_committed(
    warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
):
    seen: list[tuple[dict, int]] = []

    def write_state(self, value: dict) -> None:
        # What a fresh connection (which sees committed data only) finds when the state goes out.
        with self.target_connector._engine.connect() as conn:
            count = conn.exec_driver_sql("SELECT count(*) FROM engagebay.people").scalar_one()
        seen.append((value, count))

    monkeypatch.setattr(TargetDuckDB, "_write_state_message", write_state)
    warehouse.run(
        [
            *people(dict.fromkeys(range(1, 8), "x")),
            state({"bookmarks": {"people": {"id": 7}}}),
            *people(dict.fromkeys(range(8, 11), "y"))[1:],
            state({"bookmarks": {"people": {"id": 10}}}),
        ],
        batch_size_rows=3,
    )
    assert seen == [({"bookmarks": {"people": {"id": 10}}}, 10)]


def test_cli_echoes_the_state_after_loading(tmp_path: Path):
    database = tmp_path / "deep" / "folder" / "w.duckdb"
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"path": str(database), "batch_size_rows": 2}))
    lines = [
        *people({1: "a", 2: "b", 3: "c"}),
        state({"bookmarks": {"people": {"replication_key_value": 3}}}),
    ]
    target = Path(sys.executable).parent / "target-duckdb-sdk"
    result = subprocess.run(
        [str(target), "--config", str(config)],
        input="".join(json.dumps(m) + "\n" for m in lines),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"bookmarks": {"people": {"replication_key_value": 3}}}
    ]
    assert Warehouse(database).one("SELECT count(DISTINCT id) FROM engagebay.people") == (3,)


def test_cli_about_needs_no_database(tmp_path: Path):
    target = Path(sys.executable).parent / "target-duckdb-sdk"
    result = subprocess.run(
        [str(target), "--about", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=tmp_path,
    )
    about = json.loads(result.stdout)
    settings = about["settings"]["properties"]
    assert settings["default_target_schema"]["default"] == "engagebay"
    assert settings["add_record_metadata"]["default"] is True
    assert settings["hard_delete"]["default"] is False
    assert settings["load_method"]["default"] == "upsert"
    assert about["settings"]["required"] == ["path"]
    assert list(tmp_path.iterdir()) == []

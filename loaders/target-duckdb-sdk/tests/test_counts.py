"""Every record sent lands exactly once: counts at the batch boundaries and beyond."""

from __future__ import annotations

import pytest
from duckdb_target_helpers import Warehouse, record, schema_message, state

BATCH = 100
PROPS = {
    "id": {"type": "integer"},
    "name": {"type": ["null", "string"]},
    "created": {"type": ["null", "string"], "format": "date-time"},
}


def contacts(n: int) -> list[dict]:
    return [
        schema_message("contacts", PROPS),
        *(
            record("contacts", {"id": i, "name": f"n{i}", "created": "2024-05-01T10:00:00Z"})
            for i in range(1, n + 1)
        ),
        state({"bookmarks": {"contacts": {"replication_key_value": n}}}),
    ]


@pytest.mark.parametrize("n", [1, BATCH - 1, BATCH, BATCH + 1, 2 * BATCH])
def test_counts_at_batch_boundaries(warehouse: Warehouse, n: int):
    warehouse.run(contacts(n), batch_size_rows=BATCH)
    rows, ids = warehouse.one("SELECT count(*), count(DISTINCT id) FROM engagebay.contacts")
    assert (rows, ids) == (n, n)


def test_thirty_thousand_records(warehouse: Warehouse):
    warehouse.run(contacts(30_000), batch_size_rows=7_000)
    rows, ids, low, high = warehouse.one(
        "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM engagebay.contacts"
    )
    assert (rows, ids, low, high) == (30_000, 30_000, 1, 30_000)


def test_all_text_rows_are_not_taken_for_a_header(warehouse: Warehouse):
    """The shape target-duckdb 0.8.0 lost: text-only rows, the first looking like a header."""
    props = {"id": {"type": "string"}, "name": {"type": "string"}, "email": {"type": "string"}}
    warehouse.run(
        [
            schema_message("tags", props),
            record("tags", {"id": "id", "name": "name", "email": "email"}),
            record("tags", {"id": "b", "name": "Bob", "email": "bob@example.com"}),
        ]
    )
    assert warehouse.one("SELECT count(*), count(DISTINCT id) FROM engagebay.tags") == (2, 2)
    assert warehouse.all("SELECT id, name FROM engagebay.tags ORDER BY id") == [
        ("b", "Bob"),
        ("id", "name"),
    ]


def test_a_single_text_row_lands(warehouse: Warehouse):
    warehouse.run([schema_message("tags", {"id": {"type": "string"}}), record("tags", {"id": "x"})])
    assert warehouse.one("SELECT count(*) FROM engagebay.tags") == (1,)


def test_datetime_rows_land_in_utc(warehouse: Warehouse):
    props = {"id": {"type": "integer"}, "at": {"type": ["null", "string"], "format": "date-time"}}
    values = {
        1: "2024-01-01T00:00:00+02:00",
        2: "2024-01-01T00:00:00Z",
        3: "2024-01-01T00:00:00",  # naive: taken as UTC
        4: "2024-06-30T23:59:59.123456-05:30",
        5: None,
    }
    warehouse.run(
        [
            schema_message("events", props),
            *(record("events", {"id": k, "at": v}) for k, v in values.items()),
        ]
    )
    rows = warehouse.all(
        """SELECT id, strftime(timezone('UTC', "at"), '%Y-%m-%dT%H:%M:%S.%f') """
        "FROM engagebay.events ORDER BY id"
    )
    assert rows == [
        (1, "2023-12-31T22:00:00.000000"),
        (2, "2024-01-01T00:00:00.000000"),
        (3, "2024-01-01T00:00:00.000000"),
        (4, "2024-07-01T05:29:59.123456"),
        (5, None),
    ]


def test_streams_without_keys_append(warehouse: Warehouse):
    messages = [
        schema_message("log", {"id": {"type": "integer"}}, keys=[]),
        record("log", {"id": 1}),
        record("log", {"id": 1}),
    ]
    warehouse.run(messages)
    warehouse.run(messages)
    assert warehouse.one("SELECT count(*) FROM engagebay.log") == (4,)


def test_load_out_of_memory_is_retried_with_more_then_without_the_limit(
    warehouse: Warehouse, caplog
):
    wide = {"id": {"type": "integer"}, "text": {"type": ["null", "string"]}}
    messages = [
        schema_message("contacts", wide),
        *(record("contacts", {"id": i, "text": "x" * 20_000}) for i in range(1, 2_001)),
    ]
    with caplog.at_level("INFO"):
        target = warehouse.run(messages, memory_limit="4MB")
    assert all(s.connector.memory_limit is None for s in target._sinks_active.values())
    logged = [r.getMessage() for r in caplog.records]
    steps = [m for m in logged if "ran out of memory" in m]
    # the first retry is at the same limit, after a checkpoint; only then is the limit raised
    checkpoints = [i for i, m in enumerate(logged) if "checkpointing, then retrying" in m]
    assert len(checkpoints) == 1, checkpoints
    assert checkpoints[0] < logged.index(steps[0])
    assert [m.split("; retrying with ")[1].split(" for ")[0] for m in steps] == [
        "8MB",
        "16MB",
        "DuckDB's default (80% of RAM)",
    ]
    # each warning says what DuckDB failed to allocate, not the SQL that asked for it
    assert all("(Out of Memory Error: failed to allocate" in m for m in steps), steps
    assert not any("read_json" in m or "SELECT" in m for m in steps), steps
    assert warehouse.one("SELECT count(*), count(DISTINCT id) FROM engagebay.contacts") == (
        2_000,
        2_000,
    )


def test_a_batch_also_ends_at_its_byte_limit(warehouse: Warehouse, caplog):
    # 300 records of ~1 KB with a 20 KB byte limit and no row limit in reach: many batches.
    wide = {"id": {"type": "integer"}, "body": {"type": ["null", "string"]}}
    messages = [
        schema_message("notes", wide),
        *(record("notes", {"id": i, "body": "x" * 1000}) for i in range(1, 301)),
    ]
    with caplog.at_level("INFO"):
        warehouse.run(messages, batch_size_rows=10_000, batch_size_bytes=20_000)
    merges = [r for r in caplog.records if r.getMessage().startswith("Merged ")]
    assert 15 <= len(merges) <= 20  # about 19 rows of ~1 KB per 20 KB batch
    assert warehouse.one("SELECT count(*), count(DISTINCT id) FROM engagebay.notes") == (300, 300)


def test_without_a_byte_limit_set_small_rows_batch_by_rows(warehouse: Warehouse, caplog):
    with caplog.at_level("INFO"):
        warehouse.run(contacts(250), batch_size_rows=BATCH)
    merges = [r for r in caplog.records if r.getMessage().startswith("Merged ")]
    assert len(merges) == 3  # 100 + 100 + 50: the 8 MiB default is far away
    assert warehouse.one("SELECT count(*) FROM engagebay.contacts") == (250,)

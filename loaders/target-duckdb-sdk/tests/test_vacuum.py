"""Checkpoints do not merge row groups unless ``vacuum`` is true; fully replaced ones still go.

Each run ends with a checkpoint, which writes the run's rows as a new row group. DuckDB's vacuum
would then merge it with the previous small row group, reading both into memory; the loader turns
that off (it made the loader's peak memory grow with the table).
"""

from __future__ import annotations

import pytest
from duckdb_target_helpers import Warehouse, record, schema_message

PROPS = {"id": {"type": "integer"}, "name": {"type": ["null", "string"]}}


def people(ids: range, tag: str) -> list[dict]:
    return [
        schema_message("people", PROPS),
        *(record("people", {"id": i, "name": f"{tag}{i}"}) for i in ids),
    ]


def row_groups(warehouse: Warehouse) -> list[tuple[int, int]]:
    """(row group, rows) of the people table, as stored."""
    return warehouse.all(
        "SELECT row_group_id, max(count) FROM pragma_storage_info('engagebay.people') "
        "WHERE column_id = 0 GROUP BY row_group_id ORDER BY row_group_id"
    )


@pytest.mark.parametrize(("settings", "merged"), [({}, False), ({"vacuum": True}, True)])
def test_each_run_keeps_its_own_row_group_unless_vacuum_is_on(
    warehouse: Warehouse, settings: dict, merged: bool
):
    for run in range(3):
        warehouse.run(people(range(run * 1000, (run + 1) * 1000), "r"), **settings)
    assert warehouse.one("SELECT count(*), count(DISTINCT id) FROM engagebay.people") == (
        3000,
        3000,
    )
    groups = row_groups(warehouse)
    if merged:
        assert len(groups) < 3, groups
    else:
        assert [rows for _, rows in groups] == [1000, 1000, 1000]


def test_a_row_group_whose_rows_were_all_replaced_is_dropped(warehouse: Warehouse):
    warehouse.run(people(range(1000), "old"), batch_size_rows=300)
    warehouse.run(people(range(1000), "new"), batch_size_rows=300)
    assert warehouse.one(
        "SELECT count(*), count(DISTINCT id), count(*) FILTER (name LIKE 'new%') "
        "FROM engagebay.people"
    ) == (1000, 1000, 1000)
    assert [rows for _, rows in row_groups(warehouse)] == [1000]

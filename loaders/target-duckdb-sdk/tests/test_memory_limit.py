"""The memory limit: parsed, applied, and relaxed step by step when a load runs out of it."""

from __future__ import annotations

import pytest

from target_duckdb_sdk.connector import DuckDBConnector, limit_bytes, out_of_memory_detail


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("256MB", 256 * 10**6),
        ("1.5GiB", int(1.5 * 2**30)),
        (" 2 gb ", 2 * 10**9),
        ("512KiB", 512 * 2**10),
        ("100", 100),
        ("lots", None),
        ("12XB", None),
    ],
)
def test_sizes_are_read_as_duckdb_reads_them(text, expected):
    assert limit_bytes(text) == expected


def _setting(connector: DuckDBConnector) -> str:
    with connector._engine.connect() as conn:
        return conn.exec_driver_sql("SELECT current_setting('memory_limit')").scalar_one()


def test_out_of_memory_doubles_the_limit_twice_then_lifts_it(tmp_path):
    connector = DuckDBConnector(config={"path": str(tmp_path / "w.duckdb"), "memory_limit": "64MB"})
    try:
        first = _setting(connector)
        assert connector.relax_memory_limit()
        assert connector.memory_limit == "128MB"
        second = _setting(connector)
        assert connector.relax_memory_limit()
        assert connector.memory_limit == "256MB"
        third = _setting(connector)
        assert connector.relax_memory_limit()
        assert connector.memory_limit is None
        lifted = _setting(connector)
        assert not connector.relax_memory_limit()  # nothing left to relax: the error is real
    finally:
        connector._engine.dispose()
    sizes = [limit_bytes(s.replace(" ", "")) for s in (first, second, third, lifted)]
    assert all(s is not None for s in sizes), (first, second, third, lifted)
    assert sizes[0] < sizes[1] < sizes[2] < sizes[3]
    assert sizes[1] == pytest.approx(2 * sizes[0], rel=0.01)


def test_the_detail_is_duckdbs_own_line_without_the_sql():
    error = (
        "(duckdb.duckdb.OutOfMemoryException) Out of Memory Error: failed to allocate data of "
        "size 16.0 KiB (91.5 MiB/91.5 MiB used)\n\nPossible solutions:\n* Reducing the number "
        "of threads\n[SQL: INSERT INTO t SELECT * FROM read_json('/tmp/x.ndjson')]"
    )
    assert out_of_memory_detail(error) == (
        "Out of Memory Error: failed to allocate data of size 16.0 KiB (91.5 MiB/91.5 MiB used)"
    )
    assert out_of_memory_detail("(duckdb.duckdb.IOException) disk full") == ""

"""The ``warehouse`` fixture: an empty DuckDB path per test."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from duckdb_target_helpers import Warehouse

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "out" / "warehouse.duckdb")

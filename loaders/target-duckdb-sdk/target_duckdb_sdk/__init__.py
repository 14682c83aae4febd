"""Singer target for DuckDB built on the Meltano SDK."""

from __future__ import annotations

from target_duckdb_sdk.target import TargetDuckDB

__all__ = ["TargetDuckDB"]

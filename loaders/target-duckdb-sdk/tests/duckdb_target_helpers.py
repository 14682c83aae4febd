"""Helpers: build Singer messages, run the target in-process, query the result."""

from __future__ import annotations

import io
import json
import typing as t

import duckdb

from target_duckdb_sdk import TargetDuckDB

if t.TYPE_CHECKING:
    from pathlib import Path

SCHEMA = "engagebay"


def schema_message(
    stream: str, properties: dict[str, t.Any], keys: list[str] | None = None
) -> dict[str, t.Any]:
    return {
        "type": "SCHEMA",
        "stream": stream,
        "schema": {"type": "object", "properties": properties},
        "key_properties": ["id"] if keys is None else keys,
    }


def record(stream: str, rec: dict[str, t.Any], version: int | None = None) -> dict[str, t.Any]:
    message: dict[str, t.Any] = {"type": "RECORD", "stream": stream, "record": rec}
    if version is not None:
        message["version"] = version
    return message


def state(value: dict[str, t.Any]) -> dict[str, t.Any]:
    return {"type": "STATE", "value": value}


def activate(stream: str, version: int) -> dict[str, t.Any]:
    return {"type": "ACTIVATE_VERSION", "stream": stream, "version": version}


class Warehouse:
    """A DuckDB file and the target's settings for it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def config(self, **extra: t.Any) -> dict[str, t.Any]:
        return {"path": str(self.path), **extra}

    def run(self, messages: t.Iterable[dict[str, t.Any]], **settings: t.Any) -> TargetDuckDB:
        """Feed the messages to a fresh target in-process, as `target-duckdb-sdk` would."""
        target = TargetDuckDB(config=self.config(**settings), validate_config=True)
        lines = "".join(json.dumps(m) + "\n" for m in messages)
        try:
            target.listen(io.StringIO(lines))
        finally:
            target.target_connector._engine.dispose()
        return target

    def one(self, sql: str) -> t.Any:
        con = duckdb.connect(str(self.path))
        try:
            row = con.execute(sql).fetchone()
        finally:
            con.close()
        assert row is not None
        return row

    def all(self, sql: str) -> list[tuple[t.Any, ...]]:
        con = duckdb.connect(str(self.path))
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def column_types(self, table: str) -> dict[str, str]:
        return dict(
            self.all(
                "SELECT column_name, data_type FROM information_schema.columns "
                f"WHERE table_schema = '{SCHEMA}' AND table_name = '{table}'"
            )
        )

"""STATE is confirmed every ``state_interval_seconds``, not only when batches fill or at the end."""

from __future__ import annotations

import json
import typing as t

import pytest
from duckdb_target_helpers import SCHEMA, Warehouse, record, schema_message, state

from target_duckdb_sdk import target as target_module

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

PROPS = {"id": {"type": "integer"}, "name": {"type": ["string", "null"]}}


class FakeClock:
    """The loader's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _confirmed(capsys: pytest.CaptureFixture[str]) -> list[dict[str, t.Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]


def _listen(
    warehouse: Warehouse, lines: Iterable[str], **settings: t.Any
) -> target_module.TargetDuckDB:
    """Feed lines one at a time (the clock may move between them)."""
    target = target_module.TargetDuckDB(config=warehouse.config(**settings), validate_config=True)
    try:
        target.listen(lines)  # type: ignore[arg-type]  # the reader only iterates
    finally:
        target.target_connector._engine.dispose()
    return target


def test_state_is_confirmed_once_the_interval_passed_before_the_batch_is_full(
    warehouse: Warehouse, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    monkeypatch.setattr(target_module, "clock", clock)
    rows_when_confirmed: list[int] = []
    write = target_module.TargetDuckDB._write_state_message

    def spy(self: target_module.TargetDuckDB, value: dict[str, t.Any]) -> None:
        with self.target_connector._connect() as conn:  # the loader's own connection
            count = conn.exec_driver_sql(f"SELECT count(*) FROM {SCHEMA}.people").scalar_one()
        rows_when_confirmed.append(count)
        write(self, value)

    monkeypatch.setattr(target_module.TargetDuckDB, "_write_state_message", spy)
    # (seconds to wait before the message, message)
    script: list[tuple[float, dict[str, t.Any]]] = [
        (0, schema_message("people", PROPS)),
        (0, record("people", {"id": 1, "name": "a"})),
        (0, state({"n": 1})),  # the interval starts
        (0, record("people", {"id": 2, "name": "b"})),
        (30, state({"n": 2})),  # 30 s: not yet
        (0, record("people", {"id": 3, "name": "c"})),
        (31, state({"n": 3})),  # 61 s: confirmed at once, rows 1-3 loaded first
        (0, record("people", {"id": 4, "name": "d"})),
    ]

    def lines() -> Iterator[str]:
        for wait, message in script:
            clock.now += wait
            yield json.dumps(message) + "\n"

    _listen(warehouse, lines(), state_interval_seconds=60)
    # The batch (10,000 rows) was far from full; then the end confirms {"n": 3} with row 4.
    assert _confirmed(capsys) == [{"n": 3}, {"n": 3}]
    assert rows_when_confirmed == [3, 4]


@pytest.mark.parametrize(
    ("interval", "expected"),
    [(0, [{"n": 1}, {"n": 2}, {"n": 2}]), (3600, [{"n": 2}])],
)
def test_interval_zero_confirms_every_state_and_a_long_one_only_the_last(
    warehouse: Warehouse,
    capsys: pytest.CaptureFixture[str],
    interval: float,
    expected: list[dict[str, t.Any]],
) -> None:
    warehouse.run(
        [
            schema_message("people", PROPS),
            record("people", {"id": 1}),
            state({"n": 1}),
            record("people", {"id": 2}),
            state({"n": 2}),
        ],
        state_interval_seconds=interval,
    )
    assert _confirmed(capsys) == expected
    assert warehouse.one(f"SELECT count(*) FROM {SCHEMA}.people")[0] == 2

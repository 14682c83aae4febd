"""Every record sent lands exactly once, across batch boundaries; the final state comes back."""

from __future__ import annotations

import pytest

from tests.pg.harness import ID, TEXT, TIME, fetch, record, schema_message, state

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("count", [1, 100, 10_001])  # 10,001: over the SDK's 10,000-row batch
def test_every_record_sent_lands_once(target, pg_server, count):
    bookmark = {"bookmarks": {"bulk": {"replication_key_value": f"n={count}"}}}
    messages = [
        schema_message("bulk", {"id": ID, "name": TEXT, "updated_time": TIME}),
        *(
            record("bulk", {"id": i, "name": f"n{i}", "updated_time": "2024-01-01T00:00:00Z"})
            for i in range(1, count + 1)
        ),
        state(bookmark),
    ]
    run = target.run(messages).ok()
    with pg_server.connect() as conn:
        rows = fetch(
            conn,
            f"SELECT count(*), count(DISTINCT id), min(id), max(id), count(name)"
            f" FROM {target.schema}.bulk",
        )
    assert rows == [(count, count, 1, count, count)]
    assert run.states[-1] == bookmark

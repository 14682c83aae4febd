"""tap-agilecrm | target-duckdb-sdk killed with ``kill -9`` resumes from the confirmed state.

A first sync of 1,000 contacts in pages of 50; the tap sends STATE every 500 records, with the
cursor of the last page it finished. The 14th contacts request (page 13: the first request
types the custom fields) never answers, so the tap has sent that state and stops there
whatever its read-ahead. Once the loader confirmed it, the run is killed; the rerun from that
state starts at that cursor, reads only the pages after it, and every contact lands once.
"""

from __future__ import annotations

import typing as t

import pytest

from tests.agilecrm.pipeline import (
    catalog_selecting,
    run_pipeline,
    start_pipeline,
    table_ids,
    tap_config,
)
from tests.harness.pipeline import kill_once_confirmed, resume_cursor

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from agilecrm_sim import AgileSimulator

CONTACTS = 1000
PAGE = 50  # 20 pages; STATE every 500 records (10 pages)
HANG_AT = 14  # the 14th contacts request never answers
#: Long enough for any machine; a passing run never waits for it.
DEADLINE = 300


def _page_requests(sim: AgileSimulator) -> list[dict[str, t.Any]]:
    """The contacts list requests answered (not the held one, nor a contact's children)."""
    return [r for r in sim.requests("contacts") if r["path"].endswith("/contacts")
            and r["fault"] is None]  # fmt: skip


@pytest.mark.parametrize("killed", ["both", "tap"])
def test_a_killed_run_resumes_from_the_last_confirmed_state(
    tmp_path: Path, make_agile: Callable[..., AgileSimulator], killed: str
) -> None:
    sim = make_agile(contacts=CONTACTS)
    config = tap_config(sim, page_size=PAGE)
    catalog = catalog_selecting(config, {"contacts"})
    sim.clear_requests()
    sim.set_faults(
        [{"kind": "timeout", "nth": [HANG_AT], "path": "/dev/api/contacts"}], timeout_s=DEADLINE
    )
    pipe = start_pipeline(
        tmp_path / "first",
        {**config, "request_timeout": DEADLINE},
        catalog=catalog,
        target_config={"state_interval_seconds": 0},  # confirm every STATE the tap sends
    )
    state = kill_once_confirmed(
        pipe,
        lambda confirmed: bool(resume_cursor(confirmed)),
        killed=killed,
        deadline=DEADLINE,
        log=tmp_path / "first" / "target.stderr",
    )
    cursor = resume_cursor(state)
    first_run = _page_requests(sim)
    assert cursor in {r["query"].get("cursor") for r in first_run}

    sim.clear_faults()
    sim.clear_requests()
    rerun = run_pipeline(tmp_path / "first", config, state=state, catalog=catalog)
    assert rerun.tap_rc == rerun.target_rc == 0, rerun.tap_stderr[-2000:]
    again = [r["query"].get("cursor") for r in _page_requests(sim)]
    # The rerun reads from the confirmed cursor on: page 10 to 20 and the empty answer after
    # the full last page, not the pages before it.
    assert cursor in again
    assert again.index(cursor) <= 1  # at most a first request typing the custom fields
    assert len(again) <= CONTACTS // PAGE - 9 + 3
    rows, ids = table_ids(rerun.database, "contacts")
    assert rows == len(ids) == CONTACTS
    assert ids == sim.ids("contacts")

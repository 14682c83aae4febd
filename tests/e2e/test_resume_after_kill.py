"""A pipeline killed with ``kill -9`` resumes from the state the loader last confirmed."""

from __future__ import annotations

import typing as t

import pytest

from tests.e2e.pipeline import catalog_selecting, run_pipeline, start_pipeline, table_ids
from tests.harness.pipeline import kill_once_confirmed, resume_cursor

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from engagebay_sim import Simulator

CONTACTS = 1000
PAGE = 50  # 20 pages; the tap sends STATE every 500 records (10 pages)
HANG_AT = 11  # the 11th page request never answers: pages 1-10 are read
#: Long enough for any machine; a passing run never waits for it.
DEADLINE = 300


@pytest.mark.slow
@pytest.mark.parametrize("killed", ["both", "tap"])
def test_a_killed_run_resumes_from_the_last_confirmed_state(
    tmp_path: Path, make_simulator: Callable[..., Simulator], killed: str
) -> None:
    sim = make_simulator(contacts=CONTACTS)
    catalog = catalog_selecting(sim.url, sim.config.api_key, {"contacts"})
    sim.clear_requests()
    sim.set_faults(
        [{"kind": "timeout", "nth": [HANG_AT], "path": "subscribers"}], timeout_s=DEADLINE
    )
    pipe = start_pipeline(
        tmp_path,
        sim.url,
        api_key=sim.config.api_key,
        catalog=catalog,
        tap_config={"request_timeout": DEADLINE, "page_size": PAGE},
        target_config={"state_interval_seconds": 0},  # confirm every STATE the tap sends
    )

    # The state the tap sends last before it blocks resumes at page 10 (its STATE at record
    # 500 is written before page 11 is asked for). Wait until the loader confirmed it.
    def confirmed_enough(confirmed: dict[str, t.Any]) -> bool:
        requested = [r for r in sim.requests("subscribers") if r["fault"] is None]
        return len(requested) >= HANG_AT - 1 and resume_cursor(confirmed) == _cursor_of(
            requested[HANG_AT - 2]
        )

    state = kill_once_confirmed(
        pipe, confirmed_enough, killed=killed, deadline=DEADLINE, log=tmp_path / "target.stderr"
    )
    first_run = [r for r in sim.requests("subscribers") if r["fault"] is None]

    sim.clear_faults()
    sim.clear_requests()
    rerun = run_pipeline(
        tmp_path,
        sim.url,
        api_key=sim.config.api_key,
        state=state,
        catalog=catalog,
        tap_config={"page_size": PAGE},
    )
    assert rerun.tap_rc == rerun.target_rc == 0, rerun.tap_stderr[-2000:]
    again = sim.requests("subscribers")
    # The rerun starts at page 10 (the confirmed cursor) and reads pages 10-20: 11 of 20.
    assert _cursor_of(again[0]) == _cursor_of(first_run[HANG_AT - 2])
    assert len(again) <= CONTACTS // PAGE - (HANG_AT - 1) + 2
    rows, ids = table_ids(rerun.database, "contacts")
    assert rows == len(ids) == CONTACTS


def _cursor_of(request: dict[str, t.Any]) -> str | None:
    params = {**(request.get("query") or {}), **(request.get("form") or {})}
    return params.get("cursor") or None

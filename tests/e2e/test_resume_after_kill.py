"""A pipeline killed with ``kill -9`` resumes from the state the loader last confirmed."""

from __future__ import annotations

import json
import os
import signal
import threading
import typing as t

import pytest

from tests.e2e.pipeline import catalog_selecting, run_pipeline, start_pipeline, table_ids

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from engagebay_sim import Simulator

CONTACTS = 1000
PAGE = 50  # 20 pages; the tap sends STATE every 500 records (10 pages)
HANG_AT = 11  # the 11th page request never answers: pages 1-10 are read
#: Long enough for any machine; a passing run never waits for it.
DEADLINE = 300


def _resume_cursor(state: dict[str, t.Any]) -> str | None:
    resume = state.get("bookmarks", {}).get("contacts", {}).get("resume") or {}
    return resume.get("cursor")


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
    confirmed: list[dict[str, t.Any]] = []
    reached = threading.Event()

    def read() -> None:
        assert pipe.target.stdout is not None
        for line in pipe.target.stdout:
            confirmed.append(json.loads(line))
            requested = [r for r in sim.requests("subscribers") if r["fault"] is None]
            if len(requested) >= HANG_AT - 1 and _resume_cursor(confirmed[-1]) == _cursor_of(
                requested[HANG_AT - 2]
            ):
                reached.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert reached.wait(DEADLINE), (tmp_path / "target.stderr").read_text()[-2000:]
    victims = [pipe.target, pipe.tap] if killed == "both" else [pipe.tap]
    for process in victims:
        os.kill(process.pid, signal.SIGKILL)
    pipe.tap.wait(DEADLINE)
    pipe.target.wait(DEADLINE)
    reader.join(DEADLINE)
    assert pipe.target.stdout is not None
    pipe.target.stdout.close()
    assert pipe.tap.returncode == -signal.SIGKILL
    state = confirmed[-1]
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

"""Faults survived, the quota stop resumes with nothing lost, one failing stream costs no other,
bad settings get one clear line each."""

from __future__ import annotations

import pytest

from tests.agilecrm.pipeline import STREAMS, run_tap, tap_config
from tests.harness.pipeline import assert_one_clear_line, with_changes

TOP = ("contacts", "companies", "deals", "tracks", "tasks", "events", "campaigns", "tickets")


def _ids(run, stream):
    return [int(r["id"]) for r in run.records(stream)]


def test_faults_are_survived_with_every_record_once(tmp_path, agile):
    agile.set_faults([
        {"kind": "429_retry_after", "rate": 0.05},
        {"kind": "500", "rate": 0.05},
        {"kind": "503", "rate": 0.03},
        {"kind": "truncated", "rate": 0.03},
        {"kind": "html", "rate": 0.03},
        {"kind": "xml", "rate": 0.03},
        {"kind": "error_200", "rate": 0.03},
    ])  # fmt: skip
    run = run_tap(tmp_path, tap_config(agile, retry_wait_max=0))
    assert run.rc == 0, run.stderr[-3000:]
    assert "Retrying" in run.stderr or "retrying" in run.stderr
    assert any(e["fault"] for e in agile.requests())
    for stream in STREAMS:
        ids = _ids(run, stream)
        assert len(ids) == len(set(ids)) == agile.count(stream), stream
        assert set(ids) == agile.ids(stream), stream


def test_a_repeated_cursor_fails_only_its_stream(tmp_path, make_agile):
    sim = make_agile(repeat_cursor_page=2)
    run = run_tap(tmp_path, tap_config(sim, page_size=5))
    assert run.rc == 1
    assert "cursor already seen" in run.stderr
    # a stream of one page has no repeated cursor, and is complete
    assert set(_ids(run, "tracks")) == sim.ids("tracks")
    assert run.stderr.strip().splitlines()[-1].startswith("tap-agilecrm: ")


def test_one_failing_stream_costs_the_others_nothing(tmp_path, agile):
    agile.set_faults([{"kind": "500", "rate": 1.0, "path": "workflows"}])
    run = run_tap(tmp_path, tap_config(agile, max_retries=1))
    assert run.rc == 1
    last = run.stderr.strip().splitlines()[-1]
    assert last == (
        "tap-agilecrm: 1 stream(s) failed: campaigns; every other stream was read to the end"
    )
    assert "Stream campaigns failed and was skipped" in run.stderr
    assert _ids(run, "campaigns") == []
    for stream in STREAMS:
        if stream != "campaigns":
            assert set(_ids(run, stream)) == agile.ids(stream), stream


def test_quota_stops_exit_75_and_each_next_run_resumes_with_nothing_lost(tmp_path, make_agile):
    sim = make_agile(quota=60)
    config = tap_config(sim, page_size=5)
    runs = [run_tap(tmp_path / "0", config)]
    first = runs[0]
    assert first.rc == 75, first.stderr[-2000:]
    last = first.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-agilecrm: Agile CRM's API call limit is reached")
    assert "next run resumes" in last
    assert [s for s in first.state["bookmarks"].values() if "resume" in s], first.state
    while runs[-1].rc == 75 and len(runs) < 10:
        sim.new_day()
        runs.append(run_tap(tmp_path / str(len(runs)), config, state=runs[-1].state))
    assert runs[-1].rc == 0, runs[-1].stderr[-2000:]
    assert any("resuming the first sync from a saved cursor" in r.stderr for r in runs[1:])
    for stream in STREAMS:
        got = set().union(*(set(_ids(r, stream)) for r in runs))
        assert got == sim.ids(stream), stream


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"email": None}, "Setting email is not set: set it with `meltano config"),
        (
            {"api_url": None},
            "set `domain` (your Agile CRM subdomain, e.g. `mycompany`) or `api_url`",
        ),
        ({"api_url": "http://example.com"}, "api_url must be an https:// URL"),
        ({"page_size": 0}, "page_size"),
    ],
)
def test_bad_settings_get_one_clear_line(tmp_path, agile, change, expected):
    run = run_tap(tmp_path, with_changes(tap_config(agile), change))
    assert_one_clear_line(run, expected)
    assert agile.requests() == []


def test_refused_credentials_say_which_settings_to_check(tmp_path, agile):
    run = run_tap(tmp_path, tap_config(agile, api_key="wrong-key-1234"))
    assert run.rc == 1
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-agilecrm: Agile CRM refused the credentials (401")
    assert "`email`" in last
    assert "`api_key`" in last
    assert "wrong-key-1234" not in run.stderr
    # the first refusal stops the run: no stream keeps asking
    assert len(agile.requests()) <= 4

"""One failing stream costs the others nothing; a refused cursor or a wrong order costs no data."""

from __future__ import annotations

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.e2e.pipeline import STREAMS_WITH_IDS, catalog_selecting, query, run_pipeline, table_ids

ACCOUNT = {
    "seed": 5,
    "contacts": 40,
    "companies": 5,
    "tracks": 2,
    "deals_per_track": 4,
    "tasks": 5,
    "tickets": 5,
    "products": 3,
    "events": 5,
}
FAST = {"max_retries": 1, "page_size": 10}


@pytest.fixture
def sim():
    with Simulator(SimConfig(**ACCOUNT)) as simulator:
        yield simulator


def failure_lines(stderr):
    return [line for line in stderr.splitlines() if line.startswith("tap-engagebay: stream ")]


def assert_complete(run, sim, streams):
    for stream in streams:
        rows, ids = table_ids(run.database, stream)
        assert rows == len(ids), stream
        assert ids == sim.ids(stream), stream


@pytest.mark.parametrize(
    ("kind", "path", "stream"),
    [("404", "/forms", "forms"), ("403", "/forms", "forms"), ("404", "/subscribers", "contacts")],
)
def test_an_endpoint_the_plan_lacks_fails_that_stream_only(tmp_path, sim, kind, path, stream):
    answer = {"404": "404 Not Found", "403": "403 Forbidden"}[kind]
    sim.set_faults([{"kind": kind, "rate": 1.0, "path": path}])
    run = run_pipeline(tmp_path, sim.url, api_key=sim.config.api_key, tap_config=FAST)
    assert run.tap_rc == 1, run.tap_stderr[-2000:]
    assert run.target_rc == 0, run.target_stderr[-2000:]
    # Every other stream landed in full, whatever its turn came before or after the failure.
    lost = {stream} | ({"notes", "call_logs"} if stream == "contacts" else set())
    assert_complete(run, sim, [s for s in STREAMS_WITH_IDS if s not in lost])
    [line] = failure_lines(run.tap_stderr)
    assert f"stream {stream}" in line
    assert path in line
    assert answer in line
    assert f"meltano select tap-engagebay --exclude {stream} '*'" in line
    if stream == "contacts":
        assert "child streams notes, call_logs" in line
    assert "An unhandled error occurred" not in run.tap_stderr
    assert "Traceback" not in run.tap_stderr
    # The loader confirmed the other streams' state; the failed stream's did not move on.
    bookmarks = run.state["bookmarks"]
    assert bookmarks["companies"]["replication_key_value"]
    assert bookmarks["tasks"]["replication_key_value"]
    if stream == "contacts":
        assert "replication_key_value" not in bookmarks.get("contacts", {})


@pytest.mark.parametrize(
    ("path", "failed", "in_flight"),
    [
        ("/customfields/list/TICKET", {"tickets", "custom_fields"}, 4),
        ("/tracks", {"deals", "tracks"}, 4),
        ("/tracks", {"deals", "tracks"}, 1),
    ],
)
def test_a_missing_lookup_fails_only_the_streams_needing_it(tmp_path, sim, path, failed, in_flight):
    sim.set_faults([{"kind": "404", "rate": 1.0, "path": path}])
    tap_config = {**FAST, "max_concurrent_requests": in_flight}
    run = run_pipeline(tmp_path, sim.url, api_key=sim.config.api_key, tap_config=tap_config)
    assert run.tap_rc == 1, run.tap_stderr[-2000:]
    assert run.target_rc == 0, run.target_stderr[-2000:]
    assert_complete(run, sim, [s for s in STREAMS_WITH_IDS if s not in failed])
    lines = failure_lines(run.tap_stderr)
    assert {line.split()[2] for line in lines} == failed
    assert all(f"GET {path} answered 404 Not Found" in line for line in lines)
    assert len([r for r in sim.requests() if r["path"].endswith(path)]) == 1  # asked once


def test_a_missing_child_endpoint_fails_that_child_only_and_is_not_asked_again(tmp_path, sim):
    sim.set_faults([{"kind": "404", "rate": 1.0, "path": "/call-logs"}])
    run = run_pipeline(tmp_path, sim.url, api_key=sim.config.api_key, tap_config=FAST)
    assert run.tap_rc == 1, run.tap_stderr[-2000:]
    assert run.target_rc == 0, run.target_stderr[-2000:]
    assert_complete(run, sim, [s for s in STREAMS_WITH_IDS if s != "call_logs"])
    [line] = failure_lines(run.tap_stderr)
    assert "stream call_logs failed: GET /call-logs answered 404 Not Found" in line
    assert "--exclude call_logs '*'" in line
    # Known broken after a few contacts: not asked again for each of the 40.
    asked = [r for r in sim.requests() if r["path"].endswith("/call-logs")]
    assert len(asked) <= 3 + 3  # MISSING_AFTER, and what was in flight meanwhile
    assert run.state["bookmarks"]["contacts"]["replication_key_value"]


def test_a_404_for_one_contact_after_others_answered_is_that_contact_gone(tmp_path, sim):
    # The 5th call-logs request answers 404: a contact deleted meanwhile, not a missing endpoint.
    sim.set_faults([{"kind": "404", "nth": [5], "path": "/call-logs"}])
    run = run_pipeline(
        tmp_path,
        sim.url,
        api_key=sim.config.api_key,
        tap_config={**FAST, "max_concurrent_requests": 1},
    )
    assert run.tap_rc == 0, run.tap_stderr[-2000:]
    assert "disappeared while reading its call_logs" in run.tap_stderr
    assert not failure_lines(run.tap_stderr)


def test_retries_used_up_on_one_stream_fail_only_that_stream(tmp_path, sim):
    sim.set_faults([{"kind": "503", "rate": 1.0, "path": "/tasks"}])
    run = run_pipeline(tmp_path, sim.url, api_key=sim.config.api_key, tap_config=FAST)
    assert run.tap_rc == 1, run.tap_stderr[-2000:]
    assert run.target_rc == 0
    assert_complete(run, sim, [s for s in STREAMS_WITH_IDS if s != "tasks"])
    [line] = failure_lines(run.tap_stderr)
    assert "stream tasks failed: POST /tasks answered 503 on all 2 attempts" in line
    assert "(its retries are used up)" in line
    assert len([r for r in sim.requests() if r["path"].endswith("/tasks")]) == 2


def test_a_refused_key_still_stops_everything_at_once(tmp_path, sim):
    run = run_pipeline(tmp_path, sim.url, api_key="wrong-key-123456", tap_config=FAST)
    assert run.tap_rc == 1
    assert "refused the API key" in run.tap_stderr
    assert not failure_lines(run.tap_stderr)
    assert len([r for r in sim.requests() if r["path"].startswith("/dev/api")]) <= 4


@pytest.mark.parametrize("fault", [{"kind": "404", "nth": [1], "path": "/subscribers"}, None])
def test_a_saved_cursor_the_api_refuses_restarts_the_list_once(tmp_path, sim, fault):
    # None: the simulator's own answer to an unknown cursor, a 500 saying "Invalid cursor".
    state = {"bookmarks": {"contacts": {"resume": {"cursor": "stale", "started_at": 1}}}}
    sim.set_faults([fault] if fault else [])
    catalog = catalog_selecting(sim.url, sim.config.api_key, {"contacts"})
    sim.clear_requests()
    run = run_pipeline(
        tmp_path, sim.url, api_key=sim.config.api_key, state=state, catalog=catalog, tap_config=FAST
    )
    assert run.tap_rc == 0, run.tap_stderr[-2000:]
    assert "saved cursor was refused" in run.tap_stderr
    stale = [r for r in sim.requests() if r["form"].get("cursor") == "stale"]
    assert len(stale) == 1  # not retried
    assert stale[0]["status"] in {404, 500}
    assert_complete(run, sim, ["contacts"])
    assert "resume" not in run.state["bookmarks"]["contacts"]


def test_a_refused_cursor_is_dropped_even_when_the_fresh_start_fails(tmp_path, sim):
    state = {"bookmarks": {"contacts": {"resume": {"cursor": "stale", "started_at": 1}}}}
    catalog = catalog_selecting(sim.url, sim.config.api_key, {"contacts"})
    sim.set_faults([
        {"kind": "404", "nth": [1], "path": "/subscribers"},
        {"kind": "503", "rate": 1.0, "path": "/subscribers"},
    ])  # fmt: skip
    run = run_pipeline(
        tmp_path, sim.url, api_key=sim.config.api_key, state=state, catalog=catalog, tap_config=FAST
    )
    assert run.tap_rc == 1, run.tap_stderr[-2000:]
    assert run.target_rc == 0
    assert "stream contacts" in run.tap_stderr
    # The next run does not try the refused cursor again.
    assert run.state["bookmarks"]["contacts"].get("resume", {}).get("cursor") != "stale"


def test_an_api_that_ignores_the_sort_key_still_finds_every_change(tmp_path, sim):
    catalog = catalog_selecting(sim.url, sim.config.api_key, {"contacts"})
    first = run_pipeline(
        tmp_path / "1", sim.url, api_key=sim.config.api_key, catalog=catalog, tap_config=FAST
    )
    assert first.tap_rc == 0, first.tap_stderr[-2000:]
    contacts = sorted(int(i) for i in sim.ids("contacts"))
    sim.advance(3600)
    changed = {contacts[0], contacts[len(contacts) // 2], contacts[-1]}
    for contact in changed:
        sim.update("contacts", contact, name="Changed")
    created = {int(r["id"]) for r in sim.create("contacts", n=2)}
    sim.config.ignore_sort_key = True  # every listing comes oldest first
    second = run_pipeline(
        tmp_path / "1",
        sim.url,
        api_key=sim.config.api_key,
        catalog=catalog,
        state=first.state,
        tap_config=FAST,
    )
    assert second.tap_rc == 0, second.tap_stderr[-2000:]
    assert "cannot be read newest first" in second.tap_stderr
    assert "the API ignored the order" in second.tap_stderr
    rows, ids = table_ids(second.database, "contacts")
    assert rows == len(ids)
    assert ids == sim.ids("contacts")
    names = dict(query(second.database, "SELECT id, name FROM engagebay.contacts"))
    assert {c for c in changed if names[c] == "Changed"} == changed
    assert created <= ids

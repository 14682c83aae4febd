"""Faults survived (429 with Retry-After, intermittent 403s), a bad token stops at once with
one line, the token never shows, and a killed run resumes."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import threading

from tap_activecampaign.tap import TapActiveCampaign
from tests.activecampaign.pipeline import (
    BIN,
    SCHEMA,
    STREAMS,
    TAP,
    catalog_selecting,
    query,
    run_pipeline,
    run_tap,
    tap_config,
)

FAULTS = [
    {"kind": "429_retry_after", "nth": [2, 9]},
    {"kind": "403", "nth": [1, 2], "path": "/contacts"},
    {"kind": "403", "nth": [3], "path": "/dealStages"},
    {"kind": "500", "nth": [1], "path": "/fieldValues"},
]


def test_faults_are_survived_and_every_record_comes_once(tmp_path, ac):
    ac.set_faults(FAULTS)
    # a URL copied with the API's path is accepted, with one line
    run = run_tap(tmp_path, tap_config(ac, page_size=20, api_url=ac.url + "/api/3/"))
    assert run.rc == 0, run.stderr[-3000:]
    assert run.stderr.count("ends with /api/3") == 1
    for stream in STREAMS:
        ids = run.ids(stream)
        assert sorted(ids) == sorted(ac.ids(stream)), stream
    log = ac.requests()
    assert {e["status"] for e in log if e["fault"]} >= {403, 429, 500}
    assert "retrying" in run.stderr
    assert ac.config.api_token not in run.stdout + run.stderr


def test_the_token_never_shows_even_at_debug(tmp_path, ac):
    ac.set_faults([{"kind": "500", "nth": [1, 4]}, {"kind": "429_retry_after", "nth": [2]}])
    run = run_tap(tmp_path, tap_config(ac, page_size=20), env={"LOGLEVEL": "DEBUG"})
    assert run.rc == 0, run.stderr[-3000:]
    assert "DEBUG" in run.stderr
    assert ac.config.api_token not in run.stdout + run.stderr


def test_every_log_handler_redacts_the_token_whoever_logs_it(ac):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger().addHandler(handler)
    try:
        TapActiveCampaign(config=tap_config(ac))
        token = ac.config.api_token
        logging.getLogger("urllib3.connectionpool").warning("header Api-Token: %s", token)
        logging.getLogger("some.library").error("failed with token=%s", token)
    finally:
        logging.getLogger().removeHandler(handler)
    out = stream.getvalue()
    assert out.count("[REDACTED]") >= 2
    assert token not in out


def test_a_bad_token_stops_at_once_with_one_line(tmp_path, ac):
    secret = "wrong-token-" + "x" * 12
    run = run_tap(tmp_path, tap_config(ac, api_token=secret))
    assert run.rc == 1
    assert len(ac.requests()) == 1  # no retry of a refused token, no other stream tried
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-activecampaign: ActiveCampaign refused the credentials")
    assert "api_token" in last
    assert "Traceback" not in run.stderr
    assert secret not in run.stdout + run.stderr


def test_plain_http_to_a_remote_host_is_refused_in_one_line(tmp_path):
    config = {"api_url": "http://example.com", "api_token": "t" * 20}
    refused = run_tap(tmp_path, config)
    assert refused.rc != 0
    assert "api_url must be an https:// URL" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "t" * 20 not in refused.stderr


def test_a_killed_first_sync_resumes_after_the_last_confirmed_id(tmp_path, make_ac):
    sim = make_ac(contacts=100)
    config = tap_config(sim, page_size=20)
    catalog = catalog_selecting(config, {"contacts"})
    sim.clear_requests()
    # The 6th contacts request never answers: the tap has sent a state after the 100th record
    # (STATE every 100 records), which resumes after the 4th page.
    sim.set_faults([{"kind": "timeout", "nth": [6], "path": "/api/3/contacts"}], timeout_s=300)
    work = tmp_path / "first"
    work.mkdir()
    (work / "tap.json").write_text(json.dumps({**config, "request_timeout": 300}))
    (work / "catalog.json").write_text(json.dumps(catalog))
    (work / "target.json").write_text(json.dumps({
        "path": str(work / "warehouse.duckdb"), "default_target_schema": SCHEMA,
        "state_interval_seconds": 0}))  # fmt: skip
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    tap = subprocess.Popen(
        [str(TAP), "--config", str(work / "tap.json"), "--catalog", str(work / "catalog.json")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)  # fmt: skip
    target = subprocess.Popen(
        [str(BIN / "target-duckdb-sdk"), "--config", str(work / "target.json")],
        stdin=tap.stdout, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)  # fmt: skip
    assert tap.stdout is not None
    tap.stdout.close()
    confirmed = []
    reached = threading.Event()

    def read():
        assert target.stdout is not None
        for line in target.stdout:
            confirmed.append(json.loads(line))
            resume = confirmed[-1]["bookmarks"].get("contacts", {}).get("resume") or {}
            if int(resume.get("id_greater") or 0) > 0:
                reached.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert reached.wait(300)
    for process in (target, tap):
        os.kill(process.pid, signal.SIGKILL)
    tap.wait(300)
    target.wait(300)
    reader.join(300)
    assert target.stdout is not None
    target.stdout.close()
    state = confirmed[-1]
    after = int(state["bookmarks"]["contacts"]["resume"]["id_greater"])
    sim.clear_faults()
    sim.clear_requests()
    rerun = run_pipeline(work, config, state=state, catalog=catalog)
    assert rerun.tap_rc == rerun.target_rc == 0, rerun.tap_stderr[-2000:]
    pages = [e for e in sim.requests("contacts") if e["path"] == "/api/3/contacts"]
    assert int(pages[0]["query"]["id_greater"]) == after  # not from the start
    rows = query(work / "warehouse.duckdb", f"SELECT id FROM {SCHEMA}.contacts")
    assert len(rows) == len({r[0] for r in rows}) == 100
    assert {r[0] for r in rows} == sim.ids("contacts")


def test_a_start_date_that_is_not_a_time_is_named(tmp_path):
    config = {"api_url": "https://x.api-us1.com", "api_token": "t" * 20, "start_date": "yesterday"}
    run = run_tap(tmp_path, config)
    assert run.rc != 0
    assert "start_date 'yesterday' is not a date-time" in run.stderr
    assert "Traceback" not in run.stderr

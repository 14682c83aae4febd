"""Bad settings get one clear line; the API key never shows in any output."""

from __future__ import annotations

import socket

import pytest

from tap_whautomate.tap import TapWhautomate
from tests.harness.pipeline import assert_one_clear_line, with_changes
from tests.whautomate.pipeline import run_tap, tap_config


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"api_key": None}, "Setting api_key is not set: set it with `meltano config"),
        ({"api_url": "http://api.whautomate.com"}, "api_url must be an https:// URL"),
        ({"first_page": "2"}, "first_page"),
    ],
)
def test_bad_settings_get_one_clear_line(tmp_path, whautomate, change, expected):
    run = run_tap(tmp_path, with_changes(tap_config(whautomate), change))
    assert_one_clear_line(run, expected)
    assert "Traceback" not in run.stderr
    assert whautomate.requests() == []


def test_the_default_api_url_is_https_and_india_accounts_can_set_theirs():
    tap = TapWhautomate(config={"api_key": "k" * 12}, validate_config=True, setup_mapper=False)
    assert tap.api_root == "https://api.whautomate.com"
    india = {"api_key": "k" * 12, "api_url": "https://api.in.whautomate.com"}
    tap = TapWhautomate(config=india, validate_config=True, setup_mapper=False)
    (stream,) = tap.discover_streams()
    assert stream.url_base == "https://api.in.whautomate.com/v1"


def test_a_refused_key_says_what_to_check_and_is_not_repeated(tmp_path, whautomate):
    wrong = "wrong-but-secret-key"
    run = run_tap(tmp_path, tap_config(whautomate, api_key=wrong), env={"LOGLEVEL": "DEBUG"})
    assert run.rc == 1
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-whautomate: Whautomate refused the credentials (403")
    assert "`api_key`" in last
    assert wrong not in run.stderr
    assert wrong not in run.stdout
    assert len(whautomate.requests()) <= 2  # the first refusal stops the run


def test_the_key_is_in_no_log_record_or_state(tmp_path, whautomate):
    whautomate.set_faults([{"kind": "500", "rate": 0.2}, {"kind": "429", "rate": 0.1}])
    run = run_tap(tmp_path, tap_config(whautomate), env={"LOGLEVEL": "DEBUG"})
    assert run.rc == 0, run.stderr[-2000:]
    assert "DEBUG" in run.stderr
    assert "retrying" in run.stderr
    assert whautomate.config.api_key not in run.stderr
    assert whautomate.config.api_key not in run.stdout
    assert {r["id"] for r in run.records()} == whautomate.ids("contacts")
    # the key went in the x-api-key header, never in a URL
    assert all("x-api-key" not in r["query"] for r in whautomate.requests())
    assert all(r["auth_ok"] for r in whautomate.requests())


def test_an_unreachable_api_url_ends_the_run_in_one_line(tmp_path):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    config = {"api_key": "some-key-1234", "api_url": f"http://127.0.0.1:{port}"}
    run = run_tap(tmp_path, {**config, "retry_wait_base": 0.01})
    assert run.rc == 1
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith(f"tap-whautomate: Cannot reach api_url http://127.0.0.1:{port}")
    assert "4 attempts" in last
    assert "Traceback" not in run.stderr

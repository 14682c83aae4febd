"""A wrong api_url (a closed port, a host that does not resolve) stops the tap in about a
minute at most, in one line naming the setting: not minutes of retries."""

from __future__ import annotations

import socket
import time

import pytest

from crm_core.http import CONNECT_TRIES
from tests.agilecrm.pipeline import run_tap

KEY = "key-never-shown-1234"


def _closed_port_url() -> str:
    # A bound socket that does not listen: every connection to it is refused at once.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{closed.getsockname()[1]}"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        (None, "the connection was refused"),
        ("https://nowhere.invalid", "its host name does not resolve"),
    ],
)
@pytest.mark.parametrize("args", [("--discover",), ()], ids=["discover", "sync"])
def test_a_dead_api_url_stops_within_a_minute_naming_it(tmp_path, url, why, args):
    url = url or _closed_port_url()
    config = {
        "email": "me@example.com",
        "api_key": KEY,
        "api_url": url,
        # Many retries with long waits: without the quick stop, minutes of retrying.
        "max_retries": 8,
        "retry_wait_base": 0.01,
        "retry_wait_max": 1,
    }
    started = time.monotonic()
    run = run_tap(tmp_path, config, args=args)
    # Generous: the point is about a minute at most, not the retries' many minutes.
    assert time.monotonic() - started < 120
    assert run.rc == 1
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith(f"tap-agilecrm: Cannot reach api_url {url} ({why}; ")
    assert f"{CONNECT_TRIES} attempts): check the api_url setting" in last
    assert "Traceback" not in run.stderr
    assert KEY not in run.stderr + run.stdout
    # Each request was tried CONNECT_TRIES times, not max_retries + 1.
    assert run.stderr.count("retrying") <= CONNECT_TRIES - 1

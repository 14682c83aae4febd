"""The run's request gate and stop flag; the HTTPS rule."""

from __future__ import annotations

import threading

import pytest

from crm_core.errors import QuotaExhaustedError, UnsafeURLError
from crm_core.http import check_api_url, redact
from crm_core.run_control import RunControl


def test_gate_holds_at_most_max_in_flight():
    control = RunControl(2)
    inside = []
    peak = []
    release = threading.Event()

    def work():
        with control.request_slot():
            inside.append(1)
            peak.append(len(inside))
            release.wait(5)
            inside.pop()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    while len(peak) < 2:
        threading.Event().wait(0.01)
    assert len(inside) == 2
    release.set()
    for thread in threads:
        thread.join()
    assert max(peak) == 2


def test_the_stop_flag_fails_every_later_request_the_same_way():
    control = RunControl(1)
    control.halt(QuotaExhaustedError("quota used up"))
    control.halt(RuntimeError("later, ignored"))
    with pytest.raises(QuotaExhaustedError, match="quota used up"), control.request_slot():
        pass
    assert control.pool is None


@pytest.mark.parametrize(
    "url", ["https://x.agilecrm.com", "http://127.0.0.1:8000", "http://localhost", "http://[::1]:1"]
)
def test_https_anywhere_plain_http_only_to_loopback(url):
    assert check_api_url(url + "/") == url


@pytest.mark.parametrize("url", ["http://x.agilecrm.com", "ftp://127.0.0.1", "x.agilecrm.com"])
def test_clear_text_to_a_remote_host_is_refused(url):
    with pytest.raises(UnsafeURLError, match="api_url must be an https:// URL"):
        check_api_url(url)


def test_redact_replaces_longest_secrets_first():
    assert redact("a user@x.io:k3y-1 b", ["k3y-1", "user@x.io:k3y-1"]) == "a [REDACTED] b"
    assert redact("abc", ["ab"]) == "abc"  # too short to search for

"""The core's bearer token login (crm_core.token_auth), against a small login server."""

from __future__ import annotations

import threading

import pytest
import requests

from crm_core.errors import AuthenticationError
from crm_core.token_auth import TokenLogin, dig
from epixel_sim import EpixelConfig, EpixelSimulator


@pytest.fixture
def server():
    with EpixelSimulator(EpixelConfig(leads=3, appointments=1)) as sim:
        yield sim


def login_for(sim, **overrides):
    c = sim.config
    settings = {
        "vendor": "Epixel",
        "login_url": sim.url + c.api_prefix + c.login_path,
        "username": c.username,
        "password": c.password,
        "headers": {"apikey": c.api_key},
        "wait_base": 0.01,
        "settings_hint": "Check `username`.",
        **overrides,
    }
    return TokenLogin(**settings)


def test_dig_reads_dotted_paths():
    assert dig({"data": {"access": "t"}}, "data.access") == "t"
    assert dig({"data": []}, "data.access") is None
    assert dig({"access": "t"}, "refresh") is None


def test_the_token_is_set_on_requests_with_the_fixed_headers(server):
    auth = login_for(server)
    prepared = requests.Request("GET", server.url + "/api/v2/leads/overview/").prepare()
    auth(prepared)
    assert prepared.headers["apikey"] == server.config.api_key
    assert prepared.headers["Authorization"] == f"Bearer {auth.tokens[0]}"
    assert auth.logins == server.logins == 1
    auth(prepared)
    assert server.logins == 1  # the token is kept


def test_threads_renewing_one_refused_token_log_in_once(server):
    auth = login_for(server)
    stale = auth.current()
    threads = [threading.Thread(target=auth.renew, args=(stale,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert server.logins == 2
    assert auth.current() != stale
    assert len(auth.tokens) == 2


def test_a_given_token_needs_no_login_and_cannot_be_renewed(server):
    auth = login_for(server, token="given", username=None, password=None)  # noqa: S106 - test values
    assert auth.current() == "given"
    assert not auth.can_login
    with pytest.raises(AuthenticationError, match="no login"):
        auth.renew("given")
    assert server.logins == 0


def test_refusals_name_the_settings_and_hide_the_password(server):
    auth = login_for(server, password="wrong-secret-password")  # noqa: S106 - test values
    with pytest.raises(AuthenticationError, match="Check `username`") as refused:
        auth.current()
    assert "wrong-secret-password" not in str(refused.value)
    missing = login_for(server, token_field="token")  # noqa: S106 - test values
    with pytest.raises(AuthenticationError, match="`token_field`"):
        missing.current()

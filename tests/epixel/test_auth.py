"""The token: obtained by logging in, renewed once when refused, a refusal stops the run."""

from __future__ import annotations

from tests.epixel.pipeline import run_tap, tap_config


def _failed_in_one_line(run, *needles):
    assert run.rc == 1, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-epixel: "), last
    for needle in needles:
        assert needle in last, (needle, last)
    return last


def test_an_expired_token_is_renewed_and_the_request_repeated(tap, make_epixel):
    sim = make_epixel(token_ttl_requests=4)
    run = tap(tap_config(sim))
    assert run.rc == 0, run.stderr[-2000:]
    assert sim.logins >= 3
    refused = [e for e in sim.requests() if e["status"] == 401]
    assert len(refused) == sim.logins - 1
    assert {r["slug"]: r["relation"] for r in run.records("leads")} == sim.leads_truth()
    assert sorted(r["id"] for r in run.records("appointments")) == sorted(sim.ids("appointments"))


def test_a_token_expired_on_the_clock_is_renewed(tap, make_epixel):
    sim = make_epixel(token_ttl_seconds=60)
    sim.after_requests(3, lambda s: s.advance(120))
    run = tap(tap_config(sim, max_concurrent_requests=1))
    assert run.rc == 0, run.stderr[-2000:]
    assert sim.logins == 2
    assert {r["slug"] for r in run.records("leads")} == set(sim.leads_truth())


def test_a_token_refused_after_renewal_stops_the_run_in_one_line(tmp_path, make_epixel):
    sim = make_epixel(refuse_tokens=True)
    run = run_tap(tmp_path, tap_config(sim))  # the real command line: exit code, stderr
    _failed_in_one_line(run, "refused", "`username`", "`password`")
    assert sim.logins == 2  # the first login, and one renewal: no loop
    assert not run.records("leads")


def test_a_refused_login_stops_the_run_in_one_line(tap, epixel):
    run = tap(tap_config(epixel, password="wrong-password"))  # noqa: S106 - test values
    _failed_in_one_line(run, "refused the login", "`password`")
    assert len(epixel.requests()) == 1


def test_a_wrong_login_path_says_which_setting(tap, epixel):
    run = tap(tap_config(epixel, login_path="auth/token/"))
    _failed_in_one_line(run, "404", "`login_path`")


def test_a_login_answer_without_the_token_field_says_which_setting(tap, epixel):
    run = tap(tap_config(epixel, token_field="data.access_token"))  # noqa: S106 - test values
    _failed_in_one_line(run, "`token_field`", "data.access_token")


def test_a_given_access_token_is_used_without_login(tap, make_epixel):
    sim = make_epixel(access_token="given-access-token-1")  # noqa: S106 - test values
    config = tap_config(sim, access_token="given-access-token-1")  # noqa: S106 - test values
    del config["username"], config["password"]
    run = tap(config)
    assert run.rc == 0, run.stderr[-2000:]
    assert sim.logins == 0
    assert {r["slug"] for r in run.records("leads")} == set(sim.leads_truth())


def test_an_expired_given_token_stops_the_run_naming_the_settings(tap, make_epixel):
    sim = make_epixel(access_token="given-access-token-1")  # noqa: S106 - test values
    sim.expire_tokens()
    config = tap_config(sim, access_token="given-access-token-1")  # noqa: S106 - test values
    del config["username"], config["password"]
    run = tap(config)
    _failed_in_one_line(run, "refused the access token", "`access_token`")
    assert sim.logins == 0


def test_a_wrong_apikey_stops_the_run_in_one_line(tap, epixel):
    run = tap(tap_config(epixel, api_key="wrong-api-key-1"))
    _failed_in_one_line(run, "`api_key`")


def test_no_token_and_no_login_is_a_settings_error(tap, epixel):
    config = tap_config(epixel)
    del config["password"]
    run = tap(config)
    assert run.rc != 0
    assert "`password`" in run.stderr
    assert "Traceback" not in run.stderr
    assert not epixel.requests()


def test_plain_http_to_a_remote_host_is_refused(tap, epixel):
    run = tap(tap_config(epixel, api_url="http://mlm.example.com/api/v2"))
    assert run.rc != 0
    assert "https" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_login_failing_on_the_server_is_tried_three_times_then_stops(tap, epixel):
    epixel.set_faults([{"kind": "503", "rate": 1.0, "path": "/user/login"}])
    run = tap(tap_config(epixel))
    _failed_in_one_line(run, "failed 3 times", "503")
    assert len(epixel.requests("user/login")) == 3


def test_a_login_that_works_on_the_second_try_goes_on(tap, epixel):
    epixel.set_faults([{"kind": "502", "rate": 1.0, "path": "/user/login", "times": 1}])
    run = tap(tap_config(epixel))
    assert run.rc == 0, run.stderr[-2000:]
    assert epixel.logins == 1
    assert {r["slug"] for r in run.records("leads")} == set(epixel.leads_truth())

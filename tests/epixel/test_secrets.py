"""The apikey, the password, the user name and every token never reach a log or the output."""

from __future__ import annotations

import json
import logging

from tap_epixel.tap import TapEpixel
from tests.epixel.pipeline import run_tap, tap_config


def test_no_secret_in_debug_logs_errors_or_output(tmp_path, make_epixel):
    sim = make_epixel(token_ttl_requests=3)
    sim.set_faults([{"kind": "500", "rate": 0.1}, {"kind": "error_200", "rate": 0.05}])
    run = run_tap(tmp_path, tap_config(sim), env={"LOGLEVEL": "DEBUG"})
    assert run.rc == 0, run.stderr[-2000:]
    assert "DEBUG" in run.stderr
    assert sim.logins >= 2
    c = sim.config
    for secret in (c.api_key, c.password, c.username, *sim.tokens):
        assert secret not in run.stderr, secret
    # The user name is data too (the leads' owner and assignee); the rest never is.
    for secret in (c.api_key, c.password, *sim.tokens):
        assert secret not in run.stdout, secret


def test_a_refused_secret_is_not_repeated_in_the_error(tap, epixel):
    wrong = "wrong-but-secret-password"
    run = tap(tap_config(epixel, password=wrong))
    assert run.rc == 1
    assert wrong not in run.stderr
    assert epixel.config.username not in run.stderr
    run = tap(tap_config(epixel, api_key="wrong-but-secret-apikey"))
    assert run.rc == 1
    assert "wrong-but-secret-apikey" not in run.stderr


def test_an_echoed_token_is_redacted(tap, epixel):
    def echo(sim):
        token = next(iter(sim.tokens))
        sim.set_faults([{"kind": "500", "rate": 1.0, "path": "/leads/overview"}])
        sim.fault_reply = lambda kind, rule: __import__("crm_sim").Reply(  # noqa: ARG005
            500, {"detail": f"boom for token {token}"}
        )

    epixel.after_requests(1, echo)
    run = tap(tap_config(epixel, max_retries=0))
    assert run.rc == 1
    assert "boom for token" in run.stderr
    for token in epixel.tokens:
        assert token not in run.stderr
    assert json.dumps(run.messages).count("boom") == 0


def test_a_token_obtained_during_the_run_is_redacted_from_every_log_handler(epixel, captured):
    tap = TapEpixel(config=tap_config(epixel))
    token = tap.token_login.current()  # logs in
    assert token in epixel.tokens
    logging.getLogger("urllib3.connectionpool").warning("sent Authorization: Bearer %s", token)
    logging.getLogger("some.library").error("password=%s", epixel.config.password)
    out = captured.getvalue()
    assert out.count("[REDACTED]") == 2
    assert token not in out
    assert epixel.config.password not in out

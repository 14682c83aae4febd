"""The API key, the user's email and their Basic token never reach a log, an error or a state."""

from __future__ import annotations

import base64
import logging

from tap_agilecrm.tap import TapAgileCRM
from tests.agilecrm.pipeline import run_tap, tap_config


def _secrets(sim):
    token = base64.b64encode(f"{sim.config.email}:{sim.config.api_key}".encode()).decode()
    return (sim.config.api_key, sim.config.email, token, token.rstrip("="))


def test_no_secret_in_debug_logs_errors_or_state(tmp_path, agile):
    agile.set_faults([{"kind": "500", "rate": 0.1}, {"kind": "error_200", "rate": 0.05}])
    run = run_tap(tmp_path, tap_config(agile), env={"LOGLEVEL": "DEBUG"})
    assert run.rc == 0, run.stderr[-2000:]
    assert "DEBUG" in run.stderr
    states = "\n".join(str(m) for m in run.messages if m["type"] == "STATE")
    for secret in _secrets(agile):
        assert secret not in run.stderr
        assert secret not in states
    assert agile.config.api_key not in run.stdout


def test_refused_key_is_not_repeated_in_the_error(tmp_path, agile):
    wrong = "wrong-but-secret-key"
    run = run_tap(tmp_path, tap_config(agile, api_key=wrong), env={"LOGLEVEL": "DEBUG"})
    assert run.rc == 1
    assert wrong not in run.stderr
    assert agile.config.email not in run.stderr


def test_every_log_handler_redacts_what_any_logger_writes(agile, captured):
    tap = TapAgileCRM(config=tap_config(agile))
    key, email, token, _ = _secrets(agile)
    logging.getLogger("urllib3.connectionpool").warning("header Basic %s for %s", token, email)
    logging.getLogger("some.library").error("failed with key=%s", key)
    error = RuntimeError(key)
    logging.getLogger("other").error("boom", exc_info=(RuntimeError, error, None))
    chained = RuntimeError("the request failed")  # a secret in its cause only
    chained.__cause__ = ConnectionError(email)
    logging.getLogger("other").error("chained", exc_info=(RuntimeError, chained, None))
    out = captured.getvalue()
    assert out.count("[REDACTED]") >= 4
    assert "RuntimeError: [REDACTED]" in out  # the traceback is kept, redacted
    assert "RuntimeError: the request failed" in out
    for secret in (key, email, token):
        assert secret not in out
    assert tap.redact(f"x {key} y {email}") == "x [REDACTED] y [REDACTED]"

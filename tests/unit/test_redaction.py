"""The API key never reaches a log handler, whatever logger writes it, in the tap's process.

Handlers sit on the loggers a log config (``SINGER_SDK_LOG_CONFIG``) may give them: the root,
the tap's, the SDK's and the HTTP libraries'; everything is at DEBUG.
"""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

import pytest
import requests
from singer_sdk.exceptions import RetriableAPIError

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from write_schemas import OfflineTap

KEY = "sk-live-3c9e1a7b5d2f4068"
LOGGERS = ("", "tap-engagebay", "tap-engagebay.contacts", "singer_sdk.metrics", "urllib3")


@pytest.fixture
def handlers():
    """A DEBUG handler on each logger, as a log config would set up before the tap starts."""
    streams = {}
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        saved.append((logger, handler, logger.level))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        streams[name or "root"] = stream
    factory = logging.getLogRecordFactory()
    yield streams
    logging.setLogRecordFactory(factory)
    for logger, handler, level in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)


def written(streams):
    return {name: stream.getvalue() for name, stream in streams.items()}


def check(outputs, *, secret=KEY):
    assert outputs["root"], "nothing was logged"
    for name, text in outputs.items():
        assert secret not in text, f"{name} handler got the key:\n{text}"
        assert secret[:12] not in text, f"{name} handler got part of the key:\n{text}"


def test_log_lines_of_every_logger_are_redacted(handlers):
    tap = OfflineTap(config={"api_key": KEY}, validate_config=False)
    stream = tap.streams["contacts"]
    logging.getLogger("urllib3.connectionpool").debug(
        '%s://%s:%s "%s %s %s" %s %s', "https", "h", 443, "GET", f"/x?k={KEY}", "HTTP/1.1", 200, 9
    )
    logging.getLogger("singer_sdk.metrics").info("METRIC: %s", {"tags": {"auth": KEY}})
    stream.logger.debug("Request headers: %s", {"Authorization": KEY})
    tap.logger.warning(f"key {KEY} refused")  # noqa: G004 - a line formatted before logging
    logging.getLogger().debug("root: %s", KEY)
    outputs = written(handlers)
    check(outputs)
    assert all(outputs.values())
    assert outputs["urllib3"].count("[REDACTED]") == 1
    assert "[REDACTED]" in outputs["root"]


def test_a_traceback_holding_the_key_is_redacted_and_kept(handlers):
    tap = OfflineTap(config={"api_key": KEY}, validate_config=False)

    def send():
        try:
            int(f"Invalid header value b'{KEY}'")
        except ValueError as exc:
            msg = "could not send the request"
            raise requests.exceptions.InvalidHeader(msg) from exc

    try:
        send()
    except requests.exceptions.InvalidHeader:
        tap.streams["contacts"].logger.exception("An unhandled error occurred while syncing")
    outputs = written(handlers)
    check(outputs)
    assert (
        "invalid literal for int() with base 10: \"Invalid header value b'[REDACTED]'\""
        in (outputs["root"])
    )
    assert "InvalidHeader: could not send the request" in outputs["root"]


def test_an_error_answer_quoting_the_key_is_redacted(handlers):
    tap = OfflineTap(config={"api_key": KEY}, validate_config=False)
    stream = tap.streams["contacts"]
    response = requests.Response()
    response.status_code = 500
    response._content = f'{{"error": "bad header Authorization: {KEY}"}}'.encode()
    response.url = "https://app.engagebay.com/dev/api/panel/subscribers"
    response.request = requests.Request("POST", response.url).prepare()
    try:
        stream.validate_response(response)
    except RetriableAPIError:
        stream.logger.exception("Request failed")
    check(written(handlers))


def test_a_key_pasted_with_a_newline_is_redacted_and_sent_without_it(handlers):
    tap = OfflineTap(config={"api_key": f"{KEY}\n"}, validate_config=False)
    tap.logger.error("Invalid header value %r", f"{KEY}\n".encode())
    check(written(handlers))
    stream = tap.streams["tags"]
    assert stream.build_request(None).headers["Authorization"] == KEY
    assert stream.redact(f"body: Authorization {KEY}") == "body: Authorization [REDACTED]"

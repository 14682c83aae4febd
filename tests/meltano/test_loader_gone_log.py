"""logging.yaml's filter: Meltano's reports of a loader that died become one line, no traceback.

Meltano 4.4.1 logs the ``BrokenPipeError`` of its copy into a dead loader three times (from the
standard library's logging, from structlog, from asyncio), each with a traceback; the filter
says it once and lets every other record through unchanged.
"""

from __future__ import annotations

import logging

import pytest
from crm_meltano_log import LOADER_GONE, LoaderGoneFilter


def record(msg: object, exc: BaseException | None) -> logging.LogRecord:
    info = (type(exc), exc, None) if exc else None
    return logging.LogRecord("meltano", logging.ERROR, __file__, 1, msg, None, info)  # type: ignore[arg-type]


def test_the_first_pipe_error_is_one_line_and_the_others_are_dropped():
    quiet = LoaderGoneFilter()
    first = record("", BrokenPipeError())
    assert quiet.filter(first)
    assert first.getMessage() == LOADER_GONE
    assert first.exc_info is None
    # Meltano's CLI error (structlog: the exception in the event) and asyncio's unretrieved task.
    structlog_event = record({"event": "", "exc_info": BrokenPipeError()}, None)
    asyncio_line = record("Task exception was never retrieved", ConnectionResetError())
    assert not quiet.filter(structlog_event)
    assert not quiet.filter(asyncio_line)


def test_a_structlog_pipe_error_first_keeps_its_fields_but_not_the_traceback():
    event = record({"event": "", "exc_info": True, "run_id": "r1"}, None)
    try:
        raise BrokenPipeError  # noqa: TRY301 - exc_info=True reads the exception being handled
    except BrokenPipeError:
        assert LoaderGoneFilter().filter(event)
    assert event.msg == {"event": LOADER_GONE, "run_id": "r1"}


@pytest.mark.parametrize(
    "other",
    [
        record("Block run completed", None),
        record("Extractor failed", RuntimeError("boom")),
        record({"event": "Run completed", "status": "failure"}, None),
    ],
)
def test_every_other_record_passes_unchanged(other):
    quiet = LoaderGoneFilter()
    before = (other.msg, other.exc_info)
    assert quiet.filter(other)
    assert (other.msg, other.exc_info) == before


def test_a_failed_discovery_does_not_repeat_the_extractors_lines():
    stderr = '{"level": "error", "message": "Setting api_key is not set: ..."}\n'
    text = (
        "Cannot start plugin tap-agilecrm: Catalog discovery failed: command "
        f"['/x/tap-agilecrm', '--config', '/x/c.json', '--discover'] returned 1 with stderr:\n "
        f"{stderr}"
    )
    plain, event = record(text, None), record({"event": "Block run completed", "err": text}, None)
    quiet = LoaderGoneFilter()
    assert quiet.filter(plain)
    assert quiet.filter(event)
    short = "Cannot start plugin tap-agilecrm: Catalog discovery failed (the extractor exited 1)"
    assert plain.getMessage() == short + ": see its lines above"
    assert event.msg == {"event": "Block run completed", "err": short + ": see its lines above"}

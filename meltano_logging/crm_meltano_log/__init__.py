"""Meltano's console log without the tracebacks of a loader that died: one line instead.

When the loader of ``meltano run`` dies (its own error, a kill), Meltano 4.4.1 is still
copying the extractor's output into the loader's closed input: the write fails with
``BrokenPipeError``, and Meltano logs that same error three times, each with a full traceback
and no words (an empty ``[error] meltano`` line from its output redirection, the CLI's own
error, and asyncio's "Task exception was never retrieved"), after the loader's one clear line.

``LoaderGoneFilter``, on the console handler of the project's ``logging.yaml`` (which Meltano
reads from the project folder), turns the first of those records into one line, "the loader
stopped reading the extractor's output: see the loader's error above", and drops the others.
Every other record is left alone: the loader's own error line, Meltano's "Run completed", and
the exit code (1), which logging does not decide.

The filter also shortens Meltano's "Catalog discovery failed: command [...] returned 1 with
stderr: ..." to "Catalog discovery failed (the extractor exited 1): see its lines above": the
extractor's lines (its one clear line about a missing setting or an unreachable host) are
already written, live, just above; Meltano's message repeats every one of them, in JSON.

``console_formatter`` and ``console_handler`` rebuild Meltano's default console output (its
formatter, colors on a terminal only, the level of ``--log-level`` or ``MELTANO_CLI_LOG_LEVEL``),
which a project ``logging.yaml`` otherwise replaces.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import typing as t

#: The errors of a write into a pipe whose reader is gone.
PIPE_ERRORS = (BrokenPipeError, ConnectionResetError)
LOADER_GONE = "The loader stopped reading the extractor's output: see the loader's error above"


#: Meltano's message for a failed discovery, with the extractor's whole stderr repeated.
DISCOVERY_FAILED = re.compile(
    r"Catalog discovery failed: command \[.*?\] returned (-?\d+) with stderr:.*", re.DOTALL
)


def shorten(text: str) -> str:
    """Meltano's failed-discovery message without the extractor's stderr it repeats.

    Args:
        text: A message.

    Returns:
        The message, shortened when it is that one.
    """
    return DISCOVERY_FAILED.sub(
        r"Catalog discovery failed (the extractor exited \1): see its lines above", text
    )


def _exception_of(record: logging.LogRecord) -> BaseException | None:
    """The exception a record carries: stdlib ``exc_info`` or structlog's event dict."""
    info: t.Any = record.exc_info
    if isinstance(record.msg, dict):
        info = record.msg.get("exc_info", info)
    if info is True:
        info = sys.exc_info()
    if isinstance(info, tuple):
        return info[1] if len(info) > 1 else None
    return info if isinstance(info, BaseException) else None


class LoaderGoneFilter(logging.Filter):
    """A pipe error's first record in one line without traceback, the others dropped.

    A failed discovery's message is shortened (``shorten``); every other record passes as it is.
    """

    def __init__(self, name: str = "") -> None:
        """Nothing said yet.

        Args:
            name: As for ``logging.Filter`` (unused: every logger's records are looked at).
        """
        super().__init__(name)
        self.said = False

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep a record; rewrite the first pipe error's, drop any later one.

        Args:
            record: The record.

        Returns:
            Whether the record is written.
        """
        if not isinstance(_exception_of(record), PIPE_ERRORS):
            if isinstance(record.msg, dict):
                record.msg = {
                    k: shorten(v) if isinstance(v, str) else v for k, v in record.msg.items()
                }
            elif isinstance(record.msg, str) and not record.args:
                record.msg = shorten(record.msg)
            return True
        if self.said:
            return False
        self.said = True
        if isinstance(record.msg, dict):  # structlog's event dict
            event = {k: v for k, v in record.msg.items() if k not in {"exc_info", "exception"}}
            event["event"] = LOADER_GONE
            record.msg = event
        else:
            record.msg = LOADER_GONE
            record.args = ()
        record.exc_info = None
        record.exc_text = None
        return True


def _level() -> str:
    """The console level Meltano was asked for (``--log-level``, then its setting's variable)."""
    level: t.Any = None
    try:
        from meltano.core.project_settings_service import (  # noqa: PLC0415
            ProjectSettingsService,
        )

        level = ProjectSettingsService.config_override.get("cli.log_level")
    except ImportError:  # pragma: no cover - outside Meltano's environment
        pass
    return str(level or os.environ.get("MELTANO_CLI_LOG_LEVEL") or "info").upper()


def console_formatter() -> logging.Formatter:
    """Meltano's own console formatter, in colors on a terminal only (as its default).

    Returns:
        The formatter.
    """
    from meltano.core.logging.formatters import console_log_formatter  # noqa: PLC0415
    from meltano.core.utils import get_no_color_flag  # noqa: PLC0415

    colors = sys.stderr.isatty() and not get_no_color_flag()
    formatter: logging.Formatter = console_log_formatter(
        colors=colors, max_frames=100 if _level() == "DEBUG" else 2
    )
    return formatter


def console_handler() -> logging.Handler:
    """Meltano's default console handler on stderr, with ``LoaderGoneFilter``.

    Its level is the one Meltano was asked for, and so is the root logger's (``logging.yaml``
    leaves it unset), as in Meltano's default.

    Returns:
        The handler.
    """
    level = _level()
    logging.getLogger().setLevel(level)
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)
    handler.setFormatter(console_formatter())
    handler.addFilter(LoaderGoneFilter())
    return handler

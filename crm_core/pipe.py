"""A tap whose loader stopped reading ends at once with one line, not a traceback per stream.

A tap writes its messages to a pipe that the loader reads (``meltano run tap target``). When
the loader dies (its own error, a kill), the next write fails with ``BrokenPipeError``; left to
itself the tap would report every stream as failed, one after the other, and send requests
whose records can go nowhere. ``LoaderAwareWriter`` (the SDK's msgspec writer) instead writes
one line to stderr, "the loader stopped reading: see its error above", and ends the process with
exit code 1. Nothing is lost: no state after the last one the loader confirmed was saved, so
the next run reads again from there.
"""

from __future__ import annotations

import os
import sys
import typing as t
from pathlib import Path

from singer_sdk.contrib.msgspec import MsgSpecWriter

if t.TYPE_CHECKING:
    from singer_sdk.singerlib import Message

EXIT_LOADER_GONE = 1


def loader_stopped() -> t.NoReturn:
    """Say that the loader stopped reading and end the process (exit 1), with no traceback.

    Raises:
        SystemExit: Never (the process ends), only when ``os._exit`` is replaced in a test.
    """
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "the tap"
    try:
        sys.stderr.write(f"{name}: the loader stopped reading: see its error above\n")
        sys.stderr.flush()
    finally:
        # Not sys.exit: the interpreter's last flush of stdout would fail on the closed pipe
        # again, and threads reading ahead would keep sending requests until they finish.
        os._exit(EXIT_LOADER_GONE)
    raise SystemExit(EXIT_LOADER_GONE)  # pragma: no cover - os._exit does not return


class LoaderAwareWriter(MsgSpecWriter):
    """The SDK's msgspec writer; a closed pipe ends the tap with one line (``loader_stopped``)."""

    def write_message(self, message: Message) -> None:
        """Write a message to stdout.

        Args:
            message: The message.
        """
        try:
            super().write_message(message)
        except BrokenPipeError:
            loader_stopped()

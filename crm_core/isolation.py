"""One failing stream does not cost the others their data; the quota stop is resumable.

``isolated`` wraps the sync of each top-level stream (with its children): a stream that
fails is logged in one line, its state keeps its old bookmark (its progress is not made
final, so nothing it did not read is skipped next time), and the next stream runs; a child's
failure fails its parent's tree (the parent's bookmark must not pass records whose children
were not read). Errors that make every further request pointless (the quota, refused
credentials) stop the run.

``run_cli`` maps the outcome to exit codes: 0 done, 1 failed (one line on stderr, secrets
redacted), 75 (EX_TEMPFAIL) for the quota: the state reached was written, the next run
resumes.
"""

from __future__ import annotations

import sys
import typing as t
from contextlib import contextmanager

import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.singerlib import StateMessage

from crm_core.errors import (
    AuthenticationError,
    QuotaExhaustedError,
    RepeatedCursorError,
    StreamsFailedError,
    UnreachableHostError,
    UsageError,
)
from crm_core.run_files import make_run_files_private

if t.TYPE_CHECKING:
    from collections.abc import Iterator

    from singer_sdk import Tap

    from crm_core.http import CRMStream
    from crm_core.tap_base import CRMTap

EXIT_QUOTA = 75  # EX_TEMPFAIL: try again later
EXIT_FAILED = 1  # refused credentials, a file the tap cannot use, or some streams failed
#: Errors that end the whole run: every further request would fail the same way.
RUN_STOPPERS: tuple[type[BaseException], ...] = (
    QuotaExhaustedError,
    AuthenticationError,
    UnreachableHostError,
)
#: Errors that end one stream only.
STREAM_FAILURES: tuple[type[BaseException], ...] = (
    FatalAPIError,
    RetriableAPIError,
    RepeatedCursorError,
    requests.exceptions.RequestException,
    ValueError,
)


@contextmanager
def isolated(stream: CRMStream) -> Iterator[None]:
    """Sync a top-level stream (and its children) so that its failure ends only it.

    A failure of the stream's ``isolated_errors`` is handed to ``stream.stream_failed``: by
    default logged in one line and noted on the stream (``failure``) and the run
    (``RunControl.failures``); the stream's progress is then not made final, so its
    bookmark stays where it was and the next run reads again what this one missed.

    Args:
        stream: The stream.

    Yields:
        Nothing: the stream syncs inside.

    Raises:
        FatalAPIError: When the run must stop (quota, credentials), whatever stream noticed.
    """
    try:
        yield
    except RUN_STOPPERS:
        raise
    except stream.isolated_errors as exc:
        stop = stream.run_control.stop_error
        if stop is not None:
            raise stop from exc
        stream.stream_failed(exc)


def raise_if_failed(tap: CRMTap) -> None:
    """After the last stream: fail the run when any stream failed, its state written first.

    Args:
        tap: The tap.

    Raises:
        StreamsFailedError: When any stream failed.
    """
    failed = tap.run_control.failures
    if failed:
        tap.write_message(StateMessage(value=tap.state))
        names = ", ".join(sorted(failed))
        msg = f"{len(failed)} stream(s) failed: {names}; every other stream was read to the end"
        raise StreamsFailedError(msg)


def run_cli(tap_class: type[Tap], name: str) -> None:
    """Run a tap's command line with this project's exit codes.

    Started by Meltano, it first makes Meltano's run files private (``crm_core.run_files``).

    Args:
        tap_class: The tap.
        name: The executable's name, for messages.
    """
    make_run_files_private(sys.argv)
    try:
        tap_class.cli()
    except QuotaExhaustedError as exc:
        sys.stderr.write(f"{name}: {exc}\n")
        sys.exit(EXIT_QUOTA)
    except (FatalAPIError, UsageError) as exc:
        sys.stderr.writelines(f"{name}: {line}\n" for line in str(exc).splitlines())
        sys.exit(EXIT_FAILED)

"""A user's mistake in the settings, the state or the catalog: one line saying what to fix.

Each check raises ``UsageError`` (or returns a line for the settings' validation) naming the
setting, file or stream and what to do; ``run_cli`` prints it as one line, with no traceback,
and the tap exits 1 before any request is made:

- a required setting not set: how to set it (Meltano, environment variable, config file);
- a ``start_date`` that is not an ISO 8601 date or time;
- a state or catalog file that is not JSON;
- a state whose shape the tap cannot read (a bookmark that is not an object, a
  ``replication_key_value`` that is not a time, ``partitions`` that are not objects);
- a catalog naming a stream the tap does not have (the SDK would skip it without a word).
"""

from __future__ import annotations

import datetime as dt
import json
import typing as t

from crm_core.errors import UsageError

if t.TYPE_CHECKING:
    from collections.abc import Iterable

REQUIRED = " is a required property"


def missing_setting(tap_name: str, error: str) -> str:
    """The SDK's message for a missing setting, saying which and how to set it.

    Args:
        tap_name: The tap's name, e.g. ``tap-agilecrm``.
        error: One error of the SDK's validation, e.g. ``'api_key' is a required property``.

    Returns:
        The error, a missing setting's told how to set it; any other unchanged.
    """
    if not error.endswith(REQUIRED):
        return error
    name = error.removesuffix(REQUIRED).strip("'")
    variable = f"{tap_name}_{name}".upper().replace("-", "_")
    return (
        f"Setting {name} is not set: set it with `meltano config {tap_name} set {name}`, "
        f"the {variable} environment variable, or in the --config file"
    )


def start_date_problem(value: object) -> str | None:
    """Why a ``start_date`` cannot be read (None when it can).

    Args:
        value: The setting's value.

    Returns:
        One line naming the setting and what to write, or None.
    """
    try:
        dt.datetime.fromisoformat(str(value))
    except ValueError:
        return (
            f"Setting start_date {str(value)!r} is not a date: set it as YYYY-MM-DD "
            "or an ISO 8601 time, e.g. 2024-01-31 or 2024-01-31T00:00:00Z"
        )
    return None


def file_name(handle: t.IO[str]) -> str:
    """The name of an open file, for messages.

    Args:
        handle: The file.

    Returns:
        Its path, or ``(stdin)``.
    """
    return str(getattr(handle, "name", "(stdin)"))


def read_json(handle: t.IO[str], what: str) -> t.Any:  # noqa: ANN401 - any JSON
    """Read a state or catalog file.

    Args:
        handle: The open file.
        what: "State" or "Catalog", for the message.

    Returns:
        Its JSON.

    Raises:
        UsageError: The file is not JSON.
    """
    try:
        return json.loads(handle.read())
    except (ValueError, UnicodeDecodeError) as exc:
        msg = (
            f"{what} file {file_name(handle)} is not JSON ({exc}): pass the file the tap "
            f"wrote{' (its last STATE message value)' if what == 'State' else ''}, or none"
        )
        raise UsageError(msg) from exc


def check_state(state: t.Any, handle: t.IO[str]) -> dict[str, t.Any]:  # noqa: ANN401
    """Refuse a state whose shape the tap cannot read, naming the stream whose bookmark is.

    Args:
        state: The state file's JSON.
        handle: The file (for its name).

    Returns:
        The state.

    Raises:
        UsageError: What is wrong, and what to do.
    """
    name = file_name(handle)
    advice = (
        "fix or remove it in the file (under Meltano: `meltano state get/set/clear <state id>`);"
        " without a bookmark the stream syncs from start_date"
    )
    if not isinstance(state, dict):
        msg = f"State file {name} is not a JSON object: {advice}"
        raise UsageError(msg)
    bookmarks = state.get("bookmarks", {})
    if not isinstance(bookmarks, dict):
        msg = f"State file {name}: `bookmarks` is not an object of streams: {advice}"
        raise UsageError(msg)
    for stream, bookmark in bookmarks.items():
        problem = bookmark_problem(bookmark)
        if problem:
            msg = f"State file {name}: the bookmark of stream {stream} {problem}: {advice}"
            raise UsageError(msg)
    return state


def bookmark_problem(bookmark: t.Any) -> str | None:  # noqa: ANN401
    """What is wrong with one stream's bookmark (None when nothing is).

    Args:
        bookmark: The bookmark.

    Returns:
        The problem, in words.
    """
    if not isinstance(bookmark, dict):
        return f"is not an object ({json.dumps(bookmark)[:80]})"
    value = bookmark.get("replication_key_value")
    if value is not None:
        try:
            dt.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            shown = json.dumps(value)[:80]
            return f"has a replication_key_value that is not an ISO 8601 time ({shown})"
    partitions = bookmark.get("partitions", [])
    if not isinstance(partitions, list) or not all(isinstance(p, dict) for p in partitions):
        return "has `partitions` that are not a list of objects"
    for partition in partitions:
        problem = bookmark_problem({k: v for k, v in partition.items() if k != "partitions"})
        if problem:
            return problem
    return None


def check_catalog(
    catalog: t.Any,  # noqa: ANN401 - any JSON
    handle: t.IO[str],
    known: Iterable[str],
    tap_name: str,
) -> None:
    """Refuse a catalog naming a stream the tap does not have (it would be silently skipped).

    Args:
        catalog: The catalog file's JSON.
        handle: The file (for its name).
        known: The names of the tap's streams.
        tap_name: The tap's name, for the message.

    Raises:
        UsageError: Which stream, and what to do.
    """
    known = list(known)
    entries = catalog.get("streams") if isinstance(catalog, dict) else None
    if not isinstance(entries, list):
        msg = f"Catalog file {file_name(handle)} has no `streams` list: make one with --discover"
        raise UsageError(msg)
    for entry in entries:
        stream = (
            entry.get("tap_stream_id") or entry.get("stream") if isinstance(entry, dict) else None
        )
        if stream not in known:
            msg = (
                f"Catalog file {file_name(handle)} names stream {stream!r}, which "
                f"{tap_name} does not have (it has {', '.join(known)}): remove it, "
                "or make the catalog again with --discover"
            )
            raise UsageError(msg)

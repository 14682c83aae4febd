"""The run's files and settings checked before any request, each problem told in one line.

One line names the file, the stream or the setting, and what to do, instead of a traceback.

``read_json`` (a state or catalog file that is not JSON), ``check_state`` (bookmarks whose
shape the tap cannot read), ``check_catalog`` (a stream the tap does not have), and
``plain_config_error`` (a missing setting, told how to set it).
"""

from __future__ import annotations

import datetime as dt
import json
import typing as t

from crm_core.errors import UsageError

if t.TYPE_CHECKING:
    from collections.abc import Sequence


def plain_config_error(error: str, tap: str) -> str:
    """The SDK's message for a missing setting, saying which and how to set it.

    Args:
        error: One error of the SDK's validation, e.g. ``'api_key' is a required property``.
        tap: The tap's executable name, e.g. ``tap-engagebay``.

    Returns:
        The error, a missing setting's told how to set it.
    """
    if error.endswith(" is a required property"):
        name = error.removesuffix(" is a required property").strip("'")
        env = tap.upper().replace("-", "_")
        return (
            f"Setting {name} is not set: set it with `meltano config {tap} set {name}`, "
            f"the {env}_{name.upper()} environment variable, or in the --config file"
        )
    return error


def _file_name(handle: t.IO[str]) -> str:
    return str(getattr(handle, "name", "(stdin)"))


def read_json(handle: t.IO[str], what: str) -> t.Any:  # noqa: ANN401
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
            f"{what} file {_file_name(handle)} is not JSON ({exc}): pass the file the tap "
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
    name = _file_name(handle)
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
        problem = _bookmark_problem(bookmark)
        if problem:
            msg = f"State file {name}: the bookmark of stream {stream} {problem}: {advice}"
            raise UsageError(msg)
    return state


def _bookmark_problem(bookmark: t.Any) -> str | None:  # noqa: ANN401
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
        problem = _bookmark_problem({k: v for k, v in partition.items() if k != "partitions"})
        if problem:
            return problem
    return None


def check_catalog(
    catalog: t.Any,  # noqa: ANN401
    handle: t.IO[str],
    tap: str,
    known: Sequence[str],
) -> dict[str, t.Any]:
    """Refuse a catalog naming a stream the tap does not have (it would be silently skipped).

    Args:
        catalog: The catalog file's JSON.
        handle: The file (for its name).
        tap: The tap's executable name.
        known: The tap's stream names.

    Returns:
        The catalog.

    Raises:
        UsageError: Which stream, and what to do.
    """
    entries = catalog.get("streams") if isinstance(catalog, dict) else None
    if not isinstance(entries, list):
        msg = f"Catalog file {_file_name(handle)} has no `streams` list: make one with --discover"
        raise UsageError(msg)
    for entry in entries:
        stream = (
            entry.get("tap_stream_id") or entry.get("stream") if isinstance(entry, dict) else None
        )
        if stream not in known:
            msg = (
                f"Catalog file {_file_name(handle)} names stream {stream!r}, which "
                f"{tap} does not have (it has {', '.join(known)}): remove it, "
                "or make the catalog again with --discover"
            )
            raise UsageError(msg)
    return t.cast("dict[str, t.Any]", catalog)

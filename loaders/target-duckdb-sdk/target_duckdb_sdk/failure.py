"""A loader that cannot go on says why in one line naming the file and what to do.

Under ``meltano run`` the loader's stderr is all a person sees of its failure (Meltano adds an
empty ``[error] meltano`` line and its own BrokenPipe traceback when the loader is gone), so
the loader ends with one line, never a traceback (that goes to the DEBUG log). The line names
the warehouse file (the ``path`` setting) and what to do: a folder that cannot be made or
written, a file another program holds open, a full disk; anything else is named by its
error, with what happens to the run (the next one loads again from the last confirmed state).
"""

from __future__ import annotations

import errno
import re
import typing as t

if t.TYPE_CHECKING:
    from pathlib import Path

#: DuckDB's words when another process holds the database file.
_HELD_RE = re.compile(r"Conflicting lock is held in (?P<holder>.+?) \(PID (?P<pid>\d+)\)")
_AFTER = "the next run loads again from the last state this loader confirmed"


def _root_cause(exc: BaseException) -> BaseException:
    """The error a wrapper (SQLAlchemy's ``.orig``, a ``raise ... from``) stands for."""
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = getattr(exc, "orig", None) or exc.__cause__
        if not isinstance(inner, BaseException):
            break
        exc = inner
    return exc


def failure_line(exc: BaseException, database: Path) -> str:
    """One line saying why the loader stopped, naming the file and what to do.

    Args:
        exc: What stopped it.
        database: The warehouse file (the ``path`` setting).

    Returns:
        The line (without the loader's name).
    """
    cause = _root_cause(exc)
    text = " ".join(str(cause).split()) or type(cause).__name__
    where = f"the warehouse file {database} (setting `path`)"
    if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
        return f"the disk of {where} is full: free some space, then rerun ({_AFTER})"
    if isinstance(cause, OSError) and cause.errno in {
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
        errno.EEXIST,
        errno.ENOTDIR,
        errno.EISDIR,
        errno.ENOENT,
    }:
        return (
            f"cannot write {where}: {text}. Set `path` to a file in a folder this user can "
            "write (the folder is made if missing), then rerun"
        )
    held = _HELD_RE.search(text)
    if held or "Could not set lock on file" in text:
        holder = f"{held.group('holder')} (PID {held.group('pid')})" if held else "unknown"
        return (
            f"{where} is open in another program: {holder}. DuckDB lets one program "
            "write a file at a time: close it there (or point `path` at another file), then "
            "rerun"
        )
    if "No space left on device" in text:
        return f"the disk of {where} is full: free some space, then rerun ({_AFTER})"
    return (
        f"the load into {where} failed: {type(cause).__name__}: {text}. Nothing after the "
        f"last confirmed state is lost: {_AFTER}; rerun with --log-level=debug for the details"
    )

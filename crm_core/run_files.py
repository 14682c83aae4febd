"""Keep Meltano's run files private, and remove the config files that killed runs left behind.

Meltano 4.4 writes each plugin's settings, secrets included, to
``<system dir>/run/<plugin>/<tap|target|mapper>.<uuid>.config.json`` (``.meltano/run/`` by
default) with the process's umask (often 0644), just before it starts the plugin, and deletes the
file when the run ends; a run killed with ``kill -9`` leaves it there. At start-up, whoever
started it (cron, ``meltano run``, ``meltano schedule run``, an orchestrator), every tap of the
project (its ``main`` calls :func:`make_run_files_private` first):

- makes the ``run`` folder and its plugin folders 0700 and every file in them 0600;
- removes the ``*.config.json`` files (of any plugin: the loaders' hold database passwords) that
  were written before the Meltano process that started the tap, when no other Meltano process of
  the project (same system folder) is running. A file written by that Meltano is newer than it
  (the loader's config of this very run); one written by another Meltano that is still running
  might not have been read yet, so while one runs nothing is removed (the files are then only
  made private).
"""

from __future__ import annotations

import logging
import os
import re
import typing as t
from itertools import pairwise
from pathlib import Path

import psutil

if t.TYPE_CHECKING:
    from collections.abc import Sequence

logger = logging.getLogger("crm_core.run_files")
#: The name Meltano gives a plugin's config file: ``tap.<uuid4>.config.json``.
CONFIG_FILE = re.compile(r"^(tap|target|mapper)\.[0-9a-f-]{36}\.config\.json$")


def _is_meltano(process: psutil.Process) -> bool:
    """Whether a process runs Meltano (``.../bin/meltano ...`` or ``python -m meltano``)."""
    try:
        cmdline = process.cmdline()
    except (psutil.Error, OSError):
        return False
    return any(Path(arg).name == "meltano" for arg in cmdline[:3])


def _meltano_ancestors() -> list[psutil.Process]:
    """The Meltano processes this one descends from (nearest first)."""
    try:
        return [p for p in psutil.Process().parents() if _is_meltano(p)]
    except psutil.Error:
        return []


def _may_use(process: psutil.Process, sys_dir: Path) -> bool:
    """Whether a Meltano process may use ``sys_dir`` (True when that cannot be read)."""
    try:
        env = process.environ()
        cwd = Path(process.cwd())
    except (psutil.Error, OSError):
        return True
    if env.get("MELTANO_SYS_DIR_ROOT"):
        return (cwd / env["MELTANO_SYS_DIR_ROOT"]).resolve() == sys_dir
    root = Path(env.get("MELTANO_PROJECT_ROOT") or cwd).resolve()
    return root == sys_dir.parent or sys_dir.parent in root.parents


def _other_meltano_running(ancestors: Sequence[psutil.Process], sys_dir: Path) -> bool:
    """Whether a Meltano process of this project, not one of ``ancestors``, is running."""
    mine = {p.pid for p in ancestors} | {os.getpid()}
    return any(
        p.pid not in mine and _is_meltano(p) and _may_use(p, sys_dir) for p in psutil.process_iter()
    )


def _run_folder(argv: Sequence[str]) -> tuple[Path, Path] | None:
    """The config file Meltano passed (``--config``) and its ``run`` folder, if it is one."""
    for flag, value in pairwise(argv):
        if flag == "--config" and CONFIG_FILE.match(Path(value).name):
            config = Path(value).absolute()
            if config.parent.parent.name == "run":
                return config, config.parent.parent
    return None


def _chmod(path: Path, mode: int) -> None:
    try:
        if path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except OSError:  # gone meanwhile, or another user's
        pass


def make_run_files_private(argv: Sequence[str]) -> list[Path]:
    """Make Meltano's run folder private and remove config files that killed runs left.

    Does nothing when the tap was not started by Meltano (no ``--config`` in a ``run`` folder).

    Args:
        argv: The tap's command line.

    Returns:
        The config files removed.
    """
    found = _run_folder(argv)
    if found is None:
        return []
    own, run = found
    ancestors = _meltano_ancestors()
    removable = bool(ancestors) and not _other_meltano_running(ancestors, run.parent.resolve())
    started = ancestors[-1].create_time() if ancestors else 0.0
    removed: list[Path] = []
    _chmod(run, 0o700)
    for folder in (p for p in run.iterdir() if p.is_dir() and not p.is_symlink()):
        _chmod(folder, 0o700)
        for path in folder.iterdir():
            if not path.is_file() or path.is_symlink():
                continue
            stale = (
                removable
                and path != own
                and CONFIG_FILE.match(path.name) is not None
                and path.stat().st_mtime < started
            )
            if stale:
                path.unlink(missing_ok=True)
                removed.append(path)
            else:
                _chmod(path, 0o600)
    if removed:
        logger.info(
            "Removed %d config file(s) that killed Meltano runs left in %s", len(removed), run
        )
    return removed

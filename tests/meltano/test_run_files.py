"""No file readable by others holds a secret after a killed Meltano run (run_files)."""

from __future__ import annotations

import os
import stat
import time
import uuid

import pytest

from tests.meltano.project import TAP_ENGAGEBAY, meltano_fixture

pytestmark = [pytest.mark.meltano, pytest.mark.slow]

KEY = "left-by-a-killed-run-key"
PASSWORD = "left-by-a-killed-run-password"  # noqa: S105 - a test value


meltano = meltano_fixture(TAP_ENGAGEBAY, scope="function")


def _left_behind(folder, kind, secret):
    """A config file as a killed run leaves it: mode 644, written an hour ago."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    path = folder / f"{kind}.{uuid.uuid4()}.config.json"
    path.write_text(f'{{"secret": "{secret}"}}')
    path.chmod(0o644)
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    return path


def test_the_next_run_removes_config_files_a_killed_run_left(meltano):
    run = meltano.sys_dir / "run"
    run.mkdir(mode=0o755)
    stale_tap = _left_behind(run / "tap-engagebay", "tap", KEY)
    stale_loader = _left_behind(run / "target-postgres", "target", PASSWORD)
    old_umask = os.umask(0o022)  # Meltano writes the run's own config readable by others
    try:
        meltano.ok("invoke", "tap-engagebay", "--about")
    finally:
        os.umask(old_umask)
    assert not stale_tap.exists()
    assert not stale_loader.exists()
    # The run folder and each plugin's are private; no file left holds either secret.
    for folder in [run, *(p for p in run.iterdir() if p.is_dir())]:
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0, folder
    for path in (p for p in run.rglob("*") if p.is_file()):
        text = path.read_text(errors="replace")
        assert KEY not in text, path
        assert PASSWORD not in text, path


def test_tap_started_by_hand_touches_nothing(tmp_path):
    from crm_core.run_files import make_run_files_private  # noqa: PLC0415

    stale = _left_behind(tmp_path / "run" / "tap-engagebay", "tap", KEY)
    assert make_run_files_private(["tap-engagebay", "--config", str(stale)]) == []
    assert stale.exists()

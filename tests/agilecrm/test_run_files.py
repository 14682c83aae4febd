"""tap-agilecrm, started with a config file in Meltano's run folder, makes that folder private."""

from __future__ import annotations

import json
import stat
import subprocess
import uuid

from tests.agilecrm.pipeline import BIN


def test_the_run_folder_and_its_files_are_made_private(tmp_path):
    run = tmp_path / "run"
    own = run / "tap-agilecrm" / f"tap.{uuid.uuid4()}.config.json"
    loader = run / "target-postgres" / f"target.{uuid.uuid4()}.config.json"
    for path in (own, loader):
        path.parent.mkdir(parents=True, mode=0o755)
        path.write_text(json.dumps({"email": "me@example.com", "api_key": "secret-key"}))
        path.chmod(0o644)
    run.chmod(0o755)
    subprocess.run([str(BIN / "tap-agilecrm"), "--config", str(own), "--about"],
                   capture_output=True, check=True, timeout=120)  # fmt: skip
    for folder in (run, own.parent, loader.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for path in (own, loader):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

"""A loader that cannot write its warehouse stops with one line naming the file and what to do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

TARGET = Path(sys.executable).parent / "target-duckdb-sdk"
MESSAGES = (
    '{"type":"SCHEMA","stream":"s","schema":{"properties":{"id":{"type":"integer"}}},'
    '"key_properties":["id"]}\n{"type":"RECORD","stream":"s","record":{"id":1}}\n'
    '{"type":"STATE","value":{"bookmarks":{}}}\n'
)


def run_loader(tmp_path: Path, database: Path) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "target.json"
    config.write_text(json.dumps({"path": str(database), "lock_timeout": 0}))
    return subprocess.run(
        [str(TARGET), "--config", str(config)],
        input=MESSAGES,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def failure_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("target-duckdb-sdk: ")]


def test_a_folder_that_cannot_be_made_is_one_line_naming_path(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    database = tmp_path / "a-file" / "warehouse.duckdb"
    out = run_loader(tmp_path, database)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    (line,) = failure_lines(out.stderr)
    assert f"cannot write the warehouse file {database} (setting `path`)" in line
    assert "Set `path` to a file in a folder this user can write" in line


def test_a_file_another_program_holds_open_is_one_line_naming_it(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); sys.stdin.read()",  # noqa: E501
            str(database),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        out = run_loader(tmp_path, database)
    finally:
        holder.communicate("", timeout=60)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    (line,) = failure_lines(out.stderr)
    assert f"the warehouse file {database} (setting `path`) is open in another program" in line
    assert f"(PID {holder.pid})" in line
    assert "close it there" in line
    # Once the other program closed it, the same load goes through.
    assert run_loader(tmp_path, database).returncode == 0
    rows = duckdb.connect(str(database)).sql("select count(*) from engagebay.s").fetchall()
    assert rows == [(1,)]

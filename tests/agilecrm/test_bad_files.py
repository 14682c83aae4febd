"""A state or catalog file that is not JSON gets one line naming it, before any request."""

from __future__ import annotations

import pytest

from tests.agilecrm.pipeline import run_tap, tap_config


@pytest.mark.parametrize("option", ["--state", "--catalog"])
def test_a_file_that_is_not_json_gets_one_line_naming_it(tmp_path, agile, option):
    bad = tmp_path / "given.json"
    bad.write_text('{"bookmarks": ')
    run = run_tap(tmp_path, tap_config(agile), args=(option, str(bad)))
    assert run.rc == 1
    last = run.stderr.strip().splitlines()[-1]
    what = "State" if option == "--state" else "Catalog"
    assert last.startswith(f"tap-agilecrm: {what} file {bad} is not JSON")
    assert "Traceback" not in run.stderr
    assert agile.requests() == []

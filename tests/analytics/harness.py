"""Build a warehouse from a simulated account and run the dbt project on it through Meltano.

The dbt executable is the one ``meltano install`` put in ``.meltano/utilities/dbt-duckdb`` (or
``dbt-postgres``), started by ``meltano invoke`` so that the declaration in
``transform/dbt.meltano.yml`` is what is tested; only the paths and the reference time come from
environment variables (the utilities' settings).
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import subprocess
import sys
import typing as t
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

if t.TYPE_CHECKING:
    from engagebay_sim import Simulator

ROOT = Path(__file__).resolve().parents[2]
MELTANO = ROOT / ".venv-meltano" / "bin" / "meltano"
UTILITIES = ROOT / ".meltano" / "utilities"
SCHEMA = "analytics"

# A small account with three pipelines, enough deals for every stage, few contacts (the
# reconcile pass reads each contact's notes and call logs).
ACCOUNT = {
    "seed": 11,
    "contacts": 40,
    "companies": 8,
    "tracks": 3,
    "deals_per_track": 30,
    "tasks": 60,
    "tickets": 25,
    "products": 3,
    "owners": 4,
    "tags": 4,
    "lists": 2,
    "forms": 1,
    "events": 10,
}


def unavailable(reason: str) -> t.NoReturn:
    """Fail on CI, where everything must be installed; skip elsewhere, saying why."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def require_utility(name: str) -> None:
    """Skip (fail on CI) when Meltano or the dbt utility is not installed."""
    if not MELTANO.is_file():
        unavailable(f"Meltano is not installed at {MELTANO} (scripts/bootstrap installs it)")
    if not (UTILITIES / name / "venv" / "bin" / "dbt").is_file():
        unavailable(f"the {name} utility is not installed (scripts/bootstrap runs meltano install)")


@dataclass
class DbtRun:
    """The outcome of one `meltano invoke <utility>:<command>`."""

    returncode: int
    output: str
    results: list[dict[str, t.Any]]


def invoke_dbt(  # noqa: PLR0913
    utility: str,
    command: str,
    workdir: Path,
    settings: dict[str, str],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> DbtRun:
    """Run ``meltano invoke <utility>:<command>`` with dbt's files kept under ``workdir``.

    Args:
        utility: dbt-duckdb or dbt-postgres.
        command: A command declared on the utility (build, run, test...).
        workdir: Folder for dbt's target/ and logs/.
        settings: Settings of the utility (path, as_of...), passed as Meltano's environment
            variables (DBT_DUCKDB_PATH...).
        env: Other environment variables (TARGET_POSTGRES_HOST...).
        timeout: Seconds before the run is killed.

    Returns:
        The exit code, the output and dbt's run results.
    """
    prefix = utility.upper().replace("-", "_")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "MELTANO_"))}
    environment["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), environment["PATH"]])
    environment |= {
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        f"{prefix}_TARGET_PATH": str(workdir / "target"),
        f"{prefix}_LOG_PATH": str(workdir / "logs"),
        **{f"{prefix}_{name.upper()}": value for name, value in settings.items()},
        **(env or {}),
    }
    out = subprocess.run(
        [str(MELTANO), "invoke", f"{utility}:{command}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        check=False,
    )
    results_file = workdir / "target" / "run_results.json"
    results = json.loads(results_file.read_text())["results"] if results_file.is_file() else []
    return DbtRun(out.returncode, out.stdout + out.stderr, results)


def fetch(database: Path, sql: str) -> list[tuple[t.Any, ...]]:
    """All rows of a query on a DuckDB file, read-only."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def timestamp(epoch: float) -> dt.datetime:
    """An epoch as a naive UTC datetime (how the marts hold times)."""
    return dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None)


def middle_as_of(sim: Simulator) -> str:
    """A reference time between the open tasks' due dates, half of them before it.

    Due dates are whole minutes, so 30 s past one of them is never equal to any.
    """
    due = sorted(r["closed_date"] for r in sim.truth("tasks") if r["task_milestone"] != "completed")
    return timestamp(due[len(due) // 2] + 30).strftime("%Y-%m-%d %H:%M:%S")


# ---------------------------------------------------------------- ground truth from the simulator


def truth_funnel(sim: Simulator) -> dict[tuple[int, int], dict[str, t.Any]]:
    """Per (track id, stage position): pipeline, stage, flags, deal count and amount."""
    funnel: dict[tuple[int, int], dict[str, t.Any]] = {}
    position_of: dict[tuple[int, str], int] = {}
    for track in sim.truth("tracks"):
        for position, milestone in enumerate(track["milestones"], start=1):
            funnel[int(track["id"]), position] = {
                "pipeline": track["name"],
                "stage": milestone["labelName"],
                "is_won": milestone["isWon"],
                "is_lost": milestone["isLost"],
                "probability": milestone["probability"],
                "deals": 0,
                "amount": 0.0,
            }
            position_of[int(track["id"]), milestone["labelName"]] = position
    for deal in sim.truth("deals"):
        key = (
            int(deal["track_id"]),
            position_of[int(deal["track_id"]), deal["milestoneLabelName"]],
        )
        funnel[key]["deals"] += 1
        funnel[key]["amount"] += float(deal["amount"])
    return funnel


def truth_owner_tasks(sim: Simulator, as_of: str) -> dict[int, tuple[int, int, int, int]]:
    """Per owner id: (total, open, overdue, completed) tasks at the reference time."""
    reference = dt.datetime.strptime(as_of, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 - naive UTC
    counts: dict[int, list[int]] = {int(o["id"]): [0, 0, 0, 0] for o in sim.truth("owners")}
    for task in sim.truth("tasks"):
        row = counts[int(task["owner_id"])]
        row[0] += 1
        if task["task_milestone"] == "completed":
            row[3] += 1
        else:
            row[1] += 1
            row[2] += timestamp(task["closed_date"]) < reference
    return {owner: (a, b, c, d) for owner, (a, b, c, d) in counts.items()}


def truth_tickets(sim: Simulator) -> dict[int, tuple[int, list[int]]]:
    """Per status code: ticket count and counts per priority 0..3."""
    statuses: dict[int, list[int]] = collections.defaultdict(lambda: [0, 0, 0, 0])
    for ticket in sim.truth("tickets"):
        statuses[ticket["status"]][ticket["priority"]] += 1
    return {status: (sum(p), p) for status, p in statuses.items()}

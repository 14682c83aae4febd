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
    from activecampaign_sim import ACSimulator
    from agilecrm_sim import AgileSimulator
    from engagebay_sim import Simulator
    from epixel_sim import EpixelSimulator
    from whautomate_sim import WhautomateSimulator

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
# A small Agile CRM account: three pipelines (one of five stages, two of six).
AGILE_ACCOUNT = {
    "seed": 5,
    "contacts": 30,
    "companies": 8,
    "tracks": 3,
    "deals_per_track": 12,
    "tasks": 20,
    "events": 12,
    "campaigns": 2,
    "tickets": 10,
    "owners": 3,
}


# Small accounts of the three later sources: ActiveCampaign (two pipelines of three stages),
# Epixel (leads and appointments) and Whautomate (contacts only).
AC_ACCOUNT = {
    "seed": 5,
    "contacts": 40,
    "accounts": 12,
    "deals": 24,
    "deal_groups": 2,
    "stages_per_group": 3,
    "users": 3,
    "groups": 2,
    "lists": 2,
    "tags": 4,
    "automations": 2,
    "campaigns": 2,
    "messages": 2,
    "forms": 1,
    "segments": 1,
    "ecom_customers": 3,
    "rate_limit": None,
}
EPIXEL_ACCOUNT = {"seed": 3, "leads": 30, "appointments": 15}
WHAUTOMATE_ACCOUNT = {"seed": 3, "contacts": 20}


@dataclass
class Others:
    """The simulators of the later sources (each None when its source is not in the test)."""

    ac: ACSimulator | None = None
    epixel: EpixelSimulator | None = None
    whautomate: WhautomateSimulator | None = None


NONE = Others()


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


def middle_as_of(sim: Simulator, agile: AgileSimulator | None = None) -> str:
    """A reference time between the open tasks' due dates of both sources, half before it.

    Mart and truth both count a task overdue when its due time is strictly before it.
    """
    due = [
        float(r["closed_date"]) for r in sim.truth("tasks") if r["task_milestone"] != "completed"
    ]
    if agile is not None:
        due += [float(r["due"]) for r in agile.records("tasks") if not r["is_complete"]]
    due.sort()
    return timestamp(due[len(due) // 2] + 30).strftime("%Y-%m-%d %H:%M:%S")


# ---------------------------------------------------------------- ground truth from the simulators
# Keys as the marts make them: '<source>:<id>' (stages '<source>:<pipeline id>:<position>').


def eb_stage_rows(sim: Simulator) -> list[dict[str, t.Any]]:
    """EngageBay's pipeline stages, in order, with their flags and probability."""
    return [
        {
            "source": "engagebay",
            "pipeline_id": str(track["id"]),
            "pipeline": track["name"],
            "position": position,
            "stage": milestone["labelName"],
            "is_won": bool(milestone["isWon"]),
            "is_lost": bool(milestone["isLost"]),
            "probability": float(milestone["probability"]),
        }
        for track in sim.truth("tracks")
        for position, milestone in enumerate(track["milestones"], start=1)
    ]


def agile_stage_rows(agile: AgileSimulator) -> list[dict[str, t.Any]]:
    """Agile CRM's pipeline stages: the comma-separated milestones, won and lost by name."""
    return [
        {
            "source": "agilecrm",
            "pipeline_id": str(track["id"]),
            "pipeline": track["name"],
            "position": position,
            "stage": name,
            "is_won": name == track["won_milestone"],
            "is_lost": name == track["lost_milestone"],
            "probability": None,
        }
        for track in agile.records("tracks")
        for position, name in enumerate(track["milestones"].split(","), start=1)
    ]


def ac_stage_rows(ac: ACSimulator) -> list[dict[str, t.Any]]:
    """ActiveCampaign's stages per deal group, by their `order`: none is won or lost."""
    groups = {str(g["id"]): g["title"] for g in ac.records("deal_groups")}
    stages = sorted(ac.records("deal_stages"), key=lambda s: (int(s["order"]), int(s["id"])))
    rows = []
    for group, title in groups.items():
        mine = [s for s in stages if str(s["group"]) == group]
        rows += [
            {
                "source": "activecampaign",
                "pipeline_id": group,
                "pipeline": title,
                "position": position,
                "stage": stage["title"],
                "is_won": False,
                "is_lost": False,
                "probability": None,
            }
            for position, stage in enumerate(mine, start=1)
        ]
    return rows


def ac_owner_name(ac: ACSimulator, user_id: object) -> str | None:
    """An ActiveCampaign user's name, first and last joined."""
    for user in ac.records("users"):
        if str(user["id"]) == str(user_id):
            return f"{user['firstName']} {user['lastName']}".strip()
    return None


def ac_deals(ac: ACSimulator) -> dict[str, dict[str, t.Any]]:
    """ActiveCampaign's deals: won (status 1) or lost (2) by their own status, value in cents."""
    stages = {s["id"]: s for s in ac.records("deal_stages")}
    rows = {(s["pipeline_id"], s["stage"]): s for s in ac_stage_rows(ac)}
    deals = {}
    for deal in ac.records("deals"):
        stage = rows[str(deal["group"]), stages[deal["stage"]]["title"]]
        deals[f"activecampaign:{deal['id']}"] = {
            **stage,
            "is_won": str(deal["status"]) == "1",
            "is_lost": str(deal["status"]) == "2",
            "amount": int(deal["value"]) / 100,
            "currency": deal["currency"].upper(),
            "probability": min(max(float(deal["percent"]), 0.0), 100.0) / 100,
            "owner": ac_owner_name(ac, deal["owner"]),
        }
    return deals


def truth_deals(
    sim: Simulator | None, agile: AgileSimulator | None, others: Others = NONE
) -> dict[str, dict[str, t.Any]]:
    """Per deal key: source, pipeline, stage, flags, amount, currency, probability, owner."""
    deals: dict[str, dict[str, t.Any]] = {}
    if others.ac is not None:
        deals |= ac_deals(others.ac)
    if sim is not None:
        stages = {(s["pipeline_id"], s["stage"]): s for s in eb_stage_rows(sim)}
        for deal in sim.truth("deals"):
            stage = stages[str(deal["track_id"]), deal["milestoneLabelName"]]
            deals[f"engagebay:{deal['id']}"] = {
                **stage,
                "amount": float(deal["amount"]),
                "currency": deal["currency_type"].split("-")[0].strip().upper(),
                "probability": float(deal["probability"]),
                "owner": deal["owner"]["name"],
            }
    if agile is not None:
        stages = {(s["pipeline_id"], s["stage"]): s for s in agile_stage_rows(agile)}
        for deal in agile.records("deals"):
            stage = stages[str(deal["pipeline_id"]), deal["milestone"]]
            deals[f"agilecrm:{deal['id']}"] = {
                **stage,
                "amount": float(deal["expected_value"]),
                "currency": None,
                "probability": min(max(float(deal["probability"]), 0.0), 100.0) / 100,
                "owner": deal["owner"]["name"],
            }
    return deals


def truth_funnel(
    sim: Simulator | None, agile: AgileSimulator | None = None, others: Others = NONE
) -> dict[str, dict[str, t.Any]]:
    """Per stage key: pipeline, stage, flags, deal count and amount (stages without deals too)."""
    rows = (
        (eb_stage_rows(sim) if sim is not None else [])
        + (agile_stage_rows(agile) if agile is not None else [])
        + (ac_stage_rows(others.ac) if others.ac is not None else [])
    )
    funnel = {
        f"{s['source']}:{s['pipeline_id']}:{s['position']}": {**s, "deals": 0, "amount": 0.0}
        for s in rows
    }
    for deal in truth_deals(sim, agile, others).values():
        stage = funnel[f"{deal['source']}:{deal['pipeline_id']}:{deal['position']}"]
        stage["deals"] += 1
        stage["amount"] += deal["amount"]
    return funnel


def weighted(deal: dict[str, t.Any]) -> float:
    """A deal's weighted amount: amount x probability while open, all once won, none once lost."""
    if deal["is_won"]:
        return float(deal["amount"])
    if deal["is_lost"]:
        return 0.0
    return float(deal["amount"]) * float(deal["probability"])


def truth_steps(
    sim: Simulator | None, agile: AgileSimulator | None, others: Others = NONE
) -> dict[str, tuple[int, float, float]]:
    """crm_funnel per '<source>:<step>' (and 'all:<step>'): deals, amount, weighted amount."""
    steps: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0])
    sources = (
        (["engagebay"] if sim is not None else [])
        + (["agilecrm"] if agile else [])
        + (["activecampaign"] if others.ac is not None else [])
    )
    for source in [*sources, "all"]:
        for step in ("deals", "open", "won", "lost"):
            steps[f"{source}:{step}"] = [0, 0.0, 0.0]
    for deal in truth_deals(sim, agile, others).values():
        outcome = "won" if deal["is_won"] else "lost" if deal["is_lost"] else "open"
        for source in (deal["source"], "all"):
            for step in ("deals", outcome):
                row = steps[f"{source}:{step}"]
                row[0] += 1
                row[1] += deal["amount"]
                row[2] += weighted(deal)
    return {key: (int(a), b, c) for key, (a, b, c) in steps.items()}


def agile_owners(agile: AgileSimulator) -> dict[str, dict[str, t.Any]]:
    """Agile CRM's users, as embedded in its records (the API lists none)."""
    owners: dict[str, dict[str, t.Any]] = {}
    for stream, field in (
        ("contacts", "owner"),
        ("companies", "owner"),
        ("deals", "owner"),
        ("events", "owner"),
        ("documents", "owner"),
        ("tasks", "taskOwner"),
    ):
        for record in agile.records(stream):
            owners[f"agilecrm:{record[field]['id']}"] = record[field]
    return owners


def epixel_owners(epixel: EpixelSimulator) -> dict[str, tuple[str, str | None]]:
    """Epixel's users: the owners and assignees leads name (a name, no e-mail)."""
    names = {lead.get(k) for lead in epixel.records("leads") for k in ("owner", "assignee")}
    return {f"epixel:{n}": (n, None) for n in names if n and n.strip()}


def truth_owners(
    sim: Simulator | None, agile: AgileSimulator | None, others: Others = NONE
) -> dict[str, tuple[str | None, str | None]]:
    """Per owner key: name and email."""
    owners: dict[str, tuple[str | None, str | None]] = {}
    if others.ac is not None:
        owners |= {
            f"activecampaign:{u['id']}": (ac_owner_name(others.ac, u["id"]), u["email"] or None)
            for u in others.ac.records("users")
        }
    if others.epixel is not None:
        owners |= epixel_owners(others.epixel)
    if sim is not None:
        owners |= {f"engagebay:{o['id']}": (o["name"], o["email"]) for o in sim.truth("owners")}
    if agile is not None:
        owners |= {key: (o["name"], o["email"]) for key, o in agile_owners(agile).items()}
    return owners


def truth_owner_tasks(
    sim: Simulator | None, agile: AgileSimulator | None, as_of: str, others: Others = NONE
) -> dict[str, tuple[int, int, int, int]]:
    """Per owner key: (total, open, overdue, completed) tasks at the reference time."""
    reference = dt.datetime.strptime(as_of, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 - naive UTC
    counts = {key: [0, 0, 0, 0] for key in truth_owners(sim, agile, others)}
    tasks: list[tuple[str, bool, float]] = []
    if others.ac is not None:
        # A task is complete when its status is 1; its owner is its assignee.
        tasks += [
            (
                f"activecampaign:{r['assignee'] or r['userid']}",
                str(r["status"]) == "1",
                dt.datetime.fromisoformat(r["duedate"]).timestamp(),
            )
            for r in others.ac.records("deal_tasks")
        ]
    if sim is not None:
        tasks += [
            (f"engagebay:{r['owner_id']}", r["task_milestone"] == "completed", r["closed_date"])
            for r in sim.truth("tasks")
        ]
    if agile is not None:
        tasks += [
            (f"agilecrm:{r['owner_id']}", bool(r["is_complete"]), r["due"])
            for r in agile.records("tasks")
        ]
    for owner, completed, due in tasks:
        row = counts[owner]
        row[0] += 1
        if completed:
            row[3] += 1
        else:
            row[1] += 1
            row[2] += timestamp(float(due)) < reference
    return {owner: (a, b, c, d) for owner, (a, b, c, d) in counts.items()}


def truth_activities(
    sim: Simulator | None, agile: AgileSimulator | None, others: Others = NONE
) -> dict[tuple[str, str], int]:
    """Per (source, kind): how many activities."""
    counts: dict[tuple[str, str], int] = {}
    if others.ac is not None:
        counts["activecampaign", "note"] = others.ac.count("notes")
        counts["activecampaign", "task"] = others.ac.count("deal_tasks")
    if others.epixel is not None:
        counts["epixel", "event"] = len(list(others.epixel.records("appointments")))
    if sim is not None:
        for stream, kind in (
            ("notes", "note"),
            ("call_logs", "call"),
            ("tasks", "task"),
            ("events", "event"),
        ):
            counts["engagebay", kind] = sim.count(stream)
    if agile is not None:
        counts["agilecrm", "note"] = len(agile.ids("notes") | agile.ids("deal_notes"))
        counts["agilecrm", "task"] = agile.count("tasks")
        counts["agilecrm", "event"] = agile.count("events")
        counts["agilecrm", "ticket_message"] = agile.count("ticket_messages")
    return {key: n for key, n in counts.items() if n}


def truth_tickets(
    sim: Simulator | None, agile: AgileSimulator | None
) -> dict[tuple[str, str], int]:
    """Per (source, status as text): how many tickets."""
    statuses: collections.Counter[tuple[str, str]] = collections.Counter()
    if sim is not None:
        statuses.update(("engagebay", str(r["status"])) for r in sim.truth("tickets"))
    if agile is not None:
        statuses.update(("agilecrm", str(r["status"])) for r in agile.records("tickets"))
    return dict(statuses)

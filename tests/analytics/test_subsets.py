"""A source absent from the warehouse contributes nothing: the same dbt project builds, every
test passing, on EngageBay alone, on Agile CRM alone and on ActiveCampaign alone, with that
source's numbers."""

from __future__ import annotations

import typing as t

import duckdb
import pytest

from tests.analytics.conftest import warehouse_with_only
from tests.analytics.harness import (
    SCHEMA,
    Others,
    fetch,
    invoke_dbt,
    truth_funnel,
    truth_steps,
)
from tests.analytics.test_marts import FEEDS, assert_build_passed, funnel_rows, steps_rows

if t.TYPE_CHECKING:
    from tests.analytics.conftest import Built


@pytest.mark.parametrize("source", ["engagebay", "agilecrm", "activecampaign"])
def test_one_source_alone(built: Built, source: str, tmp_path):
    database = warehouse_with_only(built, source, tmp_path)
    over = None
    if source == "agilecrm":
        # A deal of the default track that names no pipeline (id 0) is in the default track.
        con = duckdb.connect(str(database))
        try:
            con.execute(
                """update agilecrm.deals set pipeline_id = 0 where id = (
                       select min(d.id) from agilecrm.deals d
                       join agilecrm.tracks t on t.id = d.pipeline_id
                       where t."isDefault" and d._sdc_deleted_at is null)"""
            )
            assert con.execute(
                "select count(*) from agilecrm.deals where pipeline_id = 0"
            ).fetchall() == [(1,)]
            # The document shows a probability of 123: it counts as 100 (a closed deal, whose
            # weighted amount does not depend on it).
            [(over,)] = con.execute(
                """update agilecrm.deals set probability = 123 where id = (
                       select max(d.id) from agilecrm.deals d
                       join agilecrm.tracks t on t.id = d.pipeline_id
                       where d.milestone in (t.won_milestone, t.lost_milestone)
                         and d._sdc_deleted_at is null)
                   returning id"""
            ).fetchall()
        finally:
            con.close()
    build = invoke_dbt(
        "dbt-duckdb", "build", tmp_path / "dbt", {"path": str(database), "as_of": built.as_of}
    )
    assert_build_passed(build)
    sim = built.sim if source == "engagebay" else None
    agile = built.agile if source == "agilecrm" else None
    others = Others(ac=built.others.ac) if source == "activecampaign" else Others()
    assert funnel_rows(database) == truth_funnel(sim, agile, others)
    if source == "agilecrm":
        assert fetch(
            database, f"select probability from {SCHEMA}.crm_deals where deal_id = '{over}'"
        ) == [(1.0,)]
    assert steps_rows(database) == truth_steps(sim, agile, others)
    for entity in ("owners", "contacts", "deals", "activities", "tickets"):
        expected = [(source,)] if entity in FEEDS[source] else []
        got = fetch(database, f"select distinct source from {SCHEMA}.crm_{entity}")
        assert got == expected, entity
    # The absent sources' staging models are empty stubs.
    for other in set(FEEDS) - {source}:
        assert fetch(database, f"select count(*) from {SCHEMA}.stg_{other}__contacts") == [(0,)]


def test_epixel_alone_keeps_an_appointment_whose_date_cannot_be_read(built: Built, tmp_path):
    database = warehouse_with_only(built, "epixel", tmp_path)
    con = duckdb.connect(str(database))
    try:
        [(bad,)] = con.execute(
            """update epixel.appointments set appointment_date = 'tomorrow at 5'
               where id = (select min(id) from epixel.appointments) returning id"""
        ).fetchall()
    finally:
        con.close()
    build = invoke_dbt(
        "dbt-duckdb", "build", tmp_path / "dbt", {"path": str(database), "as_of": built.as_of}
    )
    assert build.returncode == 0, build.output[-4000:]
    statuses = {r["unique_id"]: r["status"] for r in build.results}
    warned = {uid for uid, status in statuses.items() if status == "warn"}
    assert [uid.split(".")[2] for uid in warned] == ["not_null_crm_activities_occurred_at"]
    assert set(statuses.values()) <= {"success", "pass", "warn"}
    assert built.others.epixel is not None
    # Every appointment is a row, the unreadable one with no time.
    rows = fetch(
        database,
        f"select activity_id, occurred_at from {SCHEMA}.crm_activities where source = 'epixel'",
    )
    assert len(rows) == len(list(built.others.epixel.records("appointments")))
    assert [r[0] for r in rows if r[1] is None] == [str(bad)]
    for entity in ("owners", "contacts", "deals", "activities", "tickets"):
        expected = [("epixel",)] if entity in FEEDS["epixel"] else []
        got = fetch(database, f"select distinct source from {SCHEMA}.crm_{entity}")
        assert got == expected, entity

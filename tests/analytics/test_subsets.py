"""A source absent from the warehouse contributes nothing: the same dbt project builds, every
test passing, on EngageBay alone and on Agile CRM alone, with that source's numbers."""

from __future__ import annotations

import typing as t

import duckdb
import pytest

from tests.analytics.conftest import warehouse_with_only
from tests.analytics.harness import SCHEMA, fetch, invoke_dbt, truth_funnel, truth_steps
from tests.analytics.test_marts import assert_build_passed, funnel_rows, steps_rows

if t.TYPE_CHECKING:
    from tests.analytics.conftest import Built


@pytest.mark.parametrize("source", ["engagebay", "agilecrm"])
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
    assert funnel_rows(database) == truth_funnel(sim, agile)
    if source == "agilecrm":
        assert fetch(
            database, f"select probability from {SCHEMA}.crm_deals where deal_id = '{over}'"
        ) == [(1.0,)]
    assert steps_rows(database) == truth_steps(sim, agile)
    for mart in ("crm_owners", "crm_contacts", "crm_deals", "crm_activities", "crm_tickets"):
        assert fetch(database, f"select distinct source from {SCHEMA}.{mart}") == [(source,)], mart
    # The absent source's staging models are empty stubs.
    other = "agilecrm" if source == "engagebay" else "engagebay"
    assert fetch(database, f"select count(*) from {SCHEMA}.stg_{other}__deals") == [(0,)]

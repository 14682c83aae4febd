"""The dbt build passes its own tests, and the marts agree with the simulator's ground truth."""

from __future__ import annotations

import typing as t

import pytest

from tests.analytics.harness import SCHEMA, fetch, truth_funnel, truth_owner_tasks, truth_tickets

if t.TYPE_CHECKING:
    from tests.analytics.conftest import Built

MODELS = {
    "stg_owners",
    "stg_tracks",
    "stg_milestones",
    "stg_deals",
    "stg_contacts",
    "stg_companies",
    "stg_tasks",
    "stg_tickets",
    "stg_custom_fields",
    "contacts",
    "deals",
    "deal_funnel",
    "owner_tasks",
    "tickets_by_status",
}


def test_dbt_build_passes_every_model_and_test(built: Built):
    assert built.build.returncode == 0, built.build.output[-4000:]
    statuses = {r["unique_id"]: r["status"] for r in built.build.results}
    models = {uid.split(".")[-1] for uid in statuses if uid.startswith("model.")}
    assert models == MODELS
    tests = [uid for uid in statuses if uid.startswith("test.")]
    assert len(tests) >= 50
    # Not even a warning: every owner the data names exists, every deal's stage is in its pipeline.
    assert {s for uid, s in statuses.items() if uid.startswith("test.")} == {"pass"}
    assert {s for uid, s in statuses.items() if uid.startswith("model.")} == {"success"}


def test_deal_funnel_matches_the_simulator(built: Built):
    rows = fetch(
        built.database,
        f"""select track_id, stage_position, pipeline_name, stage_name, is_won, is_lost,
                   stage_probability, deal_count, cast(total_amount as double)
            from {SCHEMA}.deal_funnel""",
    )
    got = {
        (r[0], r[1]): {
            "pipeline": r[2],
            "stage": r[3],
            "is_won": r[4],
            "is_lost": r[5],
            "probability": pytest.approx(r[6]),
            "deals": r[7],
            "amount": pytest.approx(r[8], abs=0.005),
        }
        for r in rows
    }
    truth = truth_funnel(built.sim)
    assert got == truth
    # Three pipelines of five stages, every one holding deals, in milestone order.
    assert len(truth) == 15
    assert all(stage["deals"] > 0 for stage in truth.values())


def test_funnel_rows_come_in_milestone_order(built: Built):
    rows = fetch(built.database, f"select track_id, stage_position from {SCHEMA}.deal_funnel")
    by_track: dict[int, list[int]] = {}
    for track, position in rows:
        by_track.setdefault(track, []).append(position)
    assert all(positions == sorted(positions) for positions in by_track.values())


def test_deals_mart_names_pipeline_stage_and_outcome(built: Built):
    rows = fetch(
        built.database,
        f"""select deal_id, pipeline_name, stage_name, is_won, is_lost, is_open,
                   cast(amount as double), owner_name, owner_email
            from {SCHEMA}.deals""",
    )
    tracks = {int(t["id"]): t for t in built.sim.truth("tracks")}
    truth = {}
    for deal in built.sim.truth("deals"):
        track = tracks[int(deal["track_id"])]
        [milestone] = [
            m for m in track["milestones"] if m["labelName"] == deal["milestoneLabelName"]
        ]
        truth[int(deal["id"])] = (
            track["name"],
            deal["milestoneLabelName"],
            milestone["isWon"],
            milestone["isLost"],
            not (milestone["isWon"] or milestone["isLost"]),
            pytest.approx(float(deal["amount"]), abs=0.005),
            deal["owner"]["name"],
            deal["owner"]["email"],
        )
    assert {r[0]: r[1:] for r in rows} == truth


def test_soft_deleted_records_stay_in_raw_tables_but_leave_the_models(built: Built):
    models = {
        "deals": ("deals", "deal_id"),
        "tasks": ("stg_tasks", "task_id"),
        "contacts": ("contacts", "contact_id"),
        "tickets": ("stg_tickets", "ticket_id"),
    }
    for stream, record_id in built.deleted.items():
        raw = fetch(
            built.database,
            f"select _sdc_deleted_at is not null from engagebay.{stream} where id = {record_id}",
        )
        assert raw == [(True,)], stream
        model, key = models[stream]
        assert fetch(
            built.database, f"select count(*) from {SCHEMA}.{model} where {key} = {record_id}"
        ) == [(0,)], stream
        [(count,)] = fetch(built.database, f"select count(*) from {SCHEMA}.{model}")
        assert count == built.sim.count(stream), stream


def test_open_and_overdue_tasks_per_owner_at_the_reference_time(built: Built):
    rows = fetch(
        built.database,
        f"""select owner_id, total_tasks, open_tasks, overdue_tasks, completed_tasks,
                   strftime(as_of, '%Y-%m-%d %H:%M:%S')
            from {SCHEMA}.owner_tasks""",
    )
    assert {r[5] for r in rows} == {built.as_of}
    truth = truth_owner_tasks(built.sim, built.as_of)
    assert {r[0]: tuple(r[1:5]) for r in rows} == truth
    # The reference time splits the open tasks: some overdue, some not yet.
    overdue = sum(v[2] for v in truth.values())
    assert 0 < overdue < sum(v[1] for v in truth.values())


def test_tickets_by_status(built: Built):
    rows = fetch(
        built.database,
        f"""select status_code, ticket_count, priority_0, priority_1, priority_2, priority_3
            from {SCHEMA}.tickets_by_status""",
    )
    assert {r[0]: (r[1], list(r[2:])) for r in rows} == truth_tickets(built.sim)


def test_contacts_carry_owner_and_custom_fields(built: Built):
    rows = fetch(
        built.database, f"select contact_id, owner_name, owner_email from {SCHEMA}.contacts"
    )
    truth = {
        int(c["id"]): (c["owner"]["name"], c["owner"]["email"]) for c in built.sim.truth("contacts")
    }
    assert {r[0]: r[1:] for r in rows} == truth

    def cf_columns(schema: str, table: str) -> list[str]:
        return [
            r[0]
            for r in fetch(
                built.database,
                f"""select column_name from information_schema.columns
                    where table_schema = '{schema}' and table_name = '{table}'
                      and column_name like 'cf\\_%' escape '\\' order by ordinal_position""",
            )
        ]

    raw = cf_columns("engagebay", "contacts")
    assert raw
    assert cf_columns(SCHEMA, "contacts") == raw
    # Typed values come through unchanged, e.g. a NUMBER field.
    same = fetch(
        built.database,
        f"""select count(*)
            from {SCHEMA}.contacts m join engagebay.contacts r on r.id = m.contact_id
            where m.cf_employees is not distinct from r.cf_employees""",
    )
    assert same == [(built.sim.count("contacts"),)]

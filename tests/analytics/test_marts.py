"""The dbt build passes its own tests, and the crm_* marts agree with the five simulators' truth."""

from __future__ import annotations

import json
import re
import typing as t

import pytest

from tests.analytics.harness import (
    SCHEMA,
    fetch,
    truth_activities,
    truth_deals,
    truth_funnel,
    truth_owner_tasks,
    truth_owners,
    truth_steps,
    truth_tickets,
    weighted,
)

if t.TYPE_CHECKING:
    from pathlib import Path

    from tests.analytics.conftest import Built
    from tests.analytics.harness import DbtRun

ENTITIES = ("owners", "contacts", "companies", "pipeline_stages", "deals", "activities", "tickets")
MARTS = {
    *(f"crm_{entity}" for entity in ENTITIES),
    "crm_deal_funnel",
    "crm_pipeline_value",
    "crm_funnel",
    "crm_owner_tasks",
    "crm_tickets_by_status",
}
#: The entities each source feeds (its registration line in dbt_project.yml).
FEEDS = {
    "engagebay": ENTITIES,
    "agilecrm": ENTITIES,
    "activecampaign": ("owners", "contacts", "companies", "pipeline_stages", "deals", "activities"),
    "epixel": ("owners", "contacts", "activities"),
    "whautomate": ("contacts",),
}
MODELS = {
    *MARTS,
    *(f"stg_{source}__{entity}" for source, entities in FEEDS.items() for entity in entities),
    "stg_engagebay__custom_fields",
}


#: The only tests that may warn: a note, task or ticket of a contact or deal that the reconcile
#: run marked deleted (the activity is kept, its reference now points at no live record).
MAY_WARN = re.compile(r"test\.crm\.relationships_crm_activities_(contact|deal)_key__")


def assert_build_passed(build: DbtRun) -> None:
    """Every model built and every test passed (a warning only for a deleted reference)."""
    assert build.returncode == 0, build.output[-4000:]
    statuses = {r["unique_id"]: r["status"] for r in build.results}
    models = {uid.split(".")[-1] for uid in statuses if uid.startswith("model.")}
    assert models == MODELS
    assert len([uid for uid in statuses if uid.startswith("test.")]) >= 80
    not_passed = {uid: s for uid, s in statuses.items() if s != "pass" and uid.startswith("test.")}
    assert all(s == "warn" and MAY_WARN.match(uid) for uid, s in not_passed.items()), not_passed
    assert {s for uid, s in statuses.items() if uid.startswith("model.")} == {"success"}


def funnel_rows(database: Path) -> dict[str, dict[str, t.Any]]:
    """crm_deal_funnel, keyed by stage key, in the truth's shape."""
    rows = fetch(
        database,
        f"""select stage_key, source, pipeline_id, pipeline_name, stage_position, stage_name,
                   is_won, is_lost, stage_probability, deal_count, cast(total_amount as double)
            from {SCHEMA}.crm_deal_funnel""",
    )
    return {
        r[0]: {
            "source": r[1],
            "pipeline_id": r[2],
            "pipeline": r[3],
            "position": r[4],
            "stage": r[5],
            "is_won": r[6],
            "is_lost": r[7],
            "probability": None if r[8] is None else pytest.approx(r[8]),
            "deals": r[9],
            "amount": pytest.approx(r[10], abs=0.005),
        }
        for r in rows
    }


def steps_rows(database: Path) -> dict[str, tuple[int, t.Any, t.Any]]:
    """crm_funnel, keyed by funnel key."""
    rows = fetch(
        database,
        f"""select funnel_key, deal_count, cast(amount as double), cast(weighted_amount as double)
            from {SCHEMA}.crm_funnel""",
    )
    return {
        r[0]: (r[1], pytest.approx(r[2], abs=0.005), pytest.approx(r[3], abs=0.01)) for r in rows
    }


def test_dbt_build_passes_every_model_and_test(built: Built):
    assert_build_passed(built.build)


def test_deal_funnel_matches_every_simulator_with_deals(built: Built):
    truth = truth_funnel(built.sim, built.agile, built.others)
    assert funnel_rows(built.database) == truth
    # Three sources with deals: three pipelines each for EngageBay and Agile CRM, two for
    # ActiveCampaign; stages without deals are rows too.
    assert {v["source"] for v in truth.values()} == {"engagebay", "agilecrm", "activecampaign"}
    assert len({(v["source"], v["pipeline_id"]) for v in truth.values()}) == 8


def test_funnel_per_source_and_combined(built: Built):
    truth = truth_steps(built.sim, built.agile, built.others)
    assert steps_rows(built.database) == truth
    sources = ("engagebay", "agilecrm", "activecampaign")
    assert truth["all:deals"][0] == sum(truth[f"{source}:deals"][0] for source in sources)
    # ActiveCampaign's won and lost deals come from their status, whatever their stage.
    assert truth["activecampaign:won"][0] > 0
    assert truth["activecampaign:lost"][0] > 0


def test_deals_mart_names_pipeline_stage_outcome_amount_and_owner(built: Built):
    rows = fetch(
        built.database,
        f"""select deal_key, source, pipeline_name, stage_name, stage_position, is_won, is_lost,
                   is_open, cast(amount as double), currency, probability, owner_name,
                   weighted_amount
            from {SCHEMA}.crm_deals""",
    )
    truth = {
        key: (
            d["source"],
            d["pipeline"],
            d["stage"],
            d["position"],
            d["is_won"],
            d["is_lost"],
            not (d["is_won"] or d["is_lost"]),
            pytest.approx(d["amount"], abs=0.005),
            d["currency"],
            pytest.approx(d["probability"]),
            d["owner"],
            pytest.approx(weighted(d), abs=0.01),
        )
        for key, d in truth_deals(built.sim, built.agile, built.others).items()
    }
    assert {r[0]: r[1:] for r in rows} == truth


def test_pipeline_value_per_pipeline(built: Built):
    rows = fetch(
        built.database,
        f"""select pipeline_key, deal_count, cast(total_amount as double),
                   cast(open_amount as double), cast(won_amount as double),
                   cast(lost_amount as double), currency
            from {SCHEMA}.crm_pipeline_value""",
    )
    truth: dict[str, list[t.Any]] = {}
    currencies: dict[str, set[str | None]] = {}
    for deal in truth_deals(built.sim, built.agile, built.others).values():
        key = f"{deal['source']}:{deal['pipeline_id']}"
        row = truth.setdefault(key, [0, 0.0, 0.0, 0.0, 0.0])
        outcome = 4 if deal["is_lost"] else 3 if deal["is_won"] else 2
        row[0] += 1
        row[1] += deal["amount"]
        row[outcome] += deal["amount"]
        currencies.setdefault(key, set()).add(deal["currency"])
    for stage in truth_funnel(built.sim, built.agile, built.others).values():
        truth.setdefault(f"{stage['source']}:{stage['pipeline_id']}", [0, 0.0, 0.0, 0.0, 0.0])

    def currency(key: str) -> str | None:
        found = currencies.get(key, set()) - {None}
        return None if not found else found.pop() if len(found) == 1 else "mixed"

    assert {r[0]: (r[1], *r[2:6], r[6]) for r in rows} == {
        key: (v[0], *(pytest.approx(x, abs=0.01) for x in v[1:]), currency(key))
        for key, v in truth.items()
    }


def test_owners_of_every_source_with_users(built: Built):
    rows = fetch(
        built.database, f"select owner_key, owner_name, owner_email from {SCHEMA}.crm_owners"
    )
    truth = truth_owners(built.sim, built.agile, built.others)
    assert {r[0]: r[1:] for r in rows} == truth
    assert {key.split(":")[0] for key in truth} == {
        "engagebay",
        "agilecrm",
        "activecampaign",
        "epixel",
    }


def test_contacts_carry_source_key_owner_and_company(built: Built):
    rows = fetch(
        built.database,
        f"""select contact_key, source, contact_id, email, owner_name, company_key
            from {SCHEMA}.crm_contacts""",
    )
    truth = {
        f"engagebay:{c['id']}": (
            "engagebay",
            str(c["id"]),
            c["email"],
            c["owner"]["name"],
            f"engagebay:{c['companyIds'][0]}" if c.get("companyIds") else None,
        )
        for c in built.sim.truth("contacts")
    }
    for c in built.agile.records("contacts"):
        email = next(p["value"] for p in c["properties"] if p["name"] == "email")
        company = c.get("contact_company_id")
        truth[f"agilecrm:{c['id']}"] = (
            "agilecrm",
            str(c["id"]),
            email,
            c["owner"]["name"],
            f"agilecrm:{company}" if company else None,
        )
    assert built.others.ac is not None
    assert built.others.epixel is not None
    assert built.others.whautomate is not None
    # ActiveCampaign: the company is the contact's first account association; no owner.
    first_account: dict[str, str] = {}
    for link in sorted(built.others.ac.records("account_contacts"), key=lambda r: int(r["id"])):
        first_account.setdefault(str(link["contact"]), str(link["account"]))
    for c in built.others.ac.records("contacts"):
        account = first_account.get(str(c["id"]))
        truth[f"activecampaign:{c['id']}"] = (
            "activecampaign",
            str(c["id"]),
            c["email"] or None,
            None,
            f"activecampaign:{account}" if account else None,
        )
    # Epixel: leads keyed by slug, owned by their owner (a user name).
    for lead in built.others.epixel.records("leads"):
        truth[f"epixel:{lead['slug']}"] = (
            "epixel",
            lead["slug"],
            lead["email"] or None,
            lead["owner"],
            None,
        )
    # Whautomate: contacts with no e-mail, owner or company.
    for c in built.others.whautomate.records("contacts"):
        truth[f"whautomate:{c['id']}"] = ("whautomate", c["id"], None, None, None)
    assert {r[0]: r[1:] for r in rows} == truth


def test_custom_fields_stay_reachable_in_each_sources_staging(built: Built):
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

    for source, table, entity in (
        ("engagebay", "contacts", "contacts"),
        ("engagebay", "deals", "deals"),
        ("engagebay", "companies", "companies"),
        ("agilecrm", "contacts", "contacts"),
        ("agilecrm", "deals", "deals"),
        ("agilecrm", "companies", "companies"),
        ("activecampaign", "contacts", "contacts"),
        ("activecampaign", "deals", "deals"),
        ("activecampaign", "accounts", "companies"),
        ("whautomate", "contacts", "contacts"),
    ):
        raw = cf_columns(source, table)
        assert raw, (source, table)
        assert cf_columns(SCHEMA, f"stg_{source}__{entity}") == raw, (source, table)
    # Joined to the mart on the source's id, typed values come through unchanged.
    same = fetch(
        built.database,
        f"""select count(*)
            from {SCHEMA}.crm_contacts m
            join {SCHEMA}.stg_agilecrm__contacts s on m.source = 'agilecrm'
                and m.contact_id = cast(s.contact_id as varchar)
            join agilecrm.contacts r on r.id = s.contact_id
            where s.cf_team_size is not distinct from r.cf_team_size""",
    )
    assert same == [(built.agile.count("contacts"),)]


def test_activities_one_row_each_with_its_kind(built: Built):
    rows = fetch(
        built.database, f"select source, kind, count(*) from {SCHEMA}.crm_activities group by all"
    )
    assert {(r[0], r[1]): r[2] for r in rows} == truth_activities(
        built.sim, built.agile, built.others
    )
    # Tasks name their contact and deal; ticket messages their ticket and its contact.
    tasks = fetch(
        built.database,
        f"""select activity_key, contact_key, deal_key from {SCHEMA}.crm_activities
            where kind = 'task'""",
    )
    truth = {
        f"engagebay:task:{r['id']}": (
            f"engagebay:{r['contact_ids'][0]}" if r["contact_ids"] else None,
            f"engagebay:{r['deal_ids'][0]}" if r["deal_ids"] else None,
        )
        for r in built.sim.truth("tasks")
    } | {
        f"agilecrm:task:{r['id']}": (
            f"agilecrm:{r['contacts'][0]['id']}" if r["contacts"] else None,
            None,
        )
        for r in built.agile.records("tasks")
    }
    # ActiveCampaign: a task or note belongs to the contact (reltype Subscriber) or the deal
    # (reltype Deal) its relid names.
    assert built.others.ac is not None
    assert built.others.epixel is not None

    def related(source: str, r: dict[str, t.Any]) -> tuple[str | None, str | None]:
        kind = str(r["reltype"]).lower()
        return (
            f"{source}:{r['relid']}" if kind == "subscriber" else None,
            f"{source}:{r['relid']}" if kind == "deal" else None,
        )

    truth |= {
        f"activecampaign:task:{r['id']}": related("activecampaign", r)
        for r in built.others.ac.records("deal_tasks")
    }
    assert {r[0]: r[1:] for r in tasks} == truth
    notes = fetch(
        built.database,
        f"""select activity_key, contact_key, deal_key, owner_key from {SCHEMA}.crm_activities
            where source = 'activecampaign' and kind = 'note'""",
    )
    assert {r[0]: r[1:] for r in notes} == {
        f"activecampaign:note:{r['id']}": (
            *related("activecampaign", r),
            f"activecampaign:{r['userid']}",
        )
        for r in built.others.ac.records("notes")
    }
    # Epixel: an appointment is an event on the lead its slug names, at the time as written.
    appointments = fetch(
        built.database,
        f"""select activity_key, contact_key, strftime(occurred_at, '%Y-%m-%d %H:%M'), status
            from {SCHEMA}.crm_activities where source = 'epixel'""",
    )
    assert {r[0]: r[1:] for r in appointments} == {
        f"epixel:event:{r['id']}": (
            f"epixel:{r['slug']}",
            r["appointment_date"],
            r["appointment_status"],
        )
        for r in built.others.epixel.records("appointments")
    }
    tickets = {int(r["id"]): r for r in built.agile.records("tickets")}
    messages = fetch(
        built.database,
        f"""select activity_key, ticket_key, contact_key from {SCHEMA}.crm_activities
            where kind = 'ticket_message'""",
    )
    assert {r[0]: r[1:] for r in messages} == {
        f"agilecrm:ticket_message:{m['id']}": (
            f"agilecrm:{m['ticket_id']}",
            f"agilecrm:{tickets[int(m['ticket_id'])]['contactID']}",
        )
        for m in built.agile.records("ticket_messages")
    }


def test_soft_deleted_records_stay_in_raw_tables_but_leave_the_marts(built: Built):
    marts = {
        "deals": ("crm_deals", "deal_key"),
        "tasks": ("crm_activities", "activity_key"),
        "contacts": ("crm_contacts", "contact_key"),
        "tickets": ("crm_tickets", "ticket_key"),
    }
    for (source, stream), record_id in built.deleted.items():
        raw = fetch(
            built.database,
            f"select _sdc_deleted_at is not null from {source}.{stream} where id = {record_id}",
        )
        assert raw == [(True,)], (source, stream)
        mart, key = marts[stream]
        value = f"{source}:task:{record_id}" if stream == "tasks" else f"{source}:{record_id}"
        assert fetch(
            built.database, f"select count(*) from {SCHEMA}.{mart} where {key} = '{value}'"
        ) == [(0,)], (source, stream)
    for stream, (mart, _) in marts.items():
        where = (
            "kind = 'task' and source = 'engagebay'"
            if stream == "tasks"
            else "source = 'engagebay'"
        )
        [(count,)] = fetch(built.database, f"select count(*) from {SCHEMA}.{mart} where {where}")
        assert count == built.sim.count(stream), stream
    [(deals,)] = fetch(
        built.database, f"select count(*) from {SCHEMA}.crm_deals where source = 'agilecrm'"
    )
    assert deals == built.agile.count("deals")


def test_open_and_overdue_tasks_per_owner_at_the_reference_time(built: Built):
    rows = fetch(
        built.database,
        f"""select owner_key, total_tasks, open_tasks, overdue_tasks, completed_tasks,
                   strftime(as_of, '%Y-%m-%d %H:%M:%S')
            from {SCHEMA}.crm_owner_tasks""",
    )
    assert {r[5] for r in rows} == {built.as_of}
    truth = truth_owner_tasks(built.sim, built.agile, built.as_of, built.others)
    assert {r[0]: tuple(r[1:5]) for r in rows} == truth
    # The reference time splits the open tasks: some overdue, some not yet.
    overdue = sum(v[2] for v in truth.values())
    assert 0 < overdue < sum(v[1] for v in truth.values())


def test_tickets_by_source_and_status(built: Built):
    rows = fetch(
        built.database, f"select source, status, ticket_count from {SCHEMA}.crm_tickets_by_status"
    )
    assert {(r[0], r[1]): r[2] for r in rows} == truth_tickets(built.sim, built.agile)


def test_whautomate_contacts_keep_stage_tags_and_location(built: Built):
    assert built.others.whautomate is not None
    rows = fetch(
        built.database,
        f"""select m.contact_key, m.full_name, m.phone, s.stage, cast(s.tags as varchar),
                   s.location_id, s.location_title
            from {SCHEMA}.crm_contacts m
            join {SCHEMA}.stg_whautomate__contacts s on m.source = 'whautomate'
                and m.contact_id = s.contact_id""",
    )
    assert {r[0]: r[1:] for r in rows} == {
        f"whautomate:{c['id']}": (
            c["name"],
            c["phoneNumber"],
            c["stage"],
            json.dumps(c["tags"], separators=(",", ":")),
            c["location"]["id"],
            c["location"]["title"],
        )
        for c in built.others.whautomate.records("contacts")
    }
    # Whautomate feeds contacts only: no deals, companies or activities of its own.
    for mart in ("crm_deals", "crm_companies", "crm_activities", "crm_owners"):
        assert fetch(
            built.database, f"select count(*) from {SCHEMA}.{mart} where source = 'whautomate'"
        ) == [(0,)], mart

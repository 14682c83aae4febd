"""Both answer shapes read completely; own and assigned leads each once; the paging guards."""

from __future__ import annotations

import pytest

from tests.epixel.pipeline import tap_config


def _appointment_ids(sim):
    return sorted(sim.ids("appointments"))


@pytest.mark.parametrize("envelope", [True, False], ids=["envelope", "plain-list"])
def test_both_answer_shapes_read_every_record_once(tap, make_epixel, envelope):
    sim = make_epixel(envelope=envelope)
    run = tap(tap_config(sim))
    assert run.rc == 0, run.stderr[-3000:]
    leads = run.records("leads")
    assert len(leads) == len({r["slug"] for r in leads})
    assert {r["slug"]: r["relation"] for r in leads} == sim.leads_truth()
    assert sorted(r["id"] for r in run.records("appointments")) == _appointment_ids(sim)
    (overview,) = run.records("lead_overview")
    assert overview["overview"] == sim.overview()
    assert overview["snapshot_time"].endswith("+00:00")
    pages = [e for e in sim.requests("leads/appointments/list") if e["status"] == 200]
    assert len(pages) == (2 if envelope else 1)
    for stream in ("leads", "appointments"):
        assert run.kinds(stream)[-1] == "ACTIVATE_VERSION", stream
    assert "ACTIVATE_VERSION" not in run.kinds("lead_overview")


def test_each_relation_is_present(tap, epixel):
    run = tap(tap_config(epixel))
    relations = {r["relation"] for r in run.records("leads")}
    assert relations == {"own", "assigned", "both"}


def test_without_the_assigned_list_only_own_leads_come(tap, epixel):
    run = tap(tap_config(epixel, assigned_list_type=""))
    assert run.rc == 0, run.stderr[-2000:]
    truth = epixel.leads_truth()
    assert {r["slug"] for r in run.records("leads")} == {
        s for s, rel in truth.items() if rel in {"own", "both"}
    }
    assert {r["relation"] for r in run.records("leads")} == {"own"}
    assert not [e for e in epixel.requests("leads/list") if e["query"].get("list_type")]


def test_page_size_and_the_leads_prefix_are_settings(tap, make_epixel):
    sim = make_epixel(leads_prefix="crm/leads")
    run = tap(tap_config(sim, leads_path_prefix="crm/leads", page_size=50))
    assert run.rc == 0, run.stderr[-2000:]
    assert {r["slug"] for r in run.records("leads")} == set(sim.leads_truth())
    firsts = [e for e in sim.requests("crm/leads/list") if "page" not in e["query"]]
    assert firsts
    assert all(e["query"]["page_size"] == "50" for e in firsts)


def test_a_repeating_page_stops_with_a_warning_and_no_deletions(tap, make_epixel):
    sim = make_epixel(repeat_page=1)
    run = tap(tap_config(sim))
    assert run.rc == 0, run.stderr[-2000:]
    assert "already followed" in run.stderr or "repeats the page" in run.stderr
    assert "not marked deleted" in run.stderr
    for stream in ("leads", "appointments"):
        assert "ACTIVATE_VERSION" not in run.kinds(stream), stream
    requests = len(sim.requests("leads/appointments/list"))
    assert requests <= 3


def test_a_next_link_to_another_host_fails_only_its_stream(tap, make_epixel):
    sim = make_epixel(next_base="https://elsewhere.example")
    run = tap(tap_config(sim))
    assert run.rc == 1
    assert "elsewhere.example" in run.stderr
    assert "Set `api_url`" in run.stderr
    assert "Traceback" not in run.stderr
    assert run.records("lead_overview")
    assert not [e for e in sim.requests() if "elsewhere" in str(e)]
    for stream in ("leads", "appointments"):
        assert "ACTIVATE_VERSION" not in run.kinds(stream), stream


def test_a_listing_that_changes_while_read_marks_nothing_deleted(tap, epixel):
    victim = next(iter(epixel.ids("appointments")))
    epixel.after_requests(2, lambda sim: sim.delete("appointments", victim))
    run = tap(tap_config(epixel, max_concurrent_requests=1))
    assert run.rc == 0, run.stderr[-2000:]
    assert "changed while it was read" in run.stderr
    assert "ACTIVATE_VERSION" not in run.kinds("appointments")


def test_appointment_id_stands_in_for_id_and_records_without_either_are_counted(tap, epixel):
    table = epixel.table("appointments")
    generate = table.generate

    def renamed(index):
        record = generate(index)
        record["appointment_id"] = record.pop("id")
        if index == 0:
            del record["appointment_id"]
        return record

    table.generate = renamed
    run = tap(tap_config(epixel))
    assert run.rc == 0, run.stderr[-2000:]
    assert (
        sorted(r["id"] for r in run.records("appointments"))
        == sorted(epixel.ids("appointments"))[1:]
    )
    assert "appointments: 1 came without an id" in run.stderr
    assert "ACTIVATE_VERSION" not in run.kinds("appointments")

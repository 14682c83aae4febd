"""Generated data: ids, times, properties and their hard cases, determinism."""

from __future__ import annotations

import collections
import json

from engagebay_sim import SimConfig, Simulator
from engagebay_sim.data import FIELD_TYPES, ORPHAN_PROPERTY
from tests.simulator.helpers import call, page_all

TWO52, TWO53 = 2**52, 2**53


def _all(sim, path, **extra):
    return [r for p in page_all(sim, path, size=100, **extra) for r in p]


def test_ids_are_exact_16_digit_ints_some_as_strings(make_simulator):
    sim = make_simulator(contacts=300)
    raw = call(sim, "subscribers", {"page_size": 100}).text
    assert ".0," not in raw.split('"properties"')[0]
    contacts = _all(sim, "subscribers")
    ids = [c["id"] for c in contacts]
    assert all(isinstance(i, (int, str)) for i in ids)
    as_str = [i for i in ids if isinstance(i, str)]
    assert 0.05 < len(as_str) / len(ids) < 0.3
    assert all(TWO52 <= int(i) < TWO53 for i in ids)
    assert all(len(str(i)) == 16 for i in ids)
    assert TWO53 - 1 in {int(i) for i in ids}
    assert any(isinstance(c["owner_id"], str) for c in contacts)
    assert any(isinstance(c["owner_id"], int) for c in contacts)


def test_times_monotone_and_before_start(simulator):
    contacts = list(simulator.truth("contacts"))
    created = [c["created_time"] for c in contacts]
    assert created == sorted(created)
    assert len(set(created)) == len(created)
    assert all(c.get("updated_time", 0) < simulator.now() for c in contacts)
    assert all(c.get("updated_time", 0) in (0, None) or c["updated_time"] > c["created_time"]
               for c in contacts)  # fmt: skip


def test_every_field_type_and_hard_case(make_simulator):
    sim = make_simulator(contacts=600, date_format="dd/MM/yyyy")
    fields = call(sim, "customfields/list/CONTACT").json()
    assert {f["field_type"] for f in fields} == set(FIELD_TYPES)
    labels = [f["field_label"] for f in fields]
    assert {"id", "owner_id", "created_time", "Deal Size", "deal_size"} <= set(labels)
    assert any(len(label.encode()) > 63 for label in labels)
    assert any(not label.isascii() for label in labels)
    seen = collections.defaultdict(list)
    for contact in sim.truth("contacts"):
        for prop in contact["properties"]:
            assert isinstance(prop["value"], str)
            if prop["type"] == "CUSTOM":
                seen[prop["name"]].append(prop["value"])
    assert ORPHAN_PROPERTY in seen
    by_type = {f["field_label"]: f["field_type"] for f in fields}
    values = collections.defaultdict(list)
    for name, vals in seen.items():
        values[by_type.get(name)] += vals
    assert "n/a" in values["NUMBER"]
    assert "31/13/2019" in values["DATE"]
    assert any(len(v) == 19 for v in values["DATE"]), "some dates carry a time"
    assert set(values["CHECKBOX"]) == {"true", "false", ""}
    assert any("," in v for v in values["MULTICHECKBOX"])
    assert all(isinstance(json.loads(v), list) for v in values["FILE"] if v)
    texts = values["TEXT"] + values["TEXTAREA"]
    assert "" in texts
    assert any("\u0000" in v for v in texts)
    assert any(len(v.encode()) > 10_000 for v in texts)
    assert any("🎉" in v for v in texts)
    assert any("\u0301" in v for v in texts)
    assert any("עברית" in v for v in texts)


def test_date_format_follows_account(make_simulator):
    sim = make_simulator(date_format="yyyy-MM-dd")
    props = [p for c in sim.truth("contacts") for p in c["properties"]]
    dates = [p["value"] for p in props if p["field_type"] == "DATE" and p["value"][:4].isdigit()]
    assert dates
    assert all(d[4] == "-" for d in dates)


def test_deal_amounts_int_and_float(simulator):
    amounts = [d["amount"] for d in simulator.truth("deals")]
    assert any(isinstance(a, int) for a in amounts)
    assert any(isinstance(a, float) for a in amounts)


def test_same_seed_same_bytes_other_seed_differs():
    config = {"seed": 3, "contacts": 40}
    bodies = []
    for cfg in (config, config, {**config, "seed": 4}):
        with Simulator(SimConfig(**cfg)) as sim:
            bodies.append(b"".join(
                call(sim, p, {"page_size": 50}).content
                for p in ("subscribers", "companies", "deals", "tickets")
            ) + call(sim, "customfields/list/DEAL").content)  # fmt: skip
    assert bodies[0] == bodies[1]
    assert bodies[0] != bodies[2]

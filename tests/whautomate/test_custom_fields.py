"""customFields as cf_ columns: typed by their JSON values, stable over runs, nothing lost."""

from __future__ import annotations

from tests.whautomate.pipeline import run_tap, tap_config


def _types(run):
    return {
        name: prop.get("type")
        for name, prop in run.schema()["properties"].items()
        if name.startswith("cf_")
    }


def test_types_come_from_the_values_and_never_change(tmp_path, whautomate):
    config = tap_config(whautomate)
    first = run_tap(tmp_path / "1", config)
    assert first.rc == 0, first.stderr[-2000:]
    assert _types(first) == {
        "cf_city": ["string", "null"],
        "cf_member_code": ["string", "null"],  # digit strings stay text
        "cf_age": ["number", "null"],
        "cf_order_total": ["number", "null"],
        "cf_vip": ["boolean", "null"],
        "cf_interests": ["array", "null"],
        "cf_preferences": ["object", "null"],
        "cf_refere_par": ["string", "null"],
    }

    contacts = list(whautomate.records("contacts"))
    head, tail = contacts[0], contacts[-1]
    # The first contact (in the page read for the schema) now has a text age; the last one
    # (on the last page) a field never seen before.
    whautomate.update("contacts", head["id"], customFields={**head["customFields"], "Age": "30+"})
    whautomate.update(
        "contacts", tail["id"], customFields={**tail["customFields"], "Loyalty Tier": "gold"}
    )
    second = run_tap(tmp_path / "2", config, state=first.state)
    assert second.rc == 0, second.stderr[-2000:]
    types = _types(second)
    assert types["cf_age"] == ["number", "null"]  # never narrowed or widened
    assert types["cf_age_string"] == ["string", "null"]  # the text ages' own column
    assert "cf_loyalty_tier" not in types  # first seen after the schema was sent...
    assert "Loyalty Tier" in second.stderr  # ...and said so
    records = {r["id"]: r for r in second.records()}
    assert records[head["id"]]["cf_age_string"] == "30+"
    assert records[head["id"]].get("cf_age") is None
    assert records[tail["id"]]["customFields"]["Loyalty Tier"] == "gold"  # kept as sent
    others = [r for cid, r in records.items() if cid != head["id"] and "Age" in r["customFields"]]
    assert others
    assert all(r["cf_age"] == r["customFields"]["Age"] for r in others)

    third = run_tap(tmp_path / "3", config, state=second.state)
    assert third.rc == 0, third.stderr[-2000:]
    assert _types(third) == {**types, "cf_loyalty_tier": ["string", "null"]}
    records = {r["id"]: r for r in third.records()}
    assert records[tail["id"]]["cf_loyalty_tier"] == "gold"

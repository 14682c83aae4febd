"""Each collection against ActiveCampaign's conventions: envelopes, offset paging, auth, 422."""

from __future__ import annotations

import pytest

from activecampaign_sim import STREAMS
from tests.activecampaign_sim.helpers import call, ids_in, read_all


@pytest.mark.parametrize("stream", STREAMS, ids=lambda s: s.name)
def test_offset_paging_reads_every_record_once(ac, stream):
    bodies = read_all(ac, stream.path, size=9)
    ids = ids_in(bodies, stream.key)
    assert len(ids) == len(set(ids))
    assert set(ids) == ac.ids(stream.name)
    assert ids == sorted(ids)  # id ascending by default
    for body in bodies:
        assert body["meta"]["total"] == str(ac.count(stream.name))
        assert all(isinstance(r["id"], str) for r in body[stream.key])


def test_envelope_limit_default_and_cap(make_ac):
    sim = make_ac(contacts=250)
    body = call(sim, "contacts").json()
    assert len(body["contacts"]) == 20
    assert body["meta"]["total"] == "250"
    assert len(call(sim, "contacts", {"limit": 500}).json()["contacts"]) == 100
    last = call(sim, "contacts", {"limit": 100, "offset": 200}).json()["contacts"]
    assert len(last) == 50
    assert call(sim, "contacts", {"offset": 250}).json()["contacts"] == []


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"limit": "x"}, "limit"), ({"limit": 0}, "limit"), ({"offset": -1}, "offset"),
     ({"orders[id]": "UP"}, "orders[id]"), ({"filters[updated_after]": "yesterday"},
                                            "filters[updated_after]")],
)  # fmt: skip
def test_bad_parameters_get_422_naming_them(ac, params, parameter):
    resp = call(ac, "contacts", params)
    assert resp.status_code == 422
    error = resp.json()["errors"][0]
    assert error["title"]
    assert error["source"]["pointer"].endswith(parameter)


@pytest.mark.parametrize("token", [None, "wrong"])
def test_wrong_or_missing_token_is_403_with_the_subscriber_body(ac, token):
    resp = call(ac, "contacts", token=token)
    assert resp.status_code == 403
    assert resp.json() == {"message": "No Result found for Subscriber with id 0"}


def test_desc_order_and_one_record(ac):
    down = call(ac, "contacts", {"orders[id]": "DESC", "limit": 5}).json()["contacts"]
    assert [int(c["id"]) for c in down] == sorted(ac.ids("contacts"), reverse=True)[:5]
    one = call(ac, f"contacts/{down[0]['id']}").json()
    assert one["contact"]["id"] == down[0]["id"]
    assert isinstance(one["fieldValues"], list)
    missing = call(ac, "contacts/999999")
    assert missing.status_code == 404
    assert "No Result found for Contact" in missing.json()["message"]


REFERENCES = [
    ("field_values", "contact", "contacts"),
    ("field_values", "field", "fields"),
    ("contact_tags", "tag", "tags"),
    ("contact_lists", "list", "lists"),
    ("contact_automations", "automation", "automations"),
    ("account_contacts", "account", "accounts"),
    ("deals", "stage", "deal_stages"),
    ("deals", "group", "deal_groups"),
    ("deals", "contact", "contacts"),
    ("deal_stages", "group", "deal_groups"),
    ("deal_tasks", "relid", "deals"),
    ("deal_tasks", "d_tasktypeid", "deal_tasktypes"),
    ("deal_custom_field_data", "dealId", "deals"),
    ("deal_custom_field_data", "customFieldId", "deal_custom_field_meta"),
    ("account_custom_field_data", "customerAccountId", "accounts"),
    ("account_custom_field_data", "customFieldId", "account_custom_field_meta"),
    ("ecom_orders", "customerid", "ecom_customers"),
    ("ecom_order_products", "orderid", "ecom_orders"),
    ("contact_deals", "deal", "deals"),
]


@pytest.mark.parametrize(("stream", "field", "target"), REFERENCES)
def test_references_point_at_existing_records(ac, stream, field, target):
    values = {r[field] for r in ac.records(stream)} - {None}
    assert values
    assert {int(v) for v in values} <= ac.ids(target)


def test_custom_field_values_follow_their_types(ac):
    types = {r["id"]: r["type"] for r in ac.records("fields")}
    kinds = {"text", "textarea", "date", "datetime", "dropdown", "multiselect", "radio",
             "checkbox", "listbox", "hidden"}  # fmt: skip
    assert set(types.values()) == kinds
    by_type: dict[str, list[str]] = {}
    for value in ac.records("field_values"):
        by_type.setdefault(types[value["field"]], []).append(value["value"])
    assert all(v.startswith("||") and v.endswith("||") for v in by_type["multiselect"])
    assert all(len(v) == 10 for v in by_type["date"])
    assert all(v[-6] in "+-" for v in by_type["datetime"])
    meta = {int(r["id"]): r["fieldType"] for r in ac.records("deal_custom_field_meta")}
    data = list(ac.records("deal_custom_field_data"))
    currency = [d for d in data if meta[d["customFieldId"]] == "currency"]
    assert currency
    assert all(isinstance(d["fieldValue"], int) and d["fieldCurrency"] for d in currency)
    several = [d for d in data if meta[d["customFieldId"]] in {"multiselect", "checkbox"}]
    assert all(isinstance(d["fieldValue"], list) for d in several)


def test_child_paging_after_parents_and_children_change(ac):
    contacts = sorted(ac.ids("contacts"))
    values = sorted(ac.ids("field_values"))
    ac.delete("contacts", contacts[4])
    ac.delete("contacts", contacts[20])
    ac.delete("field_values", values[0])
    ac.delete("field_values", values[-1])
    low = ac.insert_low("contacts", 1)[0]
    ac.set_field_value(low["id"], 3, "1999-12-31")
    ac.set_field_value(contacts[30], 1, "Blue")
    new = ac.create("contacts", 1)[0]
    ac.create("field_values", 2, contact=new["id"], field="10", value="x")
    truth = sorted(ac.ids("field_values"))
    assert len(truth) == ac.count("field_values")
    for size in (7, 100):
        bodies = read_all(ac, "fieldValues", size=size)
        assert ids_in(bodies, "fieldValues") == truth
        assert {b["meta"]["total"] for b in bodies} == {str(len(truth))}
    down = call(ac, "fieldValues", {"orders[id]": "DESC", "limit": 9, "offset": 4}).json()
    assert [int(v["id"]) for v in down["fieldValues"]] == truth[::-1][4:13]

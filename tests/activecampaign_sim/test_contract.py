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

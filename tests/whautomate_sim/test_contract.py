"""The simulator serves what the API document says, and each open question as configured."""

from __future__ import annotations

import json
import typing as t
import urllib.error
import urllib.request

import pytest

from whautomate_sim import WhautomateConfig, WhautomateSimulator


def call(
    sim: WhautomateSimulator,
    path: str,
    *,
    method: str = "GET",
    body: t.Any = None,
    key: str | None = "default",
) -> tuple[int, t.Any]:
    headers = {"Accept": "application/json"}
    if key is not None:
        headers["x-api-key"] = sim.config.api_key if key == "default" else key
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(sim.url + path, data=data, method=method, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def page_ids(sim: WhautomateSimulator, query: str) -> list[str]:
    status, body = call(sim, f"/v1/contacts?{query}")
    assert status == 200
    assert isinstance(body, list)
    return [r["id"] for r in body]


def test_a_contact_has_the_documented_shape(whautomate):
    _, body = call(whautomate, "/v1/contacts?page=1&limit=5")
    assert len(body) == 5
    for contact in body:
        assert set(contact) == {
            "id", "name", "phoneNumber", "location", "stage", "notes", "customFields", "tags",
        }  # fmt: skip
        assert isinstance(contact["id"], str)
        assert set(contact["location"]) == {"id", "title"}
        assert isinstance(contact["customFields"], dict)
        assert all(isinstance(tag, str) for tag in contact["tags"])
    status, one = call(whautomate, f"/v1/contacts/{body[0]['id']}")
    assert (status, one) == (200, body[0])


def test_the_key_is_checked_and_never_logged(whautomate):
    assert call(whautomate, "/v1/contacts", key=None) == (403, {"message": "Forbidden"})
    assert call(whautomate, "/v1/contacts", key="wrong") == (403, {"message": "Forbidden"})
    assert call(whautomate, "/v1/contacts")[0] == 200
    logged = json.dumps(whautomate.requests())
    assert whautomate.config.api_key not in logged


@pytest.mark.parametrize("first", [0, 1])
def test_pages_count_from_the_configured_number(make_whautomate, first):
    sim = make_whautomate(first_page=first)
    truth = [r["id"] for r in sim.records("contacts")]
    assert page_ids(sim, f"page={first}&limit=10") == truth[:10]
    assert page_ids(sim, f"page={first + 2}&limit=10") == truth[20:]
    assert page_ids(sim, f"page={first + 3}&limit=10") == []


@pytest.mark.parametrize(("page_zero", "status", "answer"), [("alias", 200, 10), ("empty", 200, 0),
                                                              ("error", 400, None)])  # fmt: skip
def test_page_zero_of_a_server_counting_from_one(make_whautomate, page_zero, status, answer):
    sim = make_whautomate(first_page=1, page_zero=page_zero)
    got, body = call(sim, "/v1/contacts?page=0&limit=10")
    assert got == status
    if answer is not None:
        assert len(body) == answer


def test_a_larger_limit_is_capped_silently(make_whautomate):
    sim = make_whautomate(max_limit=8, default_limit=4)
    assert len(page_ids(sim, "page=1&limit=100")) == 8
    assert len(page_ids(sim, "page=1")) == 4


def test_past_the_end_the_last_page_can_come_again(make_whautomate):
    sim = make_whautomate(past_end="repeat_last")
    last = page_ids(sim, "page=3&limit=10")
    assert len(last) == 3
    assert page_ids(sim, "page=4&limit=10") == last
    assert page_ids(sim, "page=40&limit=10") == last


def test_filters_as_the_document_lists_them(whautomate):
    contacts = list(whautomate.records("contacts"))
    location = contacts[0]["location"]["id"]
    by_location = page_ids(whautomate, f"page=1&limit=100&locationId={location}")
    assert by_location == [c["id"] for c in contacts if c["location"]["id"] == location]
    assert 0 < len(by_location) < len(contacts)
    tagged = page_ids(whautomate, "page=1&limit=100&tags=vip")
    assert tagged == [c["id"] for c in contacts if "vip" in c["tags"]]
    whatsapp = page_ids(whautomate, "page=1&limit=100&channel=whatsapp")
    assert 0 < len(whatsapp) < len(contacts)


def test_bad_paging_parameters_get_a_400(whautomate):
    assert call(whautomate, "/v1/contacts?page=x")[0] == 400
    assert call(whautomate, "/v1/contacts?limit=0")[0] == 400


def test_add_update_tag_and_delete_through_the_api(whautomate):
    new = {"name": "Asha", "phoneNumber": "+919000000001", "tags": ["new"]}
    status, made = call(whautomate, "/v1/contacts", method="POST", body=new)
    assert status == 200
    assert made["name"] == "Asha"
    assert made["id"] in whautomate.ids("contacts")
    assert call(whautomate, "/v1/contacts", method="POST", body={"name": "x"})[0] == 400
    status, changed = call(whautomate, f"/v1/contacts/{made['id']}", method="PUT",
                           body={"name": "Asha R", "phoneNumber": "+919000000001",
                                 "customFields": {"Age": 31}})  # fmt: skip
    assert (status, changed["name"], changed["customFields"]) == (200, "Asha R", {"Age": 31})
    _, tagged = call(whautomate, f"/v1/contacts/{made['id']}/tags/add", method="POST",
                     body={"tags": ["vip"]})  # fmt: skip
    assert tagged == {"id": made["id"], "tags": ["new", "vip"]}
    _, untagged = call(whautomate, f"/v1/contacts/{made['id']}/tags/remove", method="POST",
                       body={"tags": ["new"]})  # fmt: skip
    assert untagged["tags"] == ["vip"]
    assert call(whautomate, f"/v1/contacts/{made['id']}", method="DELETE") == (
        200, {"success": True},
    )  # fmt: skip
    assert made["id"] not in whautomate.ids("contacts")
    assert call(whautomate, f"/v1/contacts/{made['id']}")[0] == 404


def test_truth_and_mutations_through_the_control_routes(whautomate):
    _, ids = call(whautomate, "/_sim/truth/contacts/ids")
    assert set(ids) == whautomate.ids("contacts")
    assert call(whautomate, "/_sim/truth/contacts/count")[1] == {"count": 23}
    victim = ids[0]
    ops = [
        {"op": "delete", "stream": "contacts", "id": victim},
        {"op": "update", "stream": "contacts", "id": ids[1], "fields": {"stage": "Customer"}},
        {"op": "create", "stream": "contacts", "n": 2},
    ]
    status, _ = call(whautomate, "/_sim/mutate", method="POST", body=ops)
    assert status == 200
    assert whautomate.count("contacts") == 24
    assert victim not in whautomate.ids("contacts")
    listed = page_ids(whautomate, "page=1&limit=100")
    assert listed == [r["id"] for r in whautomate.records("contacts")]
    assert len(listed) == 24


def test_quota_and_burst_bodies(make_whautomate):
    sim = make_whautomate(quota=1)
    assert call(sim, "/v1/contacts")[0] == 200
    assert call(sim, "/v1/contacts") == (429, {"message": "Limit Exceeded"})
    sim = make_whautomate(faults=[{"kind": "429", "rate": 1.0}])
    assert call(sim, "/v1/contacts") == (429, {"message": "Too Many Requests"})


def test_records_are_generated_from_their_index():
    a = WhautomateConfig(seed=3, contacts=5)
    one = list(WhautomateSimulator(a).records("contacts"))
    two = list(WhautomateSimulator(a).records("contacts"))
    assert one == two
    assert len({c["id"] for c in one}) == 5


def test_pages_follow_the_truth_after_changes(whautomate):
    ids = [r["id"] for r in whautomate.records("contacts")]
    for cid in (ids[0], ids[4], ids[5], ids[17], ids[-1]):
        whautomate.delete("contacts", cid)
    whautomate.update("contacts", ids[6], stage="Customer")
    whautomate.create("contacts", 3)
    truth = [r["id"] for r in whautomate.records("contacts")]
    listed = [cid for page in range(1, 8) for cid in page_ids(whautomate, f"page={page}&limit=4")]
    assert listed == truth
    whatsapp = page_ids(whautomate, "page=1&limit=100&channel=whatsapp")
    assert page_ids(whautomate, "page=2&limit=4&channel=whatsapp") == whatsapp[4:8]


def test_a_deep_page_of_a_large_account_is_served_without_walking_to_it():
    with WhautomateSimulator(WhautomateConfig(contacts=1_000_000)) as sim:
        sim.delete("contacts", next(sim.records("contacts"))["id"])
        deep = page_ids(sim, "page=9000&limit=100")
        assert len(deep) == 100
        # positions 899,900-899,999: indexes 899,901-900,000, index 0 being deleted
        expected = sim.data.contacts.walk(after=899_900)
        assert deep == [sim.data.contacts.render(next(expected))["id"] for _ in range(100)]

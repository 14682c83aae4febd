"""The simulator answers as the Leads & CRM document (and its README assumptions) say."""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

if TYPE_CHECKING:
    from epixel_sim import EpixelSimulator


class Client:
    def __init__(self, sim: EpixelSimulator) -> None:
        self.sim = sim
        self.root = sim.url + sim.config.api_prefix
        self.headers = {"apikey": sim.config.api_key}

    def login(self) -> str:
        c = self.sim.config
        r = requests.post(
            self.root + "user/login/",
            headers=self.headers,
            data={"username": c.username, "password": c.password},
            timeout=10,
        )
        assert r.status_code == 200, r.text
        token = r.json()["access"]
        self.headers["Authorization"] = f"Bearer {token}"
        return str(token)

    def get(self, path: str, **params: object) -> requests.Response:
        url = path if path.startswith("http") else self.root + path
        return requests.get(url, headers=self.headers, params=params, timeout=10)

    def post(self, path: str, **form: object) -> requests.Response:
        return requests.post(self.root + path, headers=self.headers, data=form, timeout=10)

    def every(self, path: str, **params: object) -> list[dict]:
        body = self.get(path, **params).json()
        if isinstance(body, list):
            return body
        out = list(body["results"])
        while body["next"]:
            body = self.get(body["next"]).json()
            out += body["results"]
        return out


def test_the_apikey_is_needed_on_every_request_and_the_token_on_every_call(epixel):
    client = Client(epixel)
    assert requests.get(client.root + "leads/list/", timeout=10).status_code == 403
    assert client.get("leads/list/").status_code == 401
    assert client.get("leads/list/").json()["detail"].startswith("Authentication credentials")
    client.login()
    assert client.get("leads/list/").status_code == 200
    client.headers["apikey"] = "wrong"
    assert client.get("leads/list/").status_code == 403


def test_login_refuses_a_wrong_password_and_tokens_expire_by_use_and_by_clock(make_epixel):
    sim = make_epixel(token_ttl_requests=3, token_ttl_seconds=600)
    client = Client(sim)
    bad = requests.post(
        client.root + "user/login/",
        headers=client.headers,
        data={"username": sim.config.username, "password": "nope"},
        timeout=10,
    )
    assert bad.status_code == 401
    client.login()
    assert [client.get("leads/overview/").status_code for _ in range(4)] == [200, 200, 200, 401]
    assert client.get("leads/overview/").json()["code"] == "token_not_valid"
    client.login()
    assert client.get("leads/overview/").status_code == 200
    sim.advance(601)
    assert client.get("leads/overview/").status_code == 401


def test_a_configured_access_token_works_until_expired_and_refuse_tokens_refuses_all(make_epixel):
    sim = make_epixel(access_token="given-token-123")  # noqa: S106 - test values
    client = Client(sim)
    client.headers["Authorization"] = "Bearer given-token-123"
    assert client.get("leads/list/").status_code == 200
    sim.expire_tokens()
    assert client.get("leads/list/").status_code == 401
    refusing = make_epixel(refuse_tokens=True)
    client = Client(refusing)
    client.login()
    assert client.get("leads/list/").status_code == 401


def test_own_and_assigned_lists_overlap_in_the_leads_of_both(epixel):
    client = Client(epixel)
    client.login()
    own = {r["slug"] for r in client.every("leads/list/")}
    assigned = {r["slug"] for r in client.every("leads/list/", list_type="assigned")}
    truth = epixel.leads_truth()
    assert own == {s for s, rel in truth.items() if rel in {"own", "both"}}
    assert assigned == {s for s, rel in truth.items() if rel in {"assigned", "both"}}
    assert own & assigned
    assert own - assigned
    assert assigned - own
    assert client.get("leads/list/", list_type="bogus").status_code == 400


def test_envelope_pages_follow_next_and_plain_lists_come_whole(make_epixel):
    sim = make_epixel()
    client = Client(sim)
    client.login()
    first = client.get("leads/appointments/list/").json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 12
    assert len(first["results"]) == 7
    assert first["next"].startswith(sim.url)
    assert len(client.every("leads/appointments/list/")) == 12
    assert client.get("leads/appointments/list/", page=9).status_code == 404
    sim.config.envelope = False
    plain = client.get("leads/appointments/list/").json()
    assert isinstance(plain, list)
    assert [r["id"] for r in plain] == sorted(sim.ids("appointments"))


def test_switches_make_next_repeat_or_leave_the_host(make_epixel):
    sim = make_epixel(page_size=3, repeat_page=2, next_base="https://elsewhere.example")
    client = Client(sim)
    client.login()
    first = client.get("leads/appointments/list/").json()
    assert first["next"].startswith("https://elsewhere.example/api/v2/")
    second = client.get("leads/appointments/list/", page=2).json()
    assert "page=2" in second["next"]


def test_view_overview_and_writes_follow_the_document(epixel):
    client = Client(epixel)
    client.login()
    slug = next(iter(epixel.leads_truth()))
    assert client.get("leads/view/lead/", slug=slug).json()["slug"] == slug
    assert client.get("leads/view/lead/").status_code == 400
    assert client.get("leads/overview/", appointment="bogus").status_code == 400
    assert client.get("leads/overview/").json() == epixel.overview()
    made = client.post(
        "v1/leads/create/lead/",
        first_name="Ana",
        last_name="Ng",
        email="ana@example.com",
        phone="999999999",
    )
    assert made.status_code == 200, made.text
    new = made.json()["slug"]
    assert epixel.leads_truth()[new] == "own"
    assert client.post("leads/create/lead/", first_name="A").status_code == 400
    assert client.post("leads/delete/lead/", slug=new).status_code == 200
    assert new not in epixel.leads_truth()
    booked = client.post(
        "leads/create/appointment/",
        slug=slug,
        appointment_date="2030-01-01 10:00",
        appointment_to="2030-01-01 11:00",
    )
    assert booked.status_code == 200, booked.text
    assert epixel.count("appointments") == 13
    gone = client.post("leads/delete/appointment/", appointment_id=booked.json()["appointment_id"])
    assert gone.status_code == 200
    assert epixel.count("appointments") == 12


def test_truth_routes_and_a_request_log_without_secrets(epixel):
    client = Client(epixel)
    token = client.login()
    client.get("leads/list/")
    truth = requests.get(epixel.url + "/_sim/truth/leads/slugs", timeout=10).json()
    assert truth == epixel.leads_truth()
    count = requests.get(epixel.url + "/_sim/truth/appointments/count", timeout=10).json()
    assert count == {"count": 12}
    log = str(epixel.requests())
    c = epixel.config
    for secret in (c.api_key, c.password, c.username, token):
        assert secret not in log


def test_the_core_faults_apply(epixel):
    client = Client(epixel)
    client.login()
    epixel.set_faults([{"kind": "500", "rate": 1.0, "path": "/leads/list"}])
    assert client.get("leads/list/").status_code == 500
    assert client.get("leads/overview/").status_code == 200


def test_control_routes_expire_tokens_and_flip_switches(epixel):
    client = Client(epixel)
    client.login()
    assert client.get("leads/overview/").status_code == 200
    mutate = epixel.url + "/_sim/mutate"
    requests.post(mutate, json=[{"op": "expire_tokens"}], timeout=10).raise_for_status()
    assert client.get("leads/overview/").status_code == 401
    client.login()
    ops = [{"op": "set", "field": "envelope", "value": False}]
    requests.post(mutate, json=ops, timeout=10).raise_for_status()
    assert isinstance(client.get("leads/list/").json(), list)
    bad = requests.post(mutate, json=[{"op": "set", "field": "api_key", "value": "x"}], timeout=10)
    assert bad.status_code == 400
    first = next(iter(epixel.ids("leads")))
    gone = [{"op": "delete", "stream": "leads", "id": first}]
    requests.post(mutate, json=gone, timeout=10).raise_for_status()
    assert not [slug for slug in epixel.leads_truth() if slug.endswith(f"-{first}")]

"""The simulator core's server with a toy vendor: log redaction, faults, quota, control routes."""

from __future__ import annotations

import concurrent.futures
import email.utils
import json

import pytest
import requests

from crm_sim import ApiRequest, Clock, IdSpace, Reply, Simulator, Table

SECRET = "toy-secret-key"  # noqa: S105 - a test credential
USER = "toy-user@example.com"


class ToySim(Simulator):
    name = "toy-sim"
    api_prefix = "/api/"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        ids = IdSpace(0, "items")
        self.tables["items"] = Table(
            "items",
            count=12,
            generate=lambda i: {"id": ids.id_of(i), "created_time": 100 + i, "updated_time": 0},
            created=lambda i: 100 + i,
            ids=ids,
            clock=self.clock,
        )

    def authenticate(self, request: ApiRequest) -> bool:
        return request.headers.get("x-token") == SECRET

    def secrets(self) -> tuple[str, ...]:
        return (SECRET, USER)

    redact_headers = frozenset({"x-token"})

    def handle(self, request: ApiRequest) -> Reply:
        if request.path == "items":
            table = self.tables["items"]
            page = table.page("items", cursor=request.params.get("cursor"), size=5)
            return Reply(200, {"items": [table.render(i) for i in page.indexes],
                               "next": page.cursor if page.more else None})  # fmt: skip
        return Reply(404, {"error": "no"})


@pytest.fixture
def toy():
    with ToySim(seed=2) as sim:
        yield sim


def get(sim, path="items", token=SECRET, **params):
    return requests.get(f"{sim.url}/api/{path}", params=params, headers={"X-Token": token},
                        timeout=10)  # fmt: skip


def test_serves_pages_and_refuses_bad_credentials(toy):
    first = get(toy).json()
    second = get(toy, cursor=first["next"]).json()
    assert [r["created_time"] for r in first["items"] + second["items"]] == list(range(100, 110))
    assert get(toy, token="wrong").status_code == 401  # noqa: S106 - a wrong test credential
    assert get(toy, cursor="forged").status_code == 400
    assert requests.get(f"{toy.url}/elsewhere", timeout=10).status_code == 404


def test_request_log_never_holds_secrets(toy):
    get(toy)
    get(toy, token="wrong", email=USER, key=SECRET)  # noqa: S106
    requests.post(f"{toy.url}/api/items/{USER}", data={"k": SECRET, "u": USER}, timeout=10)
    log = toy.requests()
    assert len(log) == 3
    dumped = json.dumps(log)
    assert SECRET not in dumped
    assert USER not in dumped
    assert USER.replace("@", "%40") not in dumped
    assert [e["auth_ok"] for e in log] == [True, False, False]
    assert log[1]["query"] == {"email": "***", "key": "***"}
    assert "x-token" not in log[0]["headers"]


def test_faults_quota_hooks_and_control_routes(toy):
    toy.set_faults([{"kind": "429_retry_after", "nth": [1]}, {"kind": "html", "nth": [2]},
                    {"kind": "truncated", "nth": [3]}, {"kind": "xml", "nth": [4]}])  # fmt: skip
    r1, r2, r3, r4 = (get(toy) for _ in range(4))
    assert (r1.status_code, r1.headers["Retry-After"]) == (429, "1")
    assert r2.status_code == 502
    assert r2.headers["Content-Type"].startswith("text/html")
    with pytest.raises(json.JSONDecodeError):
        json.loads(r3.text)
    assert r4.text.startswith("<?xml")
    assert [e["fault"] for e in toy.requests()] == ["429_retry_after", "html", "truncated", "xml"]
    toy.clear_faults()
    toy.quota = 6
    assert [get(toy).status_code for _ in range(3)] == [200, 200, 429]
    assert get(toy).status_code == 429  # a reached quota stays reached until the next day
    base = toy.url + "/_sim/"
    assert requests.post(base + "new-day", timeout=10).json() == {"ok": True}
    assert get(toy).status_code == 200
    seen: list[int] = []
    toy.after_requests(1, lambda s: seen.append(s.count("items")))
    get(toy)
    assert seen == [12]
    item = next(iter(toy.records("items")))
    ops = [{"op": "update", "stream": "items", "id": item["id"], "fields": {"x": 1}},
           {"op": "create", "stream": "items", "n": 2},
           {"op": "delete", "stream": "items", "id": item["id"]}]  # fmt: skip
    assert requests.post(base + "mutate", json=ops, timeout=10).status_code == 200
    assert requests.get(base + "truth/items/count", timeout=10).json() == {"count": 13}
    ids = requests.get(base + "truth/items/ids", timeout=10).json()
    assert item["id"] not in ids
    assert len(requests.get(base + "truth/items/records", timeout=10).json()) == 13
    assert requests.get(base + "truth/nope/count", timeout=10).status_code == 404
    bad = requests.post(base + "mutate", json={"op": "explode"}, timeout=10)
    assert bad.status_code == 400
    assert requests.post(base + "advance", json={"seconds": 3600}, timeout=10).status_code == 200
    assert toy.clock.offset == 3600
    assert requests.get(base + "faults", timeout=10).json() == []


def test_binds_to_loopback_only():
    with pytest.raises(ValueError, match=r"only binds to 127\.0\.0\.1"):
        ToySim(host="0.0.0.0")  # noqa: S104 - the refusal under test
    assert Clock().offset == 0


def test_latency_is_fixed_or_drawn_from_a_range(toy):
    toy.set_latency((1.0, 3.0))
    for _ in range(5):
        get(toy)
    toy.set_latency(2.0)
    get(toy)
    latencies = [e["latency_ms"] for e in toy.requests()]
    assert all(1.0 <= ms <= 3.0 for ms in latencies[:5])
    assert len(set(latencies[:5])) > 1
    assert latencies[5] == 2.0


def test_a_hold_lets_requests_go_only_once_enough_are_in_flight(toy):
    toy.hold_until_overlap(3, timeout_s=60)
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: get(toy).status_code, range(3)))
    assert answers == [200, 200, 200]
    assert toy.peak_in_flight == 3
    assert requests.get(f"{toy.url}/_sim/in-flight", timeout=10).json() == {"peak": 3}
    toy.clear_requests()
    toy.hold_until_overlap(2, timeout_s=0.05)  # one client alone: held once, then let go
    assert get(toy).status_code == 200
    assert toy.peak_in_flight == 1


def test_an_answer_is_dated_before_the_changes_due_after_it(toy):
    toy.after_requests(1, lambda s: s.advance(30 * 86_400))
    resp = get(toy)
    date = email.utils.parsedate_to_datetime(resp.headers["Date"]).timestamp()
    assert abs(date - (toy.now() - 30 * 86_400)) < 60


def test_a_path_outside_the_api_is_logged_as_sent(toy):
    assert requests.get(f"{toy.url}/elsewhere?a=1", timeout=10).status_code == 404
    assert [e["path"] for e in toy.requests()] == ["/elsewhere"]


class NamedStreamsSim(ToySim):
    def stream_names(self) -> tuple[str, ...]:
        return ("items", "virtual")

    def count(self, stream: str) -> int:
        return 0 if stream == "virtual" else super().count(stream)


def test_the_truth_routes_serve_the_streams_a_vendor_names():
    with NamedStreamsSim(seed=2) as sim:
        base = f"{sim.url}/_sim/truth/"
        assert requests.get(base + "virtual/count", timeout=10).json() == {"count": 0}
        assert requests.get(base + "items/count", timeout=10).json() == {"count": 12}
        assert requests.get(base + "nope/count", timeout=10).status_code == 404

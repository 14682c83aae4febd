"""What the vendor simulators share through crm_sim: account configs, routes, fault bodies, CLI."""

from __future__ import annotations

import dataclasses
import json

import pytest
import requests

import crm_sim.cli
from activecampaign_sim import ACConfig
from activecampaign_sim import cli as ac_cli
from agilecrm_sim import AgileConfig
from agilecrm_sim import cli as agile_cli
from crm_sim import IdSpace, Table
from crm_sim.account import AccountSimulator, compile_routes
from crm_sim.config import AccountConfig
from crm_sim.server import Reply
from epixel_sim import EpixelConfig
from epixel_sim import cli as epixel_cli
from whautomate_sim import WhautomateConfig
from whautomate_sim import cli as whautomate_cli

KEY = "toy-account-key"


@dataclasses.dataclass
class ToyConfig(AccountConfig):
    count_fields = ("items",)
    presets = {"demo": {}, "tiny": {"items": 2}}  # noqa: RUF012 - a class constant

    api_key: str = KEY
    items: int = 5


class ToyData:
    def __init__(self, config: ToyConfig, clock) -> None:
        ids = IdSpace(0, "items")
        self.tables = {"items": Table(
            "items", count=config.items, generate=lambda i: {"id": ids.id_of(i)},
            created=lambda i: 100 + i, ids=ids, clock=clock,
        )}  # fmt: skip


class ToySim(AccountSimulator[ToyConfig, ToyData]):
    config_class = ToyConfig
    data_class = ToyData
    fault_bodies = {"quota": (403, {"why": "quota"}), "429": (429, {"why": "slow down"})}  # noqa: RUF012
    retry_after_kinds = frozenset({"quota"})
    key_header = "x-key"
    refusal = (403, {"why": "key"})

    def __init__(self, config=None) -> None:
        super().__init__(config)
        self.routes = compile_routes([("GET", r"items/(\d+)/?", self._item)])

    def handle(self, request):
        route = self.route(request)
        return route(request) if route else Reply(404, {"error": "no route"})

    def _item(self, _request, item_id):
        return Reply(200, {"item": item_id, "count": self.count("items")})

    def control_routes(self):
        return {("GET", "truth/toy"): lambda: {"items": self.count("items")}}


def get(sim, path, key=KEY):
    return requests.get(f"{sim.url}/api/{path}", headers={"X-Key": key}, timeout=10)


def test_an_account_builds_its_tables_routes_and_vendor_control_routes():
    with ToySim(ToyConfig.preset("tiny", seed=3)) as sim:
        assert sim.config.seed == 3
        assert sim.count("items") == 2
        assert get(sim, "items/7").json() == {"item": "7", "count": 2}
        assert get(sim, "items/x").status_code == 404
        refused = get(sim, "items/7", key="wrong")
        assert (refused.status_code, refused.json()) == (403, {"why": "key"})
        assert KEY not in json.dumps(sim.requests())
        truth = requests.get(f"{sim.url}/_sim/truth/toy", timeout=10)
        assert truth.json() == {"items": 2}
        core = requests.get(f"{sim.url}/_sim/truth/items/count", timeout=10)
        assert core.json() == {"count": 2}  # the core's routes still answer


def test_fault_bodies_replace_the_cores_with_retry_after_where_named():
    with ToySim() as sim:
        assert sim.config == ToyConfig()
        sim.set_faults([{"kind": "429", "rate": 1.0}])
        slow = get(sim, "items/1")
        assert (slow.status_code, slow.json()) == (429, {"why": "slow down"})
        assert "Retry-After" not in slow.headers
        sim.set_faults([{"kind": "503", "rate": 1.0}])
        assert get(sim, "items/1").status_code == 503  # not listed: the core's reply
        sim.set_faults([{"kind": "quota", "rate": 1.0}])
        quota = get(sim, "items/1")
        assert (quota.status_code, quota.json()) == (403, {"why": "quota"})
        assert quota.headers["Retry-After"] == "1"


def test_account_configs_check_counts_page_sizes_and_presets():
    with pytest.raises(ValueError, match="items must be >= 0"):
        ToyConfig(items=-1)
    with pytest.raises(ValueError, match="unknown preset 'huge'"):
        ToyConfig.preset("huge")
    with pytest.raises(ValueError, match="default_limit must be between 1 and max_limit"):
        WhautomateConfig(default_limit=0)


@pytest.mark.parametrize(
    ("main", "argv", "expected"),
    [
        (agile_cli.main,
         ["--preset", "tiny", "--contacts", "7", "--email", "x@y.z", "--api-key", "K",
          "--page-size", "9", "--repeat-cursor-page", "3", "--latency-ms", "1,2", "--seed", "4"],
         AgileConfig(**{**AgileConfig.presets["tiny"], "contacts": 7, "email": "x@y.z",
                        "api_key": "K", "default_page_size": 9, "repeat_cursor_page": 3,
                        "latency": (1.0, 2.0), "seed": 4})),
        (ac_cli.main, ["--rate-limit", "0", "--timezone", "UTC", "--deals", "3", "--quota", "5"],
         ACConfig(rate_limit=None, timezone="UTC", deals=3, quota=5)),
        (ac_cli.main, [], ACConfig()),
        (whautomate_cli.main,
         ["--first-page", "0", "--page-zero", "error", "--locations", "4",
          "--past-end", "repeat_last"],
         WhautomateConfig(first_page=0, page_zero="error", locations=4, past_end="repeat_last")),
        (epixel_cli.main, ["--preset", "tiny", "--plain", "--leads", "2"],
         EpixelConfig(**{**EpixelConfig.presets["tiny"], "leads": 2, "envelope": False})),
        (epixel_cli.main, ["--page-size", "11", "--access-token", "T", "--timeout-s", "2"],
         EpixelConfig(page_size=11, access_token="T", timeout_s=2.0)),  # noqa: S106 - a test token
    ],
)  # fmt: skip
def test_each_command_serves_the_account_its_options_describe(monkeypatch, main, argv, expected):
    served = []
    monkeypatch.setattr(crm_sim.cli, "serve", lambda sim, _port_file: served.append(sim) or 0)
    assert main(argv) == 0
    (sim,) = served
    assert sim.config == expected
    assert (sim.host, sim.port) == ("127.0.0.1", 0)

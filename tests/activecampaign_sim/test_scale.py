"""A million contacts in flat memory, and the command line."""

from __future__ import annotations

import datetime as dt
import json
import signal
import urllib.request

from activecampaign_sim import ACConfig, ACSimulator
from tests.activecampaign_sim.helpers import call
from tests.harness.scale import flat_memory, simulator_cli


def test_million_contacts_flat_memory():
    with flat_memory():
        config = ACConfig(seed=11, contacts=1_000_000, rate_limit=None)
        with ACSimulator(config) as sim:
            first = call(sim, "contacts", {"limit": 100}).json()
            assert first["meta"]["total"] == "1000000"
            mid = call(sim, "contacts", {"limit": 100, "offset": 500_000}).json()["contacts"]
            assert sim.tables["contacts"].index_for(mid[0]["id"]) == 500_000 + 500_000 // 9
            by_id = call(sim, "contacts", {"id_greater": 1_100_000, "limit": 100}).json()
            assert by_id["meta"]["total"] == str(1_111_111 - 1_100_000 - 1_111)
            sim.update("contacts", mid[50]["id"], lastName="Moved")
            sim.insert_low("contacts", 3)
            end = call(sim, "contacts", {"limit": 100, "offset": 999_950}).json()
            assert len(end["contacts"]) == 53
            since = dt.datetime.fromtimestamp(config.anchor - 3 * 86_400, dt.UTC).isoformat()
            changed = call(sim, "contacts", {"filters[updated_after]": since, "limit": 100})
            found = {c["id"] for c in changed.json()["contacts"]}
            assert mid[50]["id"] in found
            # A first sync from a start date, by id: counted without walking the account.
            old = {"filters[updated_after]": "2020-06-01T00:00:00Z", "id_greater": 900_000}
            page = call(sim, "contacts", {**old, "limit": 100}).json()
            assert int(page["contacts"][0]["id"]) == 900_001
            assert page["meta"]["total"] == str(211_111 - 21_111)  # ids above 900000, no holes
            values = call(sim, "fieldValues", {"limit": 100, "offset": 5_000_000}).json()
            assert len(values["fieldValues"]) == 100
            assert sim.count("contacts") == 1_000_003


def test_cli_serves_and_stops_on_sigterm(tmp_path):
    args = ("--preset", "tiny", "--seed", "5", "--api-token", "tok")
    with simulator_cli("activecampaign_sim", tmp_path / "url", *args) as (proc, url):
        req = urllib.request.Request(  # noqa: S310 - loopback http
            url + "/api/3/contacts?limit=100", headers={"Api-Token": "tok"}
        )
        with urllib.request.urlopen(req, timeout=5) as resp:  # noqa: S310 - loopback http
            assert len(json.loads(resp.read())["contacts"]) == 25
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0

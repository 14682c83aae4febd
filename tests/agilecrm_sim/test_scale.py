"""A million contacts in flat memory, and the command line."""

from __future__ import annotations

import base64
import json
import signal
import urllib.request

from agilecrm_sim import AgileConfig, AgileSimulator
from tests.agilecrm_sim.helpers import call
from tests.harness.scale import flat_memory, simulator_cli


def test_million_contacts_flat_memory():
    with flat_memory(), AgileSimulator(AgileConfig(seed=11, contacts=1_000_000)) as sim:
        table = sim.tables["contacts"]
        first = call(sim, "contacts", {"page_size": 100}).json()
        assert len(first) == 100
        assert first[0]["count"] == 1_000_000
        nxt = call(sim, "contacts", {"page_size": 100, "cursor": first[-1]["cursor"]})
        assert table.index_for(nxt.json()[0]["id"]) == 100
        middle = table.make_cursor("contacts", 499_999, 2)
        mid = call(sim, "contacts", {"page_size": 100, "cursor": middle}).json()
        assert table.index_for(mid[0]["id"]) == 500_000
        sim.update("contacts", mid[50]["id"], lead_score=1)
        last = table.make_cursor("contacts", 999_949, 3)
        end = call(sim, "contacts", {"page_size": 50, "cursor": last}).json()
        assert table.index_for(end[-1]["id"]) == 999_999
        after = call(sim, "contacts", {"page_size": 50, "cursor": end[-1]["cursor"]})
        assert after.status_code == 204
        # The dynamic filter walks only the records that can match, and finds the update.
        since = (sim.config.anchor - 3 * 86_400) * 1000
        rules = [{"LHS": f, "CONDITION": "AFTER", "RHS": since}
                 for f in ("updated_time", "created_time")]  # fmt: skip
        form = {"page_size": 50, "global_sort_key": "-created_time",
                "filterJson": json.dumps({"rules": [], "or_rules": rules})}  # fmt: skip
        changed = call(sim, "filters/filter/dynamic-filter", data=form)
        assert changed.status_code == 200
        assert mid[50]["id"] in {r["id"] for r in changed.json()}
        assert sim.count("contacts") == 1_000_000


def test_cli_serves_and_stops_on_sigterm(tmp_path):
    args = ("--preset", "tiny", "--seed", "5", "--api-key", "k", "--email", "me@example.com")
    with simulator_cli("agilecrm_sim", tmp_path / "url", *args) as (proc, url):
        token = base64.b64encode(b"me@example.com:k").decode()
        req = urllib.request.Request(  # noqa: S310 - loopback http
            url + "/dev/api/contacts?page_size=100",
            headers={"Authorization": f"Basic {token}", "Accept": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=5) as resp:  # noqa: S310 - loopback http
            assert len(json.loads(resp.read())) == 25
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0

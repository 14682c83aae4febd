"""No row lost at the edges: one record, page and batch boundaries, tens of thousands."""

from __future__ import annotations

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.e2e.pipeline import catalog_selecting, run_pipeline, table_ids

SMALL = {
    "companies": 1,
    "tracks": 2,
    "deals_per_track": 1,
    "tasks": 1,
    "tickets": 1,
    "products": 1,
    "events": 1,
}


@pytest.mark.parametrize("contacts", [1, 99, 100, 101, 200])
def test_contacts_at_page_and_batch_boundaries(tmp_path, contacts):
    with Simulator(SimConfig(seed=contacts, contacts=contacts, **SMALL)) as sim:
        catalog = catalog_selecting(sim.url, sim.config.api_key, {"contacts", "notes"})
        run = run_pipeline(
            tmp_path,
            sim.url,
            api_key=sim.config.api_key,
            catalog=catalog,
            tap_config={"page_size": 100},
            target_config={"batch_size_rows": 100},
        )
        assert run.tap_rc == 0, run.tap_stderr[-2000:]
        assert run.target_rc == 0, run.target_stderr[-2000:]
        for stream in ("contacts", "notes"):
            rows, ids = table_ids(run.database, stream)
            assert rows == len(ids) == sim.count(stream), stream
            assert ids == sim.ids(stream), stream


def test_tens_of_thousands_of_contacts(tmp_path):
    with Simulator(SimConfig(seed=9, contacts=30_000, **SMALL)) as sim:
        catalog = catalog_selecting(sim.url, sim.config.api_key, {"contacts"})
        run = run_pipeline(tmp_path, sim.url, api_key=sim.config.api_key, catalog=catalog)
        assert run.tap_rc == 0, run.tap_stderr[-2000:]
        assert run.target_rc == 0, run.target_stderr[-2000:]
        rows, ids = table_ids(run.database, "contacts")
        assert rows == len(ids) == 30_000
        assert ids == sim.ids("contacts")

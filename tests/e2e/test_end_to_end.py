"""The tap and the DuckDB loader together, as Meltano runs them, against the simulator."""

from __future__ import annotations

import pytest

from engagebay_sim import SimConfig, Simulator
from tests.e2e.pipeline import STREAMS_WITH_IDS, query, run_pipeline, table_ids


@pytest.fixture(scope="module")
def account():
    config = SimConfig(
        seed=7,
        contacts=230,
        companies=120,
        tracks=3,
        deals_per_track=101,
        tasks=150,
        tickets=99,
        products=40,
        events=120,
    )
    with Simulator(config) as sim:
        yield sim


@pytest.fixture(scope="module")
def full_run(account, tmp_path_factory):
    return run_pipeline(
        tmp_path_factory.mktemp("full"), account.url, api_key=account.config.api_key
    )


def test_the_run_succeeds(full_run):
    assert full_run.tap_rc == 0, full_run.tap_stderr[-3000:]
    assert full_run.target_rc == 0, full_run.target_stderr[-3000:]


@pytest.mark.parametrize("stream", STREAMS_WITH_IDS)
def test_every_record_lands_exactly_once(full_run, account, stream):
    rows, ids = table_ids(full_run.database, stream)
    truth = {int(i) for i in account.ids(stream)}
    assert rows == len(ids), f"{stream}: {rows} rows for {len(ids)} distinct ids"
    assert ids == truth


def test_tags_land_by_name(full_run, account):
    rows, tags = table_ids(full_run.database, "tags", key="tag")
    assert rows == len(tags) == account.count("tags")


def test_deals_of_every_track_arrive(full_run, account):
    tracks = {
        row[0] for row in query(full_run.database, "SELECT DISTINCT track_id FROM engagebay.deals")
    }
    assert tracks == {int(i) for i in account.ids("tracks")}
    assert len(tracks) == 3
    deal_requests = account.requests("/dev/api/panel/deals")
    assert {str(r["form"].get("track_id")) for r in deal_requests} == {str(i) for i in tracks}


def test_every_request_carried_the_key_and_asked_for_json(full_run, account):
    requests = account.requests("/dev/api/panel")
    assert requests
    for request in requests:
        assert request["auth_ok"] is True, request
        assert "application/json" in request["headers"].get("accept", ""), request


def test_ids_are_exact_bigints(full_run, account):
    [(kind,)] = query(
        full_run.database,
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_schema = 'engagebay' AND table_name = 'contacts' AND column_name = 'id'",
    )
    assert kind == "BIGINT"
    [(biggest,)] = query(full_run.database, "SELECT max(id) FROM engagebay.contacts")
    assert biggest == max(int(i) for i in account.ids("contacts"))

"""The full pass's ACTIVATE_VERSION for notes and call logs: only when every list was read."""

from __future__ import annotations

import typing as t

import pytest

from crm_core.errors import NotFoundError
from tap_engagebay.streams import NotesStream
from tap_engagebay.tap import TapEngageBay


def full_pass(simulator, monkeypatch, **streams_failed: BaseException) -> dict[str, list[t.Any]]:
    """Run a full pass in this process; the messages written, by type."""
    tap = TapEngageBay(
        config={
            "api_key": simulator.config.api_key,
            "api_url": simulator.url,
            "reconcile": True,
            "max_concurrent_requests": 1,
            "start_date": "2019-01-01",
            "events_window_days": 3650,
        }
    )
    for name, failure in streams_failed.items():
        tap.streams[name].failure = failure  # type: ignore[attr-defined]
    written: dict[str, list[t.Any]] = {}
    monkeypatch.setattr(
        tap, "write_message", lambda m: written.setdefault(m.type, []).append(m.to_dict())
    )
    tap.sync_all()
    tap.finish_sync()
    return written


@pytest.fixture
def simulator(make_simulator):
    """A tiny account: six contacts."""
    return make_simulator(contacts=6, companies=2, deals_per_track=2, events=3)


def activated(written: dict[str, list[t.Any]]) -> set[str]:
    return {m["stream"] for m in written.get("ACTIVATE_VERSION", [])}


def test_a_contact_whose_notes_could_not_be_read_keeps_every_note(simulator, monkeypatch):
    lost = str(min(simulator.ids("contacts")))
    read = NotesStream.iter_pages

    def iter_pages(self, context, **kwargs):
        if str(context["contact_id"]) == lost:
            msg = "EngageBay answered 404 Not Found for GET /dev/api/panel/notes"
            raise NotFoundError(msg)
        return read(self, context, **kwargs)

    monkeypatch.setattr(NotesStream, "iter_pages", iter_pages)
    written = full_pass(simulator, monkeypatch)
    assert {"contacts", "call_logs", "companies"} <= activated(written)
    assert "notes" not in activated(written)


@pytest.mark.parametrize("failed", ["notes", "call_logs"])
def test_a_child_stream_that_failed_gets_no_activate_version(simulator, monkeypatch, failed):
    written = full_pass(simulator, monkeypatch, **{failed: RuntimeError("one contact's list")})
    other = {"notes", "call_logs"} - {failed}
    assert {"contacts", *other} <= activated(written)
    assert failed not in activated(written)

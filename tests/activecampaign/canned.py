"""A canned ActiveCampaign account answered in-process (no socket): requests' adapter is replaced.

``Canned`` holds a few records per endpoint and answers the documented list parameters
(``limit``, ``offset``, ``orders[id]``, ``id_greater``, ``filters[updated_after]``,
``filters[created_after]``) the plain way; tests add faults with ``fail``. It is a fixture for
the tap's unit tests, not a simulator: the end-to-end tests use ``activecampaign_sim``.
"""

from __future__ import annotations

import datetime as dt
import json
import typing as t
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlparse

import requests

from tap_activecampaign.tap import TapActiveCampaign

URL = "http://127.0.0.1:9"
TOKEN = "canned-secret-token-123"  # noqa: S105 - a test value
CHICAGO = dt.timezone(dt.timedelta(hours=-6))


def at(day: int, hour: int = 12) -> str:
    """A time in the account's zone (Chicago, -06:00), as the API writes it."""
    return dt.datetime(2025, 1, day, hour, tzinfo=CHICAGO).isoformat()


@dataclass
class Canned:
    tables: dict[str, list[dict[str, t.Any]]] = field(default_factory=dict)
    log: list[tuple[str, dict[str, t.Any]]] = field(default_factory=list)
    faults: list[tuple[str, int, str, dict[str, str]]] = field(default_factory=list)
    date: str = "Fri, 03 Jan 2025 00:00:00 GMT"

    def fail(self, path: str, status: int, body: str, headers: dict[str, str] | None = None):
        """The next request to ``path`` gets this answer (queued, one per call)."""
        self.faults.append((path, status, body, headers or {}))

    def requests(self, path: str) -> list[dict[str, t.Any]]:
        return [params for p, params in self.log if p == path]

    def answer(self, request: requests.PreparedRequest) -> requests.Response:
        parsed = urlparse(request.url)
        path = parsed.path.removeprefix("/api/3")
        params: dict[str, t.Any] = {}
        for k, v in parse_qsl(parsed.query):
            params.setdefault(k, []).append(v) if k.endswith("[]") else params.__setitem__(k, v)
        self.log.append((path, params))
        for i, (fpath, status, body, headers) in enumerate(self.faults):
            if fpath == path:
                del self.faults[i]
                return self._response(request, status, body, headers)
        if request.headers.get("Api-Token") != TOKEN:
            return self._response(
                request, 403, '{"message": "No Result found for Subscriber with id 0"}'
            )
        parts = path.strip("/").split("/")
        key = parts[0]
        if key not in self.tables:
            return self._response(request, 404, '{"message": "No Result found"}')
        rows = self.tables[key]
        if len(parts) == 2:
            one = [r for r in rows if str(r["id"]) == parts[1]]
            if not one:
                return self._response(request, 404, '{"message": "No Result found"}')
            return self._response(request, 200, json.dumps({key.rstrip("s"): one[0]}))
        rows = self._filter(rows, params)
        offset, limit = int(params.get("offset", 0)), min(100, int(params.get("limit", 20)))
        page = rows[offset : offset + limit]
        body = {key: page, "meta": {"total": str(len(rows))}}
        return self._response(request, 200, json.dumps(body))

    @staticmethod
    def _filter(rows, params):
        def seconds(text):
            return dt.datetime.fromisoformat(text).timestamp()

        out = list(rows)
        if "id_greater" in params:
            out = [r for r in out if int(r["id"]) > int(params["id_greater"])]
        if "filters[updated_after]" in params:
            since = seconds(params["filters[updated_after]"])
            out = [r for r in out if r.get("udate") and seconds(r["udate"]) >= since]
        if "filters[created_after]" in params:
            since = seconds(params["filters[created_after]"])
            out = [r for r in out if seconds(r["cdate"]) >= since]
        if params.get("orders[id]") == "ASC":
            out.sort(key=lambda r: int(r["id"]))
        return out

    def _response(self, request, status, body, headers=None):
        response = requests.Response()
        response.status_code = status
        response._content = body.encode()
        response.headers.update({"Date": self.date, "Content-Type": "application/json"})
        response.headers.update(headers or {})
        response.url = request.url
        response.request = request
        return response


def install(monkeypatch, canned: Canned) -> None:
    def send(self, request, **kwargs):
        return canned.answer(request)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)


@dataclass
class Result:
    messages: list[dict[str, t.Any]]
    tap: TapActiveCampaign

    def records(self, stream: str) -> list[dict[str, t.Any]]:
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    @property
    def state(self) -> dict[str, t.Any]:
        return [m["value"] for m in self.messages if m["type"] == "STATE"][-1]


def config(**extra: t.Any) -> dict[str, t.Any]:
    return {
        "api_url": URL,
        "api_token": TOKEN,
        "retry_wait_base": 0.001,
        "requests_per_second": 100,
        "page_size": 2,
        **extra,
    }


def sync(
    monkeypatch,
    canned: Canned,
    *,
    streams: t.Iterable[str],
    state: dict[str, t.Any] | None = None,
    **extra: t.Any,
) -> Result:
    """Run the tap in-process on the selected streams; its messages, parsed."""
    install(monkeypatch, canned)
    tap = TapActiveCampaign(config=config(**extra), state=state or {})
    wanted = set(streams)
    for name, stream in tap.streams.items():
        stream.selected = name in wanted
    lines: list[dict[str, t.Any]] = []

    def capture(message):
        lines.append(json.loads(json.dumps(message.to_dict(), default=str)))

    monkeypatch.setattr(tap.message_writer, "write_message", capture)
    try:
        tap.sync_all()
    finally:
        tap.run_control.shutdown()
    return Result(lines, tap)

"""HTTP helpers for the Agile CRM simulator tests."""

from __future__ import annotations

import typing as t

import requests

if t.TYPE_CHECKING:
    from agilecrm_sim import AgileSimulator

EMAIL = "admin@sim.example.com"
KEY = "sim-agile-key"
AUTH = (EMAIL, KEY)
SMALL = {
    "seed": 5,
    "contacts": 40,
    "companies": 13,
    "tracks": 3,
    "deals_per_track": 9,
    "tasks": 17,
    "events": 20,
    "campaigns": 6,
    "tickets": 15,
    "owners": 3,
}


def call(  # noqa: PLR0913 - a thin wrapper over requests.request
    sim: AgileSimulator,
    path: str,
    params: dict[str, t.Any] | None = None,
    *,
    data: dict[str, t.Any] | None = None,
    method: str | None = None,
    auth: tuple[str, str] | None = AUTH,
    accept: str | None = "application/json",
    timeout: float = 10,
) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.request(
        method or ("POST" if data is not None else "GET"),
        f"{sim.url}/dev/api/{path}",
        params=params,
        data=data,
        auth=auth,
        headers=headers,
        timeout=timeout,
    )


def read_all(
    sim: AgileSimulator,
    path: str,
    params: dict[str, t.Any] | None = None,
    *,
    form: bool = False,
    size: int = 7,
) -> list[list[dict[str, t.Any]]]:
    """Follow cursors until a page has none or the API answers 204; returns the pages."""
    pages: list[list[dict[str, t.Any]]] = []
    cursor = None
    for _ in range(10_000):
        args = {**(params or {}), "page_size": size}
        if cursor:
            args["cursor"] = cursor
        resp = call(sim, path, data=args) if form else call(sim, path, args)
        if resp.status_code == 204:
            return pages
        assert resp.status_code == 200, resp.text
        page = resp.json()
        pages.append(page)
        cursor = page[-1].get("cursor")
        if not cursor:
            return pages
    msg = "no end of list"
    raise AssertionError(msg)


def ids_of(pages: list[list[dict[str, t.Any]]]) -> list[int]:
    return [int(r["id"]) for page in pages for r in page]

"""Small HTTP helpers for the simulator tests."""

from __future__ import annotations

import typing as t

import requests

if t.TYPE_CHECKING:
    from engagebay_sim import Simulator

JSON = {"Accept": "application/json"}


def call(  # noqa: PLR0913 - a thin wrapper over requests.request
    sim: Simulator,
    path: str,
    data: dict[str, t.Any] | None = None,
    *,
    method: str | None = None,
    key: str | None = "sim-key",
    accept: str | None = "application/json",
    params: dict[str, t.Any] | None = None,
    json_body: t.Any = None,
    timeout: float = 10,
) -> requests.Response:
    headers = {}
    if key is not None:
        headers["Authorization"] = key
    if accept is not None:
        headers["Accept"] = accept
    method = method or ("POST" if data is not None else "GET")
    return requests.request(
        method,
        f"{sim.url}/dev/api/panel/{path}",
        data=data,
        params=params,
        json=json_body,
        headers=headers,
        timeout=timeout,
    )


def page_all(
    sim: Simulator, path: str, *, sort_key: str = "created_time", size: int = 7, **extra: t.Any
) -> list[list[dict[str, t.Any]]]:
    """Follow cursors to the end; returns the pages."""
    pages: list[list[dict[str, t.Any]]] = []
    cursor = None
    for _ in range(10_000):
        form = {"page_size": size, "sort_key": sort_key, **extra}
        if cursor:
            form["cursor"] = cursor
        if path in {"notes", "call-logs"}:
            resp = call(sim, path, params=form)
        else:
            resp = call(sim, path, form)
        assert resp.status_code == 200, resp.text
        page = resp.json()
        pages.append(page)
        cursor = page[-1].get("cursor") if page else None
        if not cursor:
            return pages
    msg = "no end of list"
    raise AssertionError(msg)

"""HTTP helpers for the ActiveCampaign simulator tests."""

from __future__ import annotations

import typing as t

import requests

if t.TYPE_CHECKING:
    from activecampaign_sim import ACSimulator

TOKEN = "sim-ac-token"  # noqa: S105 - the simulator's default token
SMALL: dict[str, t.Any] = {
    "seed": 5,
    "contacts": 40,
    "accounts": 12,
    "deals": 18,
    "deal_groups": 2,
    "stages_per_group": 3,
    "users": 3,
    "groups": 2,
    "lists": 4,
    "tags": 6,
    "automations": 3,
    "campaigns": 5,
    "messages": 6,
    "forms": 2,
    "segments": 2,
    "ecom_customers": 9,
    "rate_limit": None,
}


def call(
    sim: ACSimulator,
    path: str,
    params: dict[str, t.Any] | None = None,
    *,
    token: str | None = TOKEN,
    timeout: float = 10,
) -> requests.Response:
    headers = {"Api-Token": token} if token is not None else {}
    return requests.get(f"{sim.url}/api/3/{path}", params=params, headers=headers,
                        timeout=timeout)  # fmt: skip


def read_all(
    sim: ACSimulator, path: str, params: dict[str, t.Any] | None = None, *, size: int = 7
) -> list[dict[str, t.Any]]:
    """Page by offset until a page comes back short; returns the bodies (key: the path)."""
    bodies: list[dict[str, t.Any]] = []
    offset = 0
    for _ in range(10_000):
        resp = call(sim, path, {**(params or {}), "limit": size, "offset": offset})
        assert resp.status_code == 200, resp.text
        body = resp.json()
        bodies.append(body)
        if len(body[path]) < size:
            return bodies
        offset += size
    msg = "no end of list"
    raise AssertionError(msg)


def ids_in(bodies: list[dict[str, t.Any]], key: str) -> list[int]:
    return [int(r["id"]) for body in bodies for r in body[key]]

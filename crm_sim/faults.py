"""Fault injection: rules that pick which API requests fail, and how.

A rule is a dict::

    {"kind": "429", "rate": 0.15}              # each matching request with probability 0.15
    {"kind": "500", "nth": [3, 7]}             # the 3rd and 7th matching API requests
    {"kind": "slow", "rate": 1.0, "delay_ms": 300, "path": "subscribers", "times": 2}
    {"kind": "404", "rate": 1.0, "path": "/forms"}  # an endpoint the account's plan lacks

``path`` is a substring filter on the request path, ``times`` caps how often the rule fires.
Draws are deterministic: a hash of (seed, rule number, matching-request number).
Extra parameters: ``delay_ms`` (slow), ``status`` (html: 502 by default, or 200).
"""

from __future__ import annotations

import dataclasses
import threading
import typing as t

from crm_sim.text import h64

KINDS = (
    "429",
    "429_retry_after",
    "500",
    "502",
    "503",
    "403",
    "404",
    "timeout",
    "slow",
    "truncated",
    "error_200",
    "html",
    "xml",
    "quota",
    "invalid_cursor",
)


@dataclasses.dataclass
class Rule:
    """One parsed fault rule and its counters."""

    kind: str
    rate: float = 0.0
    nth: frozenset[int] = frozenset()
    path: str | None = None
    times: int | None = None
    params: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    seen: int = 0
    fired: int = 0

    @classmethod
    def parse(cls, raw: dict[str, t.Any]) -> Rule:
        """Validate and parse a rule dict.

        Args:
            raw: The rule.

        Returns:
            The rule.

        Raises:
            ValueError: On an unknown kind or a rule that can never fire.
        """
        kind = str(raw.get("kind"))
        if kind not in KINDS:
            msg = f"unknown fault kind {kind!r}; kinds: {', '.join(KINDS)}"
            raise ValueError(msg)
        rate = float(raw.get("rate", 0.0))
        nth = frozenset(int(n) for n in raw.get("nth", ()))
        if not 0.0 <= rate <= 1.0 or (not rate and not nth):
            msg = f"fault rule {raw!r} needs a rate in (0, 1] or an nth list"
            raise ValueError(msg)
        times = raw.get("times")
        known = {"kind", "rate", "nth", "path", "times"}
        return cls(
            kind=kind,
            rate=rate,
            nth=nth,
            path=raw.get("path"),
            times=None if times is None else int(times),
            params={k: v for k, v in raw.items() if k not in known},
        )

    def as_dict(self) -> dict[str, t.Any]:
        """The rule as given, plus its counters.

        Returns:
            A JSON-ready dict.
        """
        out: dict[str, t.Any] = {"kind": self.kind, **self.params}
        if self.rate:
            out["rate"] = self.rate
        if self.nth:
            out["nth"] = sorted(self.nth)
        if self.path is not None:
            out["path"] = self.path
        if self.times is not None:
            out["times"] = self.times
        return {**out, "seen": self.seen, "fired": self.fired}


class Faults:
    """The active rules; ``pick`` is called once per API request."""

    def __init__(self, seed: int, rules: t.Iterable[dict[str, t.Any]] = ()) -> None:
        """Parse the rules.

        Args:
            seed: The account seed (fixes the draws).
            rules: Rule dicts.
        """
        self.seed = seed
        self._lock = threading.Lock()
        self.rules = [Rule.parse(r) for r in rules]

    def set(self, rules: t.Iterable[dict[str, t.Any]]) -> None:
        """Replace the rules (counters restart).

        Args:
            rules: Rule dicts.
        """
        parsed = [Rule.parse(r) for r in rules]
        with self._lock:
            self.rules = parsed

    def pick(self, path: str) -> Rule | None:
        """Decide the fault for one API request; every matching rule counts it.

        Args:
            path: The request path.

        Returns:
            The first rule that fires, or None.
        """
        chosen: Rule | None = None
        with self._lock:
            for number, rule in enumerate(self.rules):
                if rule.path is not None and rule.path not in path:
                    continue
                rule.seen += 1
                if chosen is not None or (rule.times is not None and rule.fired >= rule.times):
                    continue
                hit = rule.seen in rule.nth
                if not hit and rule.rate:
                    draw = h64(self.seed, "fault", number, rule.kind, rule.seen) / 2**64
                    hit = draw < rule.rate
                if hit:
                    rule.fired += 1
                    chosen = rule
        return chosen

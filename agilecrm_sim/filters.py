"""The dynamic filter: ``filterJson`` rules (AND-ed) and ``or_rules`` (OR-ed).

Rules on ``created_time``/``updated_time`` take milliseconds although records carry seconds.
A record that was never updated (``updated_time`` 0) matches no ``updated_time`` rule.
"""

from __future__ import annotations

import dataclasses
import json
import typing as t

from agilecrm_sim.data import MAX_UPDATE_DELAY

if t.TYPE_CHECKING:
    from crm_sim.table import Record

DAY_MS = 86_400_000
TIME_FIELDS = ("created_time", "updated_time")
TIME_CONDITIONS = ("AFTER", "BEFORE", "ON", "BETWEEN", "LAST")
VALUE_CONDITIONS = ("EQUALS", "NOTEQUALS")
CONTACT_TYPES = {"PERSON": "contacts", "COMPANY": "companies", "OPPORTUNITY": "deals"}


class FilterError(ValueError):
    """A ``filterJson`` the simulator cannot read."""


@dataclasses.dataclass(frozen=True)
class Rule:
    """One rule: ``LHS CONDITION RHS [RHS_NEW]``."""

    lhs: str
    condition: str
    rhs: str
    rhs_new: str = ""

    @classmethod
    def parse(cls, raw: object) -> Rule:
        """Validate a rule object.

        Args:
            raw: The decoded rule.

        Returns:
            The rule.

        Raises:
            FilterError: On a rule without LHS/CONDITION or with an unknown condition.
        """
        if not isinstance(raw, dict) or "LHS" not in raw or "CONDITION" not in raw:
            msg = f"a rule needs LHS and CONDITION: {raw!r}"
            raise FilterError(msg)
        rule = cls(str(raw["LHS"]), str(raw["CONDITION"]), str(raw.get("RHS", "")),
                   str(raw.get("RHS_NEW", "")))  # fmt: skip
        allowed = TIME_CONDITIONS if rule.lhs in TIME_FIELDS else VALUE_CONDITIONS
        if rule.condition not in allowed:
            msg = f"condition {rule.condition!r} is not supported on {rule.lhs!r}"
            raise FilterError(msg)
        if rule.lhs in TIME_FIELDS:
            try:
                int(rule.rhs)
                int(rule.rhs_new or 0)
            except ValueError:
                msg = f"{rule.lhs} rules take epoch milliseconds, not {rule.rhs!r}"
                raise FilterError(msg) from None
        return rule

    def window_ms(self, now_ms: int) -> tuple[int, int]:
        """The inclusive time window a time rule accepts.

        Args:
            now_ms: The clock's now (for LAST).

        Returns:
            ``(lo, hi)`` epoch milliseconds.
        """
        rhs = int(self.rhs)
        if self.condition == "AFTER":
            return rhs + 1, 2**63
        if self.condition == "BEFORE":
            return 1, rhs - 1
        if self.condition == "ON":
            day = rhs - rhs % DAY_MS
            return day, day + DAY_MS - 1
        if self.condition == "BETWEEN":
            return rhs, int(self.rhs_new)
        return now_ms - rhs * DAY_MS, 2**63  # LAST n days

    def matches(self, record: Record | None, times: tuple[int, int], now_ms: int) -> bool:
        """Tell whether a record matches.

        Args:
            record: The rendered record (None is fine for time rules).
            times: ``(created, updated)`` epoch seconds.
            now_ms: The clock's now.

        Returns:
            True when it matches.
        """
        if self.lhs in TIME_FIELDS:
            value = times[TIME_FIELDS.index(self.lhs)]
            lo, hi = self.window_ms(now_ms)
            return value > 0 and lo <= value * 1000 <= hi
        assert record is not None  # noqa: S101 - callers render for value rules
        if self.lhs == "tags":
            found = self.rhs in record.get("tags", [])
        else:
            found = any(p.get("name") == self.lhs and str(p.get("value")) == self.rhs
                        for p in record.get("properties", []))  # fmt: skip
        return found if self.condition == "EQUALS" else not found

    def created_bounds(self, now_ms: int) -> tuple[int, int]:
        """Bounds on the created time (seconds) of a base record that can match.

        Args:
            now_ms: The clock's now.

        Returns:
            ``(lo, hi)`` epoch seconds; value rules do not bound.
        """
        if self.lhs not in TIME_FIELDS:
            return 0, 2**63
        lo, hi = self.window_ms(now_ms)
        lo_s, hi_s = lo // 1000, hi // 1000 + 1
        if self.lhs == "updated_time":  # created <= updated <= created + MAX_UPDATE_DELAY
            return lo_s - MAX_UPDATE_DELAY, hi_s
        return lo_s, hi_s


@dataclasses.dataclass(frozen=True)
class DynamicFilter:
    """A parsed ``filterJson``."""

    stream: str
    rules: tuple[Rule, ...]
    or_rules: tuple[Rule, ...]

    @classmethod
    def parse(cls, text: str) -> DynamicFilter:
        """Read a ``filterJson`` form value.

        Args:
            text: The JSON text.

        Returns:
            The filter.

        Raises:
            FilterError: When it is not JSON, has no known ``contact_type`` or a bad rule.
        """
        try:
            raw = json.loads(text)
        except ValueError:
            msg = "filterJson is not valid JSON"
            raise FilterError(msg) from None
        if not isinstance(raw, dict):
            msg = "filterJson must be a JSON object"
            raise FilterError(msg)
        kind = str(raw.get("contact_type", "PERSON"))
        if kind not in CONTACT_TYPES:
            msg = f"contact_type {kind!r} is not one of {', '.join(CONTACT_TYPES)}"
            raise FilterError(msg)
        rules = tuple(Rule.parse(r) for r in raw.get("rules") or [])
        or_rules = tuple(Rule.parse(r) for r in raw.get("or_rules") or [])
        return cls(CONTACT_TYPES[kind], rules, or_rules)

    @property
    def time_only(self) -> bool:
        """True when every rule is on a time field (no record needs rendering)."""
        return all(r.lhs in TIME_FIELDS for r in (*self.rules, *self.or_rules))

    def matches(self, record: Record | None, times: tuple[int, int], now_ms: int) -> bool:
        """Tell whether a record passes every rule and, if any, one of the or_rules.

        Args:
            record: The rendered record (may be None when ``time_only``).
            times: ``(created, updated)`` epoch seconds.
            now_ms: The clock's now.

        Returns:
            True when it matches.
        """
        if not all(r.matches(record, times, now_ms) for r in self.rules):
            return False
        return not self.or_rules or any(r.matches(record, times, now_ms) for r in self.or_rules)

    def created_bounds(self, now_ms: int) -> tuple[int, int]:
        """Bounds on the created time (seconds) of base records that can match.

        Args:
            now_ms: The clock's now.

        Returns:
            ``(lo, hi)`` epoch seconds.
        """
        lo, hi = 0, 2**63
        for rule in self.rules:
            r_lo, r_hi = rule.created_bounds(now_ms)
            lo, hi = max(lo, r_lo), min(hi, r_hi)
        if self.or_rules:
            bounds = [r.created_bounds(now_ms) for r in self.or_rules]
            lo = max(lo, min(b[0] for b in bounds))
            hi = min(hi, max(b[1] for b in bounds))
        return lo, hi

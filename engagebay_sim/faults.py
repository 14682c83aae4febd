"""Fault injection: the simulator core's (``crm_sim.faults``), with the same rules and kinds."""

from __future__ import annotations

from crm_sim.faults import KINDS, Faults, Rule

__all__ = ["KINDS", "Faults", "Rule"]

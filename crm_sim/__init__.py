"""The simulator core: a loopback HTTP server, faults, quota, request log and record tables.

Vendor simulators (``agilecrm_sim``, later ``engagebay_sim``) subclass ``Simulator`` (most
through ``crm_sim.account.AccountSimulator``, with a ``crm_sim.config.AccountConfig``) and
describe their streams as ``Table``s of records generated from their index.
"""

from crm_sim.faults import KINDS as FAULT_KINDS
from crm_sim.faults import Faults, Rule
from crm_sim.server import ApiRequest, Reply, Simulator
from crm_sim.table import (
    ChildTable,
    Clock,
    IdSpace,
    InvalidCursorError,
    Page,
    SequentialIds,
    Table,
    UnknownRecordError,
)

__all__ = [
    "FAULT_KINDS",
    "ApiRequest",
    "ChildTable",
    "Clock",
    "Faults",
    "IdSpace",
    "InvalidCursorError",
    "Page",
    "Reply",
    "Rule",
    "SequentialIds",
    "Simulator",
    "Table",
    "UnknownRecordError",
]

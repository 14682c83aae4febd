"""Make raw API records fit their JSON schema without losing anything: the shared core's rules.

The rules and their code are ``crm_core.conform`` (ids sent as strings become exact integers,
epoch times UTC ISO-8601, NUL becomes U+FFFD, what does not fit goes to ``extra_fields``); this
module keeps the names the EngageBay tap imports.
"""

from __future__ import annotations

from crm_core.conform import (
    EXTRA_FIELDS,
    PAGING_KEYS,
    InvalidValueError,
    coerce,
    conform_record,
    epoch_to_iso,
    has_nul,
    scrub,
)

__all__ = [
    "EXTRA_FIELDS",
    "PAGING_KEYS",
    "InvalidValueError",
    "coerce",
    "conform_record",
    "epoch_to_iso",
    "has_nul",
    "scrub",
]

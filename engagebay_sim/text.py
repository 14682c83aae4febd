"""Deterministic hashing and text pools for generated records.

The hashing and the pools are the simulator core's (``crm_sim.text``); EngageBay's records also
use the long texts, names and email slugs below.
"""

from __future__ import annotations

import typing as t

from crm_sim.text import (
    CITIES,
    COLORS,
    COMPANY_SUFFIXES,
    COMPANY_WORDS,
    COUNTRIES,
    DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    MASK52,
    ROLES,
    STATES,
    TIME_ZONES,
    TWO52,
    UNICODE_TEXTS,
    WORDS,
    h64,
    rng,
)

if t.TYPE_CHECKING:
    import random

__all__ = [
    "CITIES",
    "COLORS",
    "COMPANY_SUFFIXES",
    "COMPANY_WORDS",
    "COUNTRIES",
    "DOMAINS",
    "FIRST_NAMES",
    "LAST_NAMES",
    "MASK52",
    "ROLES",
    "STATES",
    "TIME_ZONES",
    "TWO52",
    "UNICODE_TEXTS",
    "WORDS",
    "ascii_slug",
    "h64",
    "long_text",
    "person",
    "rng",
]


def long_text(seed: int, *parts: object) -> str:
    """Return a deterministic string of about 10 kB (mixed ASCII and multi-byte text).

    Args:
        seed: The account seed.
        *parts: Where it is used.

    Returns:
        The string.
    """
    r = rng(seed, "long", *parts)
    chunks: list[str] = []
    size = 0
    while size < 10_240:  # noqa: PLR2004 - ~10 kB by definition
        piece = r.choice(UNICODE_TEXTS + WORDS)
        chunks.append(piece)
        size += len(piece.encode()) + 1
    return " ".join(chunks)


def person(r: random.Random) -> tuple[str, str]:
    """Pick a first and a last name.

    Args:
        r: The record's PRNG.

    Returns:
        ``(first, last)``.
    """
    return r.choice(FIRST_NAMES), r.choice(LAST_NAMES)


def ascii_slug(text: str, index: int) -> str:
    """Make an email-safe local part from a name and an index.

    Args:
        text: A name, possibly unicode.
        index: The record index (keeps emails unique).

    Returns:
        The local part.
    """
    slug = "".join(c for c in text.lower() if c.isascii() and c.isalnum())
    return f"{slug or 'user'}{index}"

"""Deterministic hashing and text pools for generated records (shared by every vendor)."""

from __future__ import annotations

import hashlib
import random

MASK52 = (1 << 52) - 1
TWO52 = 1 << 52


def h64(seed: int, *parts: object) -> int:
    """Hash a seed and some parts to a 64-bit integer, stable across runs and platforms.

    Args:
        seed: The account seed.
        *parts: Anything with a stable ``str``.

    Returns:
        An integer in [0, 2**64).
    """
    data = "|".join([str(seed), *map(str, parts)]).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def rng(seed: int, *parts: object) -> random.Random:
    """Return a PRNG seeded from the hash of a seed and some parts.

    Args:
        seed: The account seed.
        *parts: Anything with a stable ``str``.

    Returns:
        A ``random.Random`` (used for simulation data, never for security).
    """
    return random.Random(h64(seed, *parts))  # noqa: S311 - test data, not security


FIRST_NAMES = (
    "Ana", "José", "Zoë", "Łukasz", "Søren", "Mohammed", "محمد", "李", "Nguyễn", "Ahmet",
    "Émilie", "Kenji", "さくら", "Olga", "Αλέξης", "דוד", "Chloé", "Bjørn", "Priya", "Seán",
    "Ludwig", "Maria", "John", "Fatima", "Wei", "Sarah", "Peter", "Ingrid", "Tomás", "Aiko",
)  # fmt: skip
LAST_NAMES = (
    "García", "Müller", "O'Brien", "Smith", "王", "Kowalski", "Nakamura", "Ñúñez", "Dubois",
    "Öztürk", "Johansson", "van der Berg", "Al-Sayed", "Ivanova", "Rossi", "Patel", "Kim",
    "Lefèvre", "Cohen", "Brown", "Nguyen", "da Silva", "Jones", "Hernández", "Schröder",
)  # fmt: skip
COMPANY_WORDS = (
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell",
    "Soylent", "Cyberdyne", "Wonka", "Gringotts", "Nakatomi", "Oceanic", "Monarch", "Aperture",
)  # fmt: skip
COMPANY_SUFFIXES = ("Inc", "LLC", "GmbH", "S.A.", "Ltd", "KK", "SARL", "& Co", "株式会社", "AB")
DOMAINS = ("example.com", "example.org", "example.net", "mail.example", "test.example")
COUNTRIES = (
    "United States", "India", "Germany", "France", "Japan", "Brasil", "España", "Österreich",
    "México", "日本", "Россия", "Türkiye", "United Kingdom", "Canada", "Australia",
)  # fmt: skip
CITIES = ("Mountain House", "Hyderabad", "München", "São Paulo", "Kraków", "Zürich", "東京")
STATES = ("CA", "NY", "TX", "Bayern", "Telangana", "Île-de-France", "Ontario")
ROLES = ("CEO", "CTO", "Sales Manager", "Développeur", "Engineer", "Marketing", "")
UNICODE_TEXTS = (
    "café crème brûlée",
    "naïve façade coöperate",
    "日本語のテキスト",
    "中文测试数据",
    "한국어 텍스트",
    "emoji 🎉🚀 and 👩\u200d💻 zwj",
    "עברית מימין לשמאל",
    "النص العربي من اليمين",
    "e\u0301 combining acute, n\u0303",
    "Z\u0364\u0351\u0313a\u0308\u0356l\u036e\u0312g\u0306o\u0314",
    "tab\there and\nnew line",
    "quotes \"double\" and 'single'",
    "<b>markup</b> & ampersand; <script>x</script>",
    "back\\slash C:\\path",
    "   padded   ",
    "Ωmega ≈ ∑ ∞ ½ ™",
    "🏳️\u200d🌈 flag sequence",
    "astral plane \U0001d518\U0001d52b\U0001d526\U0001d520\U0001d52c\U0001d521\U0001d522",
    "Plain text value",
    "Another ordinary note",
)
WORDS = (
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
    "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
)  # fmt: skip
COLORS = ("#e2e0e0", "#c5dec3", "#c9dde4", "#a6dca2", "#e4b5b6", "#46d6db", "#7ae7bf")
TIME_ZONES = ("Asia/Calcutta", "America/New_York", "Europe/Berlin", "UTC", "Asia/Tokyo")

"""What every simulated account's configuration has: the server's knobs, counts and presets.

A vendor's config is a dataclass that subclasses ``AccountConfig``: it adds its own fields, names
the fields that count records (``count_fields``: each must be >= 0, and each is a ``--<name>``
option of the vendor's command line) and its named accounts (``presets``).
"""

from __future__ import annotations

import dataclasses
import typing as t

if t.TYPE_CHECKING:
    from typing import Self

    from crm_sim.server import Latency


@dataclasses.dataclass
class AccountConfig:
    """The settings of the simulator core that every account carries.

    Attributes:
        seed: Seed of all generated data and fault draws.
        latency: Fixed latency in ms, or a ``(lo, hi)`` range in ms.
        faults: Fault rules (see ``crm_sim.faults``).
        quota: Daily API call quota; None for unlimited.
        timeout_s: How long the ``timeout`` fault holds a request.
    """

    #: Fields that count records: each must be >= 0.
    count_fields: t.ClassVar[tuple[str, ...]] = ()
    #: Named accounts: ``{name: {field: value}}``; ``demo`` is the command line's default.
    presets: t.ClassVar[dict[str, dict[str, t.Any]]] = {"demo": {}}

    seed: int = 0
    latency: Latency = 0.0
    faults: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    quota: int | None = None
    timeout_s: float = 5.0

    def __post_init__(self) -> None:
        """Validate the counts.

        Raises:
            ValueError: On a negative count.
        """
        for name in self.count_fields:
            if getattr(self, name) < 0:
                msg = f"{name} must be >= 0"
                raise ValueError(msg)

    def check_page_sizes(self, default: str, largest: str) -> None:
        """Check that a default page size lies between 1 and the largest one.

        Args:
            default: The field of the default page size.
            largest: The field of the largest page size.

        Raises:
            ValueError: When it does not.
        """
        if not 1 <= getattr(self, default) <= getattr(self, largest):
            msg = f"{default} must be between 1 and {largest}"
            raise ValueError(msg)

    @classmethod
    def preset(cls, name: str, **overrides: t.Any) -> Self:  # noqa: ANN401 - any config field
        """Build a config from a named preset.

        Args:
            name: A key of ``presets`` (e.g. ``demo``, ``tiny``, ``large``).
            **overrides: Fields to set on top.

        Returns:
            The config.

        Raises:
            ValueError: On an unknown preset.
        """
        if name not in cls.presets:
            msg = f"unknown preset {name!r}; choose one of {sorted(cls.presets)}"
            raise ValueError(msg)
        return cls(**{**cls.presets[name], **overrides})

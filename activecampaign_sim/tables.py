"""Tables with offset paging in constant time: ids with holes, and children in a fixed pattern.

ActiveCampaign lists by ``limit`` and ``offset``, so a listing must find its n-th record
without walking the n before it, and count the records of a listing without rendering them.
``HoleyTable`` gives every ``HOLE``-th id no record (as deleted records leave in a real account;
a record inserted later can take such a lower id); ``PatternChildTable`` gives each parent a
number of children from a short repeating pattern. Both answer ``rank(i)`` (how many current
records have an index below ``i``) from a closed form plus the few changed records, and
``nth(k)`` by binary search on it.
"""

from __future__ import annotations

import typing as t

from crm_sim.table import CREATED_CHILD_BASE, ChildTable, Record, Table

if t.TYPE_CHECKING:
    from collections.abc import Iterator

#: Every HOLE-th index of a holey table has no base record (its id is free).
HOLE = 10


class Ranked(t.Protocol):
    """What the listings need of a table: a rank and its inverse."""

    name: str

    def rank(self, index: int) -> int:
        """Number of current records with an index below ``index``."""

    def end(self) -> int:
        """One past the highest index that can hold a record."""

    def size(self) -> int:
        """Number of current records."""

    def walk(
        self, *, after: int | None = None, desc: bool = False, lo: int = 0, hi: int | None = None
    ) -> Iterator[int]:
        """Current indexes in order."""


def nth(table: Ranked, k: int) -> int | None:
    """The index of the k-th (0-based) current record in index order.

    Args:
        table: The table.
        k: Position.

    Returns:
        The index, or None past the end.
    """
    if k < 0 or k >= table.size():
        return None
    lo, hi = 0, table.end()
    while lo < hi:  # smallest i with rank(i + 1) > k
        mid = (lo + hi) // 2
        if table.rank(mid + 1) > k:
            hi = mid
        else:
            lo = mid + 1
    return lo


def base_span(count: int, hole: int) -> int:
    """The index span holding ``count`` base records when every ``hole``-th is missing.

    Args:
        count: Number of base records.
        hole: Hole period (0: no holes).

    Returns:
        The span.
    """
    return count + count // (hole - 1) if hole else count


def base_index(position: int, hole: int) -> int:
    """The index of the base record at a position (0-based), skipping holes.

    Args:
        position: Position among the base records.
        hole: Hole period (0: no holes).

    Returns:
        The index.
    """
    return position + position // (hole - 1) if hole else position


class HoleyTable(Table):
    """A top-level table whose every ``hole``-th index is free (no base record)."""

    def __init__(self, name: str, *, count: int, hole: int = HOLE, **kwargs: t.Any) -> None:  # noqa: ANN401
        """Describe the table.

        Args:
            name: Stream name.
            count: Number of base records (the index span is larger by the holes).
            hole: Hole period; 0 for none.
            **kwargs: ``Table`` hooks.
        """
        super().__init__(name, count=base_span(count, hole), **kwargs)
        self.hole = hole
        self.n_base = count
        self.version = 0  # bumped on every change (caches key on it)

    def update(self, record_id: object, **fields: t.Any) -> Record:  # noqa: ANN401
        """Change a record (see ``Table.update``).

        Args:
            record_id: The record's id.
            **fields: Fields to set.

        Returns:
            The record as now served.
        """
        with self.lock:
            self.version += 1
            return super().update(record_id, **fields)

    def create(self, n: int = 1, **overrides: t.Any) -> list[Record]:  # noqa: ANN401
        """Create records at the top (see ``Table.create``).

        Args:
            n: How many.
            **overrides: Fields.

        Returns:
            The new records.
        """
        with self.lock:
            self.version += 1
            return super().create(n, **overrides)

    def delete(self, record_id: object) -> None:
        """Delete a record.

        Args:
            record_id: Its id.
        """
        with self.lock:
            self.version += 1
            super().delete(record_id)

    def is_hole(self, index: int) -> bool:
        """Tell whether a base index is a hole.

        Args:
            index: Record index.

        Returns:
            True for a hole.
        """
        return bool(self.hole) and index % self.hole == self.hole - 1

    def base_exists(self, index: int) -> bool:
        """A base record exists inside the span, except at holes.

        Args:
            index: Record index.

        Returns:
            True when a base record.
        """
        return 0 <= index < self.count_base and not self.is_hole(index)

    def free_holes(self, n: int) -> list[int]:
        """The lowest ``n`` holes that no record has taken yet.

        Args:
            n: How many.

        Returns:
            Indexes (fewer when the table has no more holes).
        """
        out: list[int] = []
        if not self.hole:
            return out
        index = self.hole - 1
        with self.lock:
            while len(out) < n and index < self.count_base:
                if index not in self.over:
                    out.append(index)
                index += self.hole
        return out

    def fill_holes(self, n: int, **overrides: t.Any) -> list[int]:  # noqa: ANN401
        """Create records at the lowest free holes: new records with ids below older ones.

        Args:
            n: How many.
            **overrides: Fields.

        Returns:
            The new indexes.
        """
        with self.lock:
            self.version += 1
            holes = self.free_holes(n)
            for index in holes:
                self.over[index] = {**self.stamp_create(int(self.clock.now())), **overrides}
        return holes

    def end(self) -> int:
        """One past the highest index that can hold a record.

        Returns:
            The bound.
        """
        return self.count_base + self.n_created

    def rank(self, index: int) -> int:
        """Number of current records with an index below ``index``.

        Args:
            index: Bound (exclusive).

        Returns:
            The count.
        """
        top = max(0, min(index, self.count_base))
        count = top - (top // self.hole if self.hole else 0)
        with self.lock:
            for i, v in self.over.items():
                if i >= index:
                    continue
                if v is None and self.base_exists(i):
                    count -= 1
                elif v is not None and not self.base_exists(i):
                    count += 1
        return count

    def size(self) -> int:
        """Number of current records.

        Returns:
            The count.
        """
        return self.rank(self.end())


class PatternChildTable(ChildTable):
    """Children whose number per parent repeats with the parent index (closed-form ranks).

    ``pattern[p % len(pattern)]`` base children belong to parent ``p`` (none to a parent that
    is not a base record); the pattern's length is a multiple of the parent's hole period.
    """

    def __init__(self, name: str, *, parent: Table, pattern: list[int], **kwargs: t.Any) -> None:  # noqa: ANN401
        """Describe the child table.

        Args:
            name: Stream name.
            parent: Parent table.
            pattern: Children per parent, repeating.
            **kwargs: ``ChildTable`` arguments except ``children`` and ``slots``.
        """
        hole = getattr(parent, "hole", 0)
        if hole and len(pattern) % hole:
            msg = f"the pattern of {name} must repeat every multiple of {hole} parents"
            raise ValueError(msg)
        # A hole of the parent has no base children.
        self.pattern = [0 if hole and p % hole == hole - 1 else n for p, n in enumerate(pattern)]
        self.period_sum = sum(self.pattern)
        self.prefix = [0]
        for n in self.pattern:
            self.prefix.append(self.prefix[-1] + n)
        super().__init__(
            name,
            parent=parent,
            slots=max(1, *self.pattern),
            children=self.base_children,
            **kwargs,
        )

    def base_children(self, parent: int) -> int:
        """Number of base children of a parent index.

        Args:
            parent: Parent index.

        Returns:
            The number.
        """
        if not self.parent.base_exists(parent):
            return 0
        return self.pattern[parent % len(self.pattern)]

    def base_count(self) -> int:
        """Number of base children (before any change).

        Returns:
            The count.
        """
        return self._base_below_parent(self.parent.count_base)

    def base_nth(self, position: int) -> int:
        """The index of the base child at a position (0-based, before any change).

        Args:
            position: Position among the base children.

        Returns:
            The index.
        """
        full, rest = divmod(position, self.period_sum)
        q = next(q for q in range(len(self.pattern)) if self.prefix[q + 1] > rest)
        parent = full * len(self.pattern) + q
        return parent * self.slots + rest - self.prefix[q]

    def _base_below_parent(self, parent: int) -> int:
        period = len(self.pattern)
        full, rest = divmod(parent, period)
        return full * self.period_sum + self.prefix[rest]

    def end(self) -> int:
        """One past the highest index that can hold a record.

        Returns:
            The bound.
        """
        return CREATED_CHILD_BASE + self.n_created

    def rank(self, index: int) -> int:
        """Number of current children with an index below ``index``.

        Args:
            index: Bound (exclusive).

        Returns:
            The count.
        """
        parents = self.parent.count_base
        top = max(0, min(index, self.count_base))
        p, k = divmod(top, self.slots)
        if p >= parents:
            count = self._base_below_parent(parents)
        else:
            count = self._base_below_parent(p) + min(k, self.base_children(p))
        parent_over = self.parent.over
        with self.parent.lock:
            gone = [q for q, v in parent_over.items()
                    if v is None and self.parent.base_exists(q)]  # fmt: skip
        gone = [q for q in gone if q * self.slots < index]
        for q in gone:
            count -= min(self.base_children(q), max(0, index - q * self.slots))
        with self.lock:
            for i, v in self.over.items():
                if i >= index:
                    continue
                if i < CREATED_CHILD_BASE:
                    if v is None and self.base_exists(i) and self.parent.exists(i // self.slots):
                        count -= 1
                elif v is not None and self.parent.exists(self.parent_of(i)):
                    count += 1
        return count

    def size(self) -> int:
        """Number of current children.

        Returns:
            The count.
        """
        return self.rank(self.end())

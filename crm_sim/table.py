"""Record tables generated from their index, with every change kept as a small overlay.

A table never holds its records: a vendor gives it a pure function from an index to a record
(and to its created time, non-decreasing in the index), and the table keeps only the changes,
``{index: fields | None}`` (None for a deletion). Listing walks the index space lazily in
creation order, merged with the few changed records, so a million records serve in a few MB.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import heapq
import hmac
import threading
import time
import typing as t

from crm_sim.text import h64

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

Record = dict[str, t.Any]
MASK52 = (1 << 52) - 1
TWO52 = 1 << 52
# Created children of a parent live above this index (base children use parent * slots + k).
CREATED_CHILD_BASE = 1 << 44


class InvalidCursorError(ValueError):
    """A cursor that this account did not hand out for this listing."""


class UnknownRecordError(KeyError):
    """No current record of that table has that id."""


class Clock:
    """The simulator clock: real time plus an offset that tests can advance."""

    def __init__(self) -> None:
        """Start at real time."""
        self.offset = 0.0

    def now(self) -> float:
        """The current simulated time.

        Returns:
            Epoch seconds.
        """
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward.

        Args:
            seconds: How far.
        """
        self.offset += seconds


class IdSpace:
    """A bijection from indexes onto 16-digit ids in [2**52, 2**53), fixed by seed and name."""

    def __init__(self, seed: int, name: str, *, offset: int | None = None) -> None:
        """Derive the bijection.

        Args:
            seed: The account seed.
            name: The table name (each table gets its own ids).
            offset: The id of index 0 is ``2**52 + offset``; drawn from the seed when None.
        """
        self.a = (h64(seed, "id-multiplier", name) & MASK52) | 1
        self.a_inv = pow(self.a, -1, TWO52)
        self.b = (h64(seed, "id-offset", name) if offset is None else offset) & MASK52

    def id_of(self, index: int) -> int:
        """The id of an index.

        Args:
            index: Record index.

        Returns:
            The id.
        """
        return TWO52 + ((index * self.a + self.b) & MASK52)

    def index_of(self, record_id: int) -> int:
        """Invert ``id_of``.

        Args:
            record_id: An id.

        Returns:
            The index, or -1 for an id outside the space.
        """
        if not TWO52 <= record_id < 2 * TWO52:
            return -1
        return ((record_id - TWO52 - self.b) * self.a_inv) & MASK52


class SequentialIds:
    """Small sequential ids (``start + index``), as some APIs give tickets."""

    def __init__(self, start: int = 1) -> None:
        """Set the first id.

        Args:
            start: Id of index 0.
        """
        self.start = start

    def id_of(self, index: int) -> int:
        """The id of an index.

        Args:
            index: Record index.

        Returns:
            The id.
        """
        return self.start + index

    def index_of(self, record_id: int) -> int:
        """Invert ``id_of``.

        Args:
            record_id: An id.

        Returns:
            The index (-1 below the start).
        """
        return record_id - self.start if record_id >= self.start else -1


class Ids(t.Protocol):
    """What a table needs of its ids."""

    def id_of(self, index: int) -> int:
        """The id of an index."""

    def index_of(self, record_id: int) -> int:
        """The index of an id, -1 when outside."""


def sign_cursor(mac_key: bytes, payload: str) -> str:
    """Sign a listing position as an opaque, URL-safe cursor.

    Args:
        mac_key: The account's cursor key.
        payload: The position, as text.

    Returns:
        The cursor.
    """
    raw = payload.encode()
    mac = hmac.new(mac_key, raw, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(mac + raw).decode().rstrip("=")


def open_cursor(mac_key: bytes, cursor: str) -> str:
    """Check a cursor's signature and return the position it holds.

    Args:
        mac_key: The account's cursor key.
        cursor: The cursor sent.

    Returns:
        The payload given to ``sign_cursor``.

    Raises:
        InvalidCursorError: When it is not one this account signed.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raise InvalidCursorError(cursor) from None
    mac, payload = raw[:12], raw[12:]
    good = hmac.new(mac_key, payload, hashlib.sha256).digest()[:12]
    if len(mac) != 12 or not hmac.compare_digest(mac, good):  # noqa: PLR2004
        raise InvalidCursorError(cursor)
    return payload.decode()


def _default_apply(record: Record, over: Record) -> None:
    record.update(over)


def _default_times(record: Record) -> tuple[int, int]:
    return int(record.get("created_time") or 0), int(record.get("updated_time") or 0)


@dataclasses.dataclass
class Page:
    """One page of a listing: the indexes, whether more follow, and the next position."""

    indexes: list[int]
    more: bool
    cursor: str | None
    number: int


class Table:
    """One stream: records generated from their index, plus an overlay of changes."""

    def __init__(  # noqa: PLR0913 - every hook has a sensible default
        self,
        name: str,
        *,
        count: int,
        generate: Callable[[int], Record],
        created: Callable[[int], int],
        ids: Ids,
        clock: Clock,
        seed: int = 0,
        updated: Callable[[int], int] | None = None,
        apply: Callable[[Record, Record], None] = _default_apply,
        times: Callable[[Record], tuple[int, int]] = _default_times,
        stamp_create: Callable[[int], Record] | None = None,
        stamp_update: Callable[[int], Record] | None = None,
    ) -> None:
        """Describe the table.

        Args:
            name: Stream name.
            count: Size of the base index space.
            generate: Pure function from an index (any, also above ``count``) to the record.
            created: Base created time (epoch seconds) of an index, non-decreasing.
            ids: The id bijection.
            clock: The simulator clock.
            seed: Seed of the cursor signatures.
            updated: Base updated time of an index (0: never updated) without generating the
                record; by default read from the generated record.
            apply: Merges an overlay into a generated record (vendors with property lists
                pass their own).
            times: ``(created, updated)`` epoch seconds of a rendered record.
            stamp_create: Fields a created record gets, from the clock's now (seconds).
            stamp_update: Fields an updated record gets, from the clock's now (seconds).
        """
        self.name = name
        self.count_base = count
        self.generate = generate
        self.created = created
        self._updated = updated
        self.ids = ids
        self.clock = clock
        self.apply = apply
        self.times = times
        self.stamp_create = stamp_create or (lambda now: {"created_time": now, "updated_time": 0})
        self.stamp_update = stamp_update or (lambda now: {"updated_time": now})
        self.lock = threading.RLock()
        self.over: dict[int, Record | None] = {}
        self.n_created = 0
        self._mac_key = hashlib.sha256(f"crm-sim-cursor|{seed}|{name}".encode()).digest()

    # ----------------------------------------------------------------- existence

    def base_exists(self, index: int) -> bool:
        """Tell whether a base index holds a record (before any change).

        Args:
            index: Record index.

        Returns:
            True inside the base space.
        """
        return 0 <= index < self.count_base

    def exists(self, index: int) -> bool:
        """Tell whether a record currently exists.

        Args:
            index: Record index.

        Returns:
            True unless deleted or never created.
        """
        if index in self.over:
            return self.over[index] is not None
        return self.base_exists(index)

    def index_for(self, record_id: object) -> int:
        """Find the index of a current record by id (an int or a digit string).

        Args:
            record_id: The id.

        Returns:
            The index.

        Raises:
            UnknownRecordError: When no current record has that id.
        """
        try:
            rid = int(str(record_id))
        except ValueError:
            raise UnknownRecordError(record_id) from None
        index = self.ids.index_of(rid)
        if index < 0 or not self.exists(index):
            raise UnknownRecordError(record_id)
        return index

    # ----------------------------------------------------------------- rendering

    def render(self, index: int) -> Record:
        """The current record at an index.

        Args:
            index: Record index (must exist).

        Returns:
            The record.
        """
        record = self.generate(index)
        over = self.over.get(index)
        if over:
            self.apply(record, over)
        return record

    def times_of(self, index: int) -> tuple[int, int]:
        """``(created, updated)`` in epoch seconds of a current record, without rendering it.

        Args:
            index: Record index.

        Returns:
            The times (updated 0 when never updated).
        """
        if index in self.over:
            return self.times(self.render(index))
        return self.created(index), self.base_updated(index)

    def base_updated(self, index: int) -> int:
        """Base updated time of an index (0 means never updated).

        Args:
            index: Record index.

        Returns:
            Epoch seconds.
        """
        if self._updated is not None:
            return self._updated(index)
        return self.times(self.generate(index))[1]

    # ----------------------------------------------------------------- cursors

    def make_cursor(self, scope: str, last: int, number: int) -> str:
        """Sign a position as an opaque cursor.

        Args:
            scope: The listing (table plus any partition and order).
            last: Index of the page's last record.
            number: Number of the page the cursor leads to.

        Returns:
            The cursor.
        """
        return sign_cursor(self._mac_key, f"{scope}|{last}|{number}")

    def read_cursor(self, cursor: str, scope: str) -> tuple[int, int]:
        """Check and decode a cursor.

        Args:
            cursor: The cursor sent.
            scope: The listing it must belong to.

        Returns:
            ``(last index, page number)``.

        Raises:
            InvalidCursorError: When forged, tampered with or from another listing.
        """
        parts = open_cursor(self._mac_key, cursor).rsplit("|", 2)
        if len(parts) != 3 or parts[0] != scope:  # noqa: PLR2004
            raise InvalidCursorError(cursor)
        return int(parts[1]), int(parts[2])

    # ----------------------------------------------------------------- listing

    def walk(
        self, *, after: int | None = None, desc: bool = False, lo: int = 0, hi: int | None = None
    ) -> Iterator[int]:
        """Current indexes in creation (index) order, changed records merged in.

        Args:
            after: Start after this index (exclusive), or None for the start.
            desc: Newest first.
            lo: Lowest base index to visit (changed records are always visited).
            hi: One past the highest base index to visit (default: the whole base).

        Yields:
            Indexes.
        """
        hi = self.count_base if hi is None else min(hi, self.count_base)
        lo = max(lo, 0)
        with self.lock:
            members = sorted((i for i, v in self.over.items() if v is not None), reverse=desc)
        if after is not None:
            members = [i for i in members if (i < after if desc else i > after)]
            if desc:
                hi = min(hi, after)
            else:
                lo = max(lo, after + 1)
        over = self.over
        base = range(hi - 1, lo - 1, -1) if desc else range(lo, hi)
        base_iter = (i for i in base if i not in over and self.base_exists(i))
        yield from heapq.merge(base_iter, members, reverse=desc)

    def page(  # noqa: PLR0913 - the listing's knobs
        self,
        scope: str,
        *,
        cursor: str | None,
        size: int,
        desc: bool = False,
        keep: Callable[[int], bool] | None = None,
        lo: int = 0,
        hi: int | None = None,
    ) -> Page:
        """One page of a listing in creation order.

        Args:
            scope: Names the listing (its cursors are valid for it only).
            cursor: The previous page's cursor, or None for the first page.
            size: Page size.
            desc: Newest first.
            keep: Predicate on an index (filters), or None for every record.
            lo: Lowest base index that can match (a bound the vendor found by binary search).
            hi: One past the highest base index that can match.

        Returns:
            The page; ``cursor`` leads to the next one when ``more``.
        """
        after, number = self.read_cursor(cursor, scope) if cursor else (None, 1)
        out: list[int] = []
        more = False
        for index in self.walk(after=after, desc=desc, lo=lo, hi=hi):
            if keep is not None and not keep(index):
                continue
            if len(out) == size:
                more = True
                break
            out.append(index)
        nxt = self.make_cursor(scope, out[-1], number + 1) if out else None
        return Page(out, more, nxt, number)

    def first_created_after(self, seconds: int) -> int:
        """The first base index whose created time is above ``seconds`` (binary search).

        Args:
            seconds: Epoch seconds.

        Returns:
            The index (``count`` when none).
        """
        lo, hi = 0, self.count_base
        while lo < hi:
            mid = (lo + hi) // 2
            if self.created(mid) > seconds:
                hi = mid
            else:
                lo = mid + 1
        return lo

    # ----------------------------------------------------------------- changes

    def update(self, record_id: object, **fields: t.Any) -> Record:  # noqa: ANN401
        """Change a record; it gets the update stamp of the clock's now unless given.

        Args:
            record_id: The record's id.
            **fields: Fields to set (``apply`` merges them).

        Returns:
            The record as now served.
        """
        with self.lock:
            index = self.index_for(record_id)
            over = dict(self.over.get(index) or {})
            over.update(self.stamp_update(int(self.clock.now())))
            over.update(fields)
            self.over[index] = over
            return self.render(index)

    def _new_index(self) -> int:
        return self.count_base + self.n_created

    def create(self, n: int = 1, **overrides: t.Any) -> list[Record]:  # noqa: ANN401
        """Create records, newest in creation order.

        Args:
            n: How many.
            **overrides: Fields to set on each.

        Returns:
            The new records.
        """
        out: list[Record] = []
        with self.lock:
            for _ in range(n):
                index = self._new_index()
                self.n_created += 1
                self.over[index] = {**self.stamp_create(int(self.clock.now())), **overrides}
                out.append(self.render(index))
        return out

    def delete(self, record_id: object) -> None:
        """Delete a record.

        Args:
            record_id: Its id.
        """
        with self.lock:
            self.over[self.index_for(record_id)] = None

    # ----------------------------------------------------------------- ground truth

    def indexes(self) -> Iterator[int]:
        """Every current index, in creation order.

        Returns:
            An iterator.
        """
        return self.walk()

    def truth(self) -> Iterator[Record]:
        """Every current record, as served (without paging keys).

        Yields:
            Records.
        """
        for index in self.indexes():
            with self.lock:
                record = self.render(index) if self.exists(index) else None
            if record is not None:
                yield record

    def id_set(self) -> set[int]:
        """Ids of every current record.

        Returns:
            The ids.
        """
        return {self.ids.id_of(i) for i in self.indexes()}

    def size(self) -> int:
        """Number of current records.

        Returns:
            The count.
        """
        with self.lock:
            over = self.over.items()
            deleted = sum(1 for i, v in over if v is None and self.base_exists(i))
            added = sum(1 for i, v in over if v is not None and not self.base_exists(i))
        return self.count_base - deleted + added


class ChildTable(Table):
    """Records that belong to a parent record (notes of a contact, messages of a ticket).

    Base children of parent ``p`` are the indexes ``p * slots + k`` for ``k < children(p)``;
    created children live above ``CREATED_CHILD_BASE``, their parent kept beside the overlay.
    """

    def __init__(
        self,
        name: str,
        *,
        parent: Table,
        slots: int,
        children: Callable[[int], int],
        parent_field: str,
        **kwargs: t.Any,  # noqa: ANN401 - the Table hooks
    ) -> None:
        """Describe the child table.

        Args:
            name: Stream name.
            parent: The parent table.
            slots: Base index slots per parent.
            children: Number of base children of a parent index (at most ``slots``).
            parent_field: The ``create`` argument naming a new child's parent id.
            **kwargs: ``Table`` hooks (``count`` is derived).
        """
        super().__init__(name, count=parent.count_base * slots, **kwargs)
        self.parent = parent
        self.slots = slots
        self.children = children
        self.parent_field = parent_field
        self.created_parent: dict[int, int] = {}

    def base_exists(self, index: int) -> bool:
        """A base child exists when its slot is used and its parent still exists.

        Args:
            index: Record index.

        Returns:
            True when it is a child of a current parent.
        """
        if not 0 <= index < self.count_base:
            return False
        parent, k = divmod(index, self.slots)
        return k < self.children(parent)

    def exists(self, index: int) -> bool:
        """A child exists only while its parent does.

        Args:
            index: Record index.

        Returns:
            True when current.
        """
        return super().exists(index) and self.parent.exists(self.parent_of(index))

    def parent_of(self, index: int) -> int:
        """The parent index of a child.

        Args:
            index: Child index.

        Returns:
            The parent's index.
        """
        if index >= CREATED_CHILD_BASE:
            return self.created_parent.get(index, -1)
        return index // self.slots

    def of_parent(self, parent: int) -> list[int]:
        """Current children of a parent, oldest first.

        Args:
            parent: Parent index.

        Returns:
            Indexes.
        """
        with self.lock:
            if not self.parent.exists(parent):
                return []
            base = [parent * self.slots + k for k in range(self.children(parent))]
            out = [i for i in base if i not in self.over]
            out += [i for i, v in self.over.items()
                    if v is not None and self.parent_of(i) == parent]  # fmt: skip
        return sorted(out)

    def _new_index(self) -> int:
        return CREATED_CHILD_BASE + self.n_created

    def create(self, n: int = 1, **overrides: t.Any) -> list[Record]:  # noqa: ANN401
        """Create children of one parent, named by its id under ``parent_field``.

        Args:
            n: How many.
            **overrides: Fields, with the parent's id under ``parent_field`` (kept apart: the
                vendor's generator renders the parent link as its API does).

        Returns:
            The new records.

        Raises:
            ValueError: Without a parent.
        """
        if self.parent_field not in overrides:
            msg = f"{self.name} need a {self.parent_field}"
            raise ValueError(msg)
        fields = dict(overrides)
        parent = self.parent.index_for(fields.pop(self.parent_field))
        with self.lock:
            for k in range(n):
                self.created_parent[self._new_index() + k] = parent
            return super().create(n, **fields)

    def indexes(self) -> Iterator[int]:
        """Every current child, parent by parent, then the created ones.

        Yields:
            Indexes.
        """
        for index in self.walk():
            if self.exists(index):
                yield index

    def size(self) -> int:
        """Number of current children (walks the parents).

        Returns:
            The count.
        """
        return sum(1 for _ in self.indexes())

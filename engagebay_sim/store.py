"""The account's current state: one ``crm_sim`` table per stream, plus EngageBay's listings.

Every stream but the custom field definitions is a ``crm_sim.table.Table`` (notes and call logs
a ``ChildTable`` of the contacts): records generated from their index, only the changes kept in
memory (``{index: overrides | None}``, None for a deletion). On top of the tables, EngageBay's
listings: the paged streams sorted on ``created_time`` or ``updated_time`` either way (keyset
cursors of sort value and index, deals per track), a contact's notes and call logs, events by
start time. Listing walks the base index space lazily (binary search to the cursor, then
forward), merged with the few changed records, so serving a million contacts keeps memory flat.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import threading
import typing as t

from crm_sim.table import (
    CREATED_CHILD_BASE,
    ChildTable,
    Clock,
    InvalidCursorError,
    Table,
    UnknownRecordError,
    open_cursor,
    sign_cursor,
)
from engagebay_sim.data import (
    CHILD_SLOTS,
    CHILD_STREAMS,
    FIELD_TYPES,
    SCOPE_OF,
    SCOPES,
    STREAMS,
    Dataset,
    Record,
)

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from engagebay_sim.config import SimConfig

SORT_KEYS = ("created_time", "updated_time", "-created_time", "-updated_time")
Key = tuple[int, int]  # (sort value, index)
_PROPS = "__props__"
_PARENT = "__parent__"  # the parent's id, as ChildTable.create takes it
LINK = {"notes": "parentId", "call_logs": "contact_id"}  # how a child names its contact


class Store:
    """The tables plus the sort keys of changed records; writes go through here, under one lock."""

    def __init__(self, config: SimConfig, clock: Clock | None = None) -> None:
        """Create an account in its initial (generated) state.

        Args:
            config: The account config.
            clock: The simulator's clock; by default one ``clock_offset`` ahead of real time.
        """
        self.config = config
        self.data = Dataset(config)
        self.lock = threading.RLock()
        if clock is None:
            clock = Clock()
            clock.offset = float(config.clock_offset)
        self.clock = clock
        self.tables: dict[str, Table] = {}
        for stream in STREAMS:
            if stream != "custom_fields":
                self.tables[stream] = self._make_table(stream)
        # (created, updated, group) of every changed record, for the sorted listings.
        self._keys: dict[str, dict[int, tuple[int, int, int]]] = {s: {} for s in STREAMS}
        self._added_fields = 0
        self._mac_key = hashlib.sha256(f"engagebay-sim-cursor|{config.seed}".encode()).digest()

    def _make_table(self, stream: str) -> Table:
        data = self.data
        hooks: dict[str, t.Any] = {
            "generate": functools.partial(data.record, stream),
            "created": functools.partial(data.created_time, stream),
            "updated": functools.partial(data.updated_time, stream),
            "ids": data.ids[stream],
            "clock": self.clock,
            "seed": self.config.seed,
            "apply": functools.partial(self._apply, stream),
            "stamp_create": functools.partial(self._stamp_create, stream),
            "stamp_update": lambda _now: {},  # update() stamps, after the fields
        }
        if stream in CHILD_STREAMS:
            children = functools.partial(data.children_of, stream)
            return ChildTable(stream, parent=self.tables["contacts"], slots=CHILD_SLOTS,
                              children=children, parent_field=_PARENT, **hooks)  # fmt: skip
        return Table(stream, count=data.base_count(stream), **hooks)

    def _stamp_create(self, stream: str, now: int) -> Record:
        over: Record = {"created_time": now, "updated_time": 0}
        if stream == "deals":
            over["track_id"] = self.data.id_of("tracks", 0)
        if stream == "events":
            start = now * 1000
            over.update({"start_time": start, "end_time": start + 1_800_000 - 1})
        return over

    def table(self, stream: str) -> Table:
        """A stream's table.

        Args:
            stream: Any stream but ``custom_fields``.

        Returns:
            The table.
        """
        return self.tables[stream]

    # ----------------------------------------------------------------- clock

    def now(self) -> float:
        """The simulator clock: real time plus ``clock_offset`` and what ``advance`` added.

        Returns:
            Epoch seconds.
        """
        return self.clock.now()

    def advance(self, seconds: float) -> None:
        """Move the simulator clock forward.

        Args:
            seconds: How far.
        """
        self.clock.advance(seconds)

    # ----------------------------------------------------------------- existence and keys

    def exists(self, stream: str, index: int) -> bool:
        """Tell whether a record currently exists.

        Args:
            stream: Stream name.
            index: Record index.

        Returns:
            True unless deleted or never created.
        """
        return self.tables[stream].exists(index)

    def index_for(self, stream: str, record_id: object) -> int:
        """Find the index of a current record by id (an int or a numeric string).

        Args:
            stream: Stream name.
            record_id: The id.

        Returns:
            The index.
        """
        return self.tables[stream].index_for(record_id)

    def _group(self, stream: str, index: int, over: dict[str, t.Any] | None) -> int:
        if stream == "deals":
            if over and "track_id" in over:
                return self.data.index_of("tracks", int(str(over["track_id"])))
            return self.data.deal_track(index)
        if stream in CHILD_STREAMS:
            for key in ("parentId", "contact_id"):
                if over and key in over:
                    return self.data.index_of("contacts", int(str(over[key])))
            return index // CHILD_SLOTS
        return -1

    def _base_key(self, stream: str, index: int, field: str) -> int:
        if field == "created_time":
            return self.data.created_time(stream, index)
        return self.data.updated_time(stream, index)

    def _refresh_keys(self, stream: str, index: int) -> None:
        over = self.tables[stream].over.get(index)
        if over is None:
            self._keys[stream].pop(index, None)
            return
        created = over.get("created_time", self.data.created_time(stream, index))
        updated = over.get("updated_time", self.data.updated_time(stream, index))
        self._keys[stream][index] = (
            int(created or 0),
            int(updated or 0),
            self._group(stream, index, over),
        )

    # ----------------------------------------------------------------- rendering

    def render(self, stream: str, index: int) -> Record:
        """The current record at an index, as the API returns it.

        Args:
            stream: Stream name.
            index: Record index (must exist).

        Returns:
            The record.
        """
        return self.tables[stream].render(index)

    def _apply(self, stream: str, rec: Record, over: Record) -> None:
        for key, value in over.items():
            if key == _PROPS:
                self._merge_properties(stream, rec, value)
            else:
                rec[key] = value

    def _merge_properties(self, stream: str, rec: Record, values: dict[str, str]) -> None:
        props: list[Record] = [dict(p) for p in rec.get("properties", [])]
        by_name = {p["name"]: p for p in props}
        fields = {f["field_label"]: f for f in self.data.custom_fields.get(SCOPE_OF[stream], [])}
        for name, value in values.items():
            if name in by_name:
                by_name[name]["value"] = value
                continue
            field = fields.get(name)
            props.append(
                {
                    "name": name,
                    "value": value,
                    "field_type": field["field_type"] if field else "TEXT",
                    "is_searchable": bool(field and field["is_searchable"]),
                    "type": "CUSTOM",
                }
            )
        rec["properties"] = props

    # ----------------------------------------------------------------- cursors

    def make_cursor(self, scope: str, sort_key: str, key: Key) -> str:
        """Sign a keyset position as an opaque cursor.

        Args:
            scope: Stream plus any partition (track, parent) the listing is for.
            sort_key: The canonical sort key.
            key: ``(sort value, index)`` of the page's last record.

        Returns:
            The cursor.
        """
        return sign_cursor(self._mac_key, f"{scope}|{sort_key}|{key[0]}|{key[1]}")

    def read_cursor(self, cursor: str, scope: str, sort_key: str) -> Key:
        """Check and decode a cursor.

        Args:
            cursor: The cursor sent.
            scope: The listing it must belong to.
            sort_key: The sort key it must have been made with.

        Returns:
            ``(sort value, index)``.

        Raises:
            InvalidCursorError: When it is forged, tampered with or from another listing.
        """
        parts = open_cursor(self._mac_key, cursor).split("|")
        if len(parts) != 4 or parts[0] != scope or parts[1] != sort_key:  # noqa: PLR2004
            raise InvalidCursorError(cursor)
        return int(parts[2]), int(parts[3])

    # ----------------------------------------------------------------- listing

    def page(
        self,
        stream: str,
        *,
        sort_key: str,
        cursor: str | None,
        size: int,
        group: int = -1,
    ) -> list[Record]:
        """One page of a paged stream, with ``cursor`` on the last record when more exist.

        Args:
            stream: One of the paged streams.
            sort_key: One of ``SORT_KEYS``.
            cursor: The cursor from the previous page, or None.
            size: Page size (already clamped).
            group: For deals, the track index (-1 for all).

        Returns:
            The records.
        """
        field = sort_key.lstrip("-")
        desc = sort_key.startswith("-")
        scope = f"{stream}:{group}"
        with self.lock:
            after = self.read_cursor(cursor, scope, sort_key) if cursor else None
            members = self._overlay_members(stream, field, group, after, desc=desc)
            base = self._base_keys(stream, field, group, after, desc=desc)
            keys: list[Key] = []
            for key in heapq.merge(base, members, reverse=desc):
                keys.append(key)
                if len(keys) > size:
                    break
            records = [self.render(stream, index) for _, index in keys[:size]]
            if len(keys) > size:
                records[-1]["cursor"] = self.make_cursor(scope, sort_key, keys[size - 1])
        return records

    def _overlay_members(
        self, stream: str, field: str, group: int, after: Key | None, *, desc: bool
    ) -> list[Key]:
        slot = 0 if field == "created_time" else 1
        out: list[Key] = []
        for index, keys in self._keys[stream].items():
            if group >= 0 and keys[2] != group:
                continue
            key = (keys[slot], index)
            if after is None or (key < after if desc else key > after):
                out.append(key)
        out.sort(reverse=desc)
        return out

    def _base_keys(  # noqa: C901 - small key closures, one merge loop
        self, stream: str, field: str, group: int, after: Key | None, *, desc: bool
    ) -> Iterator[Key]:
        data = self.data
        n = data.base_count(stream)
        over = self.tables[stream].over

        def created(i: int) -> int:
            return data.created_time(stream, i)

        def updated(i: int) -> int:
            return data.created_time(stream, i) + data._delta[stream]  # noqa: SLF001

        def zero(_: int) -> int:
            return 0

        def never(i: int) -> bool:
            return data.never_updated(stream, i)

        def ever(i: int) -> bool:
            return not data.never_updated(stream, i)

        runs: list[tuple[Callable[[int], bool] | None, Callable[[int], int]]] = (
            [(None, created)] if field == "created_time" else [(never, zero), (ever, updated)]
        )
        if desc:
            runs.reverse()
        tracks = self.config.tracks
        for member, keyfn in runs:
            if desc:
                i = _last_before(n, keyfn, after)
                step = -1
            else:
                i = _first_after(n, keyfn, after)
                step = 1
            while 0 <= i < n:
                if (
                    i not in over
                    and (group < 0 or i % tracks == group)
                    and (member is None or member(i))
                ):
                    yield (keyfn(i), i)
                i += step

    def children(
        self, stream: str, parent: int, *, sort_key: str, cursor: str | None, size: int
    ) -> list[Record]:
        """One page of a contact's notes or call logs.

        Args:
            stream: ``notes`` or ``call_logs``.
            parent: Contact index.
            sort_key: One of ``SORT_KEYS``.
            cursor: Previous page's cursor or None.
            size: Page size.

        Returns:
            The records, with ``cursor`` on the last one when more exist.
        """
        field = sort_key.lstrip("-")
        desc = sort_key.startswith("-")
        slot = 0 if field == "created_time" else 1
        scope = f"{stream}:{parent}"
        with self.lock:
            after = self.read_cursor(cursor, scope, sort_key) if cursor else None
            if not self.exists("contacts", parent):
                return []
            keys: list[Key] = []
            over = self.tables[stream].over
            for k in range(self.data.children_of(stream, parent)):
                index = parent * CHILD_SLOTS + k
                if index not in over:
                    keys.append((self._base_key(stream, index, field), index))
            keys += [(v[slot], i) for i, v in self._keys[stream].items() if v[2] == parent]
            keys.sort(reverse=desc)
            if after is not None:
                keys = [k for k in keys if (k < after if desc else k > after)]
            records = [self.render(stream, index) for _, index in keys[:size]]
            if len(keys) > size:
                records[-1]["cursor"] = self.make_cursor(scope, sort_key, keys[size - 1])
        return records

    def events(self, start_ms: int, end_ms: int) -> list[Record]:
        """Events whose ``start_time`` (ms) lies in ``[start_ms, end_ms]``, by start time.

        Args:
            start_ms: Window start, epoch ms.
            end_ms: Window end, epoch ms (inclusive).

        Returns:
            The events.
        """
        data = self.data
        out: list[tuple[int, int]] = []
        with self.lock:
            over = self.tables["events"].over
            n = data.base_count("events")
            i = _first_after(n, data.event_start_ms, (start_ms, -1))
            while i < n and data.event_start_ms(i) <= end_ms:
                if i not in over:
                    out.append((data.event_start_ms(i), i))
                i += 1
            for index, value in over.items():
                if value is None:
                    continue
                start = int(self.render("events", index)["start_time"])
                if start_ms <= start <= end_ms:
                    out.append((start, index))
            out.sort()
            return [self.render("events", index) for _, index in out]

    def all_indexes(self, stream: str) -> Iterator[int]:
        """Indexes of every current record of a stream (not custom_fields), in index order.

        Args:
            stream: Stream name.

        Returns:
            The indexes (children: parent by parent, then the created ones).
        """
        return self.tables[stream].indexes()

    def custom_fields(self, scope: str | None = None) -> list[Record]:
        """Current custom field definitions.

        Args:
            scope: One scope, or None for all.

        Returns:
            The definitions, in position order.
        """
        with self.lock:
            scopes = [scope] if scope else list(SCOPES)
            return [dict(f) for s in scopes for f in self.data.custom_fields[s]]

    def small(self, stream: str) -> list[Record]:
        """Every record of an unpaged stream.

        Args:
            stream: tracks, owners, tags, contact_lists or forms.

        Returns:
            The records.
        """
        with self.lock:
            return [self.render(stream, i) for i in self.all_indexes(stream)]

    # ----------------------------------------------------------------- mutations

    def update(self, stream: str, record_id: object, **fields: t.Any) -> Record:  # noqa: ANN401
        """Change a record; ``updated_time`` becomes the clock's now unless given.

        Args:
            stream: Stream name.
            record_id: The record's id.
            **fields: Top-level fields to set; ``properties`` may be a dict ``{name: value}``
                (merged into the properties) or a full list (replacing them).

        Returns:
            The record as now served.
        """
        if stream == "custom_fields":
            return self._update_field(record_id, fields)
        table = self.tables[stream]
        with self.lock:
            index = table.index_for(record_id)
            before = table.over.get(index) or {}
            changes: Record = {}
            for key, value in fields.items():
                if key == "properties" and isinstance(value, dict):
                    changes[_PROPS] = {**before.get(_PROPS, {}), **value}
                else:
                    changes[key] = value
            if "updated_time" not in fields:
                changes["updated_time"] = int(self.now())
            record = table.update(record_id, **changes)
            self._refresh_keys(stream, index)
            return record

    def create(self, stream: str, n: int = 1, **overrides: t.Any) -> list[Record]:  # noqa: ANN401
        """Create records (created_time now, updated_time 0).

        Args:
            stream: Stream name; for notes and call_logs pass ``contact_id`` (or ``parentId``).
            n: How many.
            **overrides: Fields to set on each.

        Returns:
            The new records.

        Raises:
            ValueError: For a child without a parent or an unknown stream.
        """
        if stream not in self.tables:
            msg = f"cannot create records of {stream!r} (use add_custom_field for fields)"
            raise ValueError(msg)
        table = self.tables[stream]
        fields = dict(overrides)
        if isinstance(table, ChildTable):
            parent = fields.pop("contact_id", None)
            parent = fields.pop("parentId", None) if parent is None else parent
            fields.pop("parentId", None)
            if parent is None:
                msg = f"{stream} need a contact_id"
                raise ValueError(msg)
            fields = {_PARENT: parent, LINK[stream]: parent, **fields}
        with self.lock:
            first = table.n_created
            records = table.create(n, **fields)
            base = CREATED_CHILD_BASE if isinstance(table, ChildTable) else table.count_base
            for k in range(first, table.n_created):
                self._refresh_keys(stream, base + k)
        return records

    def delete(self, stream: str, record_id: object) -> None:
        """Delete a record.

        Args:
            stream: Stream name.
            record_id: Its id.

        Raises:
            UnknownRecordError: When there is no such record.
        """
        with self.lock:
            if stream == "custom_fields":
                for fields in self.data.custom_fields.values():
                    for f in fields:
                        if str(f["id"]) == str(record_id):
                            fields.remove(f)
                            return
                raise UnknownRecordError(record_id)
            table = self.tables[stream]
            index = table.index_for(record_id)
            table.delete(record_id)
            self._refresh_keys(stream, index)

    def add_custom_field(
        self, scope: str, label: str, field_type: str, field_data: str = ""
    ) -> Record:
        """Add a custom field definition; existing records of the scope get values for it.

        Args:
            scope: CONTACT, COMPANY, DEAL or TICKET.
            label: Field label (the property name on records).
            field_type: One of the field types.
            field_data: Options for LIST/MULTICHECKBOX (comma-separated).

        Returns:
            The definition.

        Raises:
            ValueError: On an unknown scope or field type.
        """
        if scope not in SCOPES or field_type not in FIELD_TYPES:
            msg = f"bad scope {scope!r} or field_type {field_type!r}"
            raise ValueError(msg)
        if field_type in {"LIST", "MULTICHECKBOX"} and not field_data:
            field_data = "option1,option2,option3"
        with self.lock:
            fields = self.data.custom_fields[scope]
            index = self.data.base_count("custom_fields") + self._added_fields
            self._added_fields += 1
            field = self.data.make_field_definition(
                index, scope, len(fields), label=label, ftype=field_type, data=field_data
            )
            now = int(self.now())
            field["created_time"] = field["updated_time"] = now
            fields.append(field)
            return dict(field)

    def _update_field(self, record_id: object, changes: dict[str, t.Any]) -> Record:
        with self.lock:
            for fields in self.data.custom_fields.values():
                for f in fields:
                    if str(f["id"]) == str(record_id):
                        f.update(changes)
                        f["updated_time"] = int(self.now())
                        return dict(f)
        raise UnknownRecordError(record_id)

    # ----------------------------------------------------------------- ground truth

    def truth(self, stream: str) -> Iterator[Record]:
        """Every current record of a stream, as the API returns it (no cursor keys).

        Args:
            stream: Any stream name.

        Returns:
            The records.
        """
        if stream == "custom_fields":
            return iter(self.custom_fields())
        return self.tables[stream].truth()

    def ids(self, stream: str) -> set[int]:
        """Ids of every current record of a stream.

        Args:
            stream: Any stream name.

        Returns:
            The ids, as ints.
        """
        if stream == "custom_fields":
            return {int(f["id"]) for f in self.custom_fields()}
        return self.tables[stream].id_set()

    def count(self, stream: str) -> int:
        """Number of current records of a stream.

        Args:
            stream: Any stream name.

        Returns:
            The count.
        """
        if stream == "custom_fields":
            return len(self.custom_fields())
        return self.tables[stream].size()


def _first_after(n: int, keyfn: Callable[[int], int], after: Key | None) -> int:
    """Smallest i in [0, n) with ``(keyfn(i), i) > after`` (n when none).

    Args:
        n: Size of the index space.
        keyfn: Non-decreasing key function.
        after: Position to start after, or None for the start.

    Returns:
        The index.
    """
    if after is None:
        return 0
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if (keyfn(mid), mid) > after:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _last_before(n: int, keyfn: Callable[[int], int], after: Key | None) -> int:
    """Largest i in [0, n) with ``(keyfn(i), i) < after`` (-1 when none).

    Args:
        n: Size of the index space.
        keyfn: Non-decreasing key function.
        after: Position to continue before (descending), or None for the end.

    Returns:
        The index.
    """
    if after is None:
        return n - 1
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if (keyfn(mid), mid) >= after:
            hi = mid
        else:
            lo = mid + 1
    return lo - 1

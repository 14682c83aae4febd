"""The simulator core's tables, ids, cursors and fault rules, without any vendor."""

from __future__ import annotations

import pytest

from crm_sim import (
    ChildTable,
    Clock,
    Faults,
    IdSpace,
    InvalidCursorError,
    SequentialIds,
    Table,
    UnknownRecordError,
)
from crm_sim.table import open_cursor, sign_cursor


def make_table(n: int = 50, **kwargs) -> Table:
    ids = IdSpace(1, "things")

    def generate(i: int) -> dict:
        return {"id": ids.id_of(i), "created_time": 1000 + 10 * i, "updated_time": 0, "label": i}

    return Table(
        "things",
        count=n,
        generate=generate,
        created=lambda i: 1000 + 10 * i,
        ids=ids,
        clock=Clock(),
        **kwargs,
    )


def read_all(table: Table, scope: str = "s", size: int = 7, **kwargs) -> list[int]:
    out: list[int] = []
    cursor = None
    while True:
        page = table.page(scope, cursor=cursor, size=size, **kwargs)
        out += page.indexes
        if not page.more:
            return out
        cursor = page.cursor


def test_id_space_is_a_bijection_onto_16_digit_ids():
    ids = IdSpace(3, "contacts")
    seen = set()
    for i in [*range(1000), 10**6 - 1, 2**44 + 5]:
        rid = ids.id_of(i)
        assert len(str(rid)) == 16
        assert ids.index_of(rid) == i
        seen.add(rid)
    assert len(seen) == 1002
    assert ids.index_of(123) == -1
    assert IdSpace(3, "deals").id_of(0) != ids.id_of(0)
    assert SequentialIds(1).id_of(0) == 1
    assert SequentialIds(1).index_of(5) == 4
    assert SequentialIds(1).index_of(0) == -1


def test_paging_reads_every_record_once_in_creation_order_both_ways():
    table = make_table(50)
    assert read_all(table) == list(range(50))
    assert read_all(table, desc=True) == list(range(49, -1, -1))
    assert read_all(table, keep=lambda i: i % 3 == 0) == list(range(0, 50, 3))
    # Bounds limit the base records visited; lo/hi come from a binary search on created time.
    lo = table.first_created_after(1000 + 10 * 20 - 1)
    assert lo == 20
    assert read_all(table, lo=lo, hi=30) == list(range(20, 30))


def test_changes_are_overlays_reflected_in_listings_and_truth():
    table = make_table(20)
    ids = table.ids
    table.clock.offset = -table.clock.now() + 5_000  # the clock at epoch 5000
    updated = table.update(ids.id_of(3), label="changed")
    assert updated["label"] == "changed"
    assert updated["updated_time"] == 5000
    table.delete(str(ids.id_of(4)))  # ids as digit strings are accepted
    created = table.create(2, label="new")
    assert [r["created_time"] for r in created] == [5000, 5000]
    listed = read_all(table)
    assert 4 not in listed
    assert listed[-2:] == [20, 21]
    assert table.size() == 21
    assert {r["id"] for r in table.truth()} == table.id_set()
    assert len(table.id_set()) == 21
    with pytest.raises(UnknownRecordError):
        table.update(ids.id_of(4), label="gone")
    with pytest.raises(UnknownRecordError):
        table.delete("not-an-id")
    assert len(table.over) == 4  # only the changes are held


def test_cursors_are_signed_and_bound_to_their_listing():
    table = make_table(30)
    page = table.page("a", cursor=None, size=5)
    assert page.cursor is not None
    assert table.page("a", cursor=page.cursor, size=5).indexes == [5, 6, 7, 8, 9]
    assert table.page("a", cursor=page.cursor, size=5).number == 2
    with pytest.raises(InvalidCursorError):
        table.page("b", cursor=page.cursor, size=5)
    with pytest.raises(InvalidCursorError):
        table.page("a", cursor=page.cursor[:-2] + "AA", size=5)
    with pytest.raises(InvalidCursorError):
        table.page("a", cursor="not a cursor!", size=5)


def test_child_tables_follow_their_parent():
    parent = make_table(10)
    kids = ChildTable(
        "kids",
        parent=parent,
        slots=3,
        children=lambda p: min(3, p % 4),
        parent_field="parent_id",
        generate=lambda i: {"id": i, "created_time": 1},
        created=lambda _i: 1,
        ids=IdSpace(1, "kids"),
        clock=parent.clock,
    )
    assert kids.of_parent(0) == []
    assert kids.of_parent(2) == [6, 7]
    made = kids.create(1, parent_id=parent.ids.id_of(2))
    assert len(kids.of_parent(2)) == 3
    assert "parent_id" not in made[0]  # the vendor's generator renders the link
    before = kids.size()
    parent.delete(parent.ids.id_of(2))
    assert kids.of_parent(2) == []
    assert kids.size() == before - 3
    with pytest.raises(ValueError, match="need a parent_id"):
        kids.create(1)


def test_fault_rules_fire_by_number_and_by_rate_deterministically():
    faults = Faults(1, [{"kind": "500", "nth": [2, 4]}, {"kind": "429", "rate": 0.5, "path": "x"}])
    kinds = [getattr(faults.pick("/a"), "kind", None) for _ in range(5)]
    assert kinds == [None, "500", None, "500", None]
    draws = [getattr(faults.pick("/x"), "kind", None) for _ in range(200)]
    again = Faults(1, [{"kind": "500", "nth": [2, 4]}, {"kind": "429", "rate": 0.5, "path": "x"}])
    for _ in range(5):
        again.pick("/a")
    assert draws == [getattr(again.pick("/x"), "kind", None) for _ in range(200)]
    assert 60 < draws.count("429") < 140
    capped = Faults(1, [{"kind": "503", "rate": 1.0, "times": 2}])
    assert [getattr(capped.pick("/"), "kind", None) for _ in range(4)] == ["503", "503", None, None]
    with pytest.raises(ValueError, match="unknown fault kind"):
        Faults(1, [{"kind": "nope", "rate": 1}])
    with pytest.raises(ValueError, match="needs a rate"):
        Faults(1, [{"kind": "500"}])


def test_an_id_space_can_start_at_a_given_offset():
    ids = IdSpace(1, "things", offset=(1 << 52) - 1)  # index 0: the largest 16-digit id
    assert ids.id_of(0) == 2**53 - 1
    assert [ids.index_of(ids.id_of(i)) for i in range(5)] == list(range(5))
    assert IdSpace(1, "things").id_of(0) != ids.id_of(0)


def test_a_signed_cursor_opens_only_with_its_key():
    key = b"k" * 32
    cursor = sign_cursor(key, "contacts|created_time|7|3")
    assert open_cursor(key, cursor) == "contacts|created_time|7|3"
    for bad in (cursor[:-2] + "AA", "not-a-cursor", sign_cursor(b"other", "contacts|1|2")):
        with pytest.raises(InvalidCursorError):
            open_cursor(key, bad)

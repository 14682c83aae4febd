"""A tap syncs with the heap it was built with frozen (gc.freeze), and unfreezes it after."""

from __future__ import annotations

import gc
import weakref

from crm_core.tap_base import frozen_heap


class _Cycle:
    def __init__(self):
        self.me = self


def test_frozen_heap_freezes_only_live_objects_and_unfreezes_after():
    garbage = _Cycle()
    gone = weakref.ref(garbage)
    del garbage
    before = gc.get_freeze_count()
    with frozen_heap():
        assert gone() is None  # collected first, not frozen forever
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == 0

"""The last answers of the register's pure folds, each kept with exactly the rows it was made
from, so a second look at an unchanged day costs one read and one comparison, not a fold.

Nothing here decides when a day has changed: the caller reads the day's rows every time, and an
answer is reused only when those rows equal, column by column, the rows it was made from. A late
event, a correction, a purge or an erasure changes the rows, so the next look folds again; no
count, highest ``seq`` or time can miss a change, because none is trusted. What is saved is the
work after the read: making records, folding the day, naming and ordering its stays.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class ReadMemo:
    """A few answers (one a slot: a database, a day, a kind of answer), least recently used
    dropped first. Safe to share between a hub's threads; two threads that miss at once both
    fold, and either answer is right."""

    # Eight: four days' registers and on-site lists (a fold and an answer each). A slot of a
    # 2,000-child nursery's day holds a few megabytes; of a 20,000-child one, tens.
    def __init__(self, slots: int = 8) -> None:
        self._slots = slots
        self._kept: OrderedDict[Hashable, tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def answer(self, slot: Hashable, made_from: Any, make: Callable[[], T]) -> T:
        """``make()``, or the answer kept in ``slot`` if it was made from rows equal to
        ``made_from``. ``make`` must depend on nothing but ``made_from`` (and the slot)."""
        kept = self.kept(slot)
        if kept is not None and kept[0] == made_from:
            return kept[1]  # type: ignore[no-any-return]
        value = make()
        self.keep(slot, made_from, value)
        return value

    def kept(self, slot: Hashable) -> tuple[Any, Any] | None:
        """What ``slot`` holds, whatever it was made from: (made from, answer), or None. For an
        answer that can be carried forward from an older one (db/kept_fold.py)."""
        with self._lock:
            kept = self._kept.get(slot)
            if kept is not None:
                self._kept.move_to_end(slot)
        return kept

    def keep(self, slot: Hashable, made_from: Any, value: Any) -> None:
        with self._lock:
            self._kept[slot] = (made_from, value)
            self._kept.move_to_end(slot)
            while len(self._kept) > self._slots:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

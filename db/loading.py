"""Reading thousands of plain records at once without Python's cycle collector in the way.

Each few hundred new objects start a collection, and every so often that collection walks the
whole heap: in a kiosk that holds Kivy, SQLAlchemy and the people book, loading 2,000 children's
book paid more for those walks than for the reading itself. Records read from the database form
no reference cycles, so nothing is lost by letting the collector resume when the load is done.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for a bulk read; restore it as it was, whatever happens.
    Process-wide, so keep it round reads that take milliseconds, not round waits."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

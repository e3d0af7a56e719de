"""The one thread the door's decisions and writes run on, and the named events it announces.

One worker, in order: SQLite keeps a single writer, the door's day is never read half-updated,
and bcrypt checks never hold up the screen. Screens and the sync loop hear of changes by name
(:mod:`kiosk.service` names them) and hop threads themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

log = logging.getLogger("handover.kiosk")
T = TypeVar("T")


class DoorThread:
    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="door")
        self._listeners: dict[str, list[Callable[[], None]]] = {}

    def subscribe(self, name: str, handler: Callable[[], None]) -> None:
        self._listeners.setdefault(name, []).append(handler)

    def _emit(self, name: str) -> None:
        for handler in self._listeners.get(name, ()):
            handler()

    def run(
        self,
        work: Callable[[], T],
        then: Callable[[T], None] | None = None,
        failed: Callable[[Exception], None] | None = None,
    ) -> Future[T]:
        """Run ``work`` on the door thread; ``then`` or ``failed`` are called there too."""

        def job() -> T:
            try:
                result = work()
            except Exception as exc:
                if failed is None:
                    log.exception("door operation failed")
                    raise
                failed(exc)
                raise
            if then is not None:
                then(result)
            return result

        return self._thread.submit(job)

    def shutdown(self) -> None:
        self._thread.shutdown(wait=True)

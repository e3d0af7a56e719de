"""A thread the hub runs beside its pages (the e-mail sender, the watch for children not
brought): started when the hub starts serving, stopped when it stops, never in a request."""

from __future__ import annotations

import threading
from collections.abc import Callable


class BackgroundThread:
    def __init__(self, name: str) -> None:
        self.thread_name = name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_beside(self, loop: Callable[[], None]) -> None:
        self._thread = threading.Thread(target=loop, name=self.thread_name, daemon=True)
        self._thread.start()

    def stopping(self, seconds: float) -> bool:
        """Waits ``seconds``, or less if the hub stops meanwhile; True when it stops."""
        return self._stop.wait(seconds)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            # A round stuck on a silent server or database is left to die with the process.
            self._thread.join(timeout=5)

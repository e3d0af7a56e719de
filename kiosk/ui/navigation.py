"""What the flows ask of the app: show a screen with its context, read the latest snapshot,
and run work on the door thread. The app (kiosk/app.py) is the one navigator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from kiosk.snapshot import DoorSnapshot


class Navigator(Protocol):
    screens: Any  # the ScreenManager: which screen is showing, and with what context

    @property
    def snapshot(self) -> DoorSnapshot: ...

    def go(self, name: str, **context: Any) -> None: ...

    def home(self, notice: str = "") -> None: ...

    def call(
        self,
        work: Callable[[], Any],
        then: Callable[[Any], None] | None = None,
        failed: Callable[[Exception], None] | None = None,
    ) -> None: ...

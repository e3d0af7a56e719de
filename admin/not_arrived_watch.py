"""The hub's watch for children not brought: a background thread that, about once a minute,
raises the "not yet arrived" alerts that have come due and resolves those the record now
answers (admin/office/not_arrived.py). It runs in the hub, not in a page, so staff who are not
looking at Today are told too, and a door gets the alert with its next pull."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from admin.background import BackgroundThread
from admin.office.not_arrived import check_not_arrived
from admin.ops.logs import log_event
from db.audit import set_actor

CHECK_EVERY = 60.0  # seconds; HANDOVER_NOT_ARRIVED_CHECK_SECONDS overrides


def check_every() -> float:
    """Seconds between checks; 0 turns the watch off (tests of other things, whose demo
    nursery would otherwise raise alerts depending on the hour they run at)."""
    try:
        every = float(os.environ.get("HANDOVER_NOT_ARRIVED_CHECK_SECONDS", CHECK_EVERY))
    except ValueError:
        return CHECK_EVERY
    return 0.0 if every <= 0 else max(0.5, every)


class NotArrivedWatch(BackgroundThread):
    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        super().__init__("not-arrived")
        self.sessions, self.clock = sessions, clock
        self.every = check_every()

    def start(self) -> None:
        if not self.every:
            log_event("not_arrived_watch_off")
            return
        self.run_beside(self._loop)

    def _loop(self) -> None:
        # At once on start: a hub started at ten has children overdue since nine.
        while True:
            try:
                self.check()
            except Exception as exc:  # the database away for a moment: try at the next round
                log_event("not_arrived_check_failed", error=type(exc).__name__)
            if self.stopping(self.every):
                return

    def check(self) -> None:
        with self.sessions() as db:
            set_actor(db, "hub")
            check_not_arrived(db, self.clock())

"""When each kiosk was last heard from, and how far off its clock was: kept in memory, written
to the ``kiosks`` table every few seconds.

Writing it on every request cost a write and a commit per sync call (a tenth of the hub's time
under load) and, on SQLite, made every pull queue behind whatever write was in progress. A
kiosk calls every few seconds, so the panel loses nothing it could show: it reads the table at
most :data:`FLUSH_EVERY` seconds behind. What a crash of the hub loses is at most that much of
"last seen" and clock readings, which the kiosks resend with their next request; a clean stop
writes everything (``atexit``).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session, sessionmaker

from db.models import Kiosk

log = logging.getLogger("handover.hub.seen")
FLUSH_EVERY = 5.0  # seconds


@dataclass(frozen=True)
class Sighting:
    at: datetime
    skew: float | None  # the hub's clock minus the kiosk's, when it sent its time


class SeenBook:
    """The latest sighting of each kiosk not yet written. A request only notes it; the first
    request after :data:`FLUSH_EVERY` seconds (or a kiosk's first since the hub started) starts
    a short-lived thread that writes them all in one transaction, so no request waits for it."""

    def __init__(self, sessions: sessionmaker[Session], *, every: float = FLUSH_EVERY) -> None:
        self.sessions = sessions
        self.every = every
        self._waiting: dict[int, Sighting] = {}
        self._known: set[int] = set()
        self._lock = threading.Lock()
        self._flushing = False
        self._last_flush = time.monotonic()
        atexit.register(self._flush_in_background)

    def note(self, kiosk_id: int, at: datetime, skew: float | None) -> None:
        with self._lock:
            self._waiting[kiosk_id] = Sighting(at, skew)
            new = kiosk_id not in self._known
            due = new or time.monotonic() - self._last_flush >= self.every
            if not due or self._flushing:
                return
            self._flushing = True
        threading.Thread(target=self._flush_in_background, name="seen", daemon=True).start()

    def _flush_in_background(self) -> None:
        try:
            self.flush()
        except Exception:  # the next due request tries again; a sync must not fail for this
            log.exception("could not write when kiosks were last seen")
        finally:
            with self._lock:
                self._flushing = False

    def flush(self) -> None:
        """Write every waiting sighting now, in one transaction."""
        with self._lock:
            waiting, self._waiting = self._waiting, {}
            self._last_flush = time.monotonic()
        if not waiting:
            return
        try:
            self._write(waiting)
        except Exception:
            with self._lock:  # put them back, unless a newer sighting came meanwhile
                self._waiting = {**waiting, **self._waiting}
            raise
        with self._lock:
            self._known.update(waiting)

    def _write(self, waiting: dict[int, Sighting]) -> None:
        # Two statements: a kiosk that sent no clock keeps the last reading it did send.
        with self.sessions.begin() as db:
            _update(db, [{"kiosk": k, "at": s.at} for k, s in waiting.items()], clock=False)
            clocked = [
                {"kiosk": k, "at": s.at, "skew": s.skew}
                for k, s in waiting.items()
                if s.skew is not None
            ]
            _update(db, clocked, clock=True)


def _update(db: Session, rows: list[dict[str, Any]], *, clock: bool) -> None:
    if not rows:
        return
    values: dict[str, Any] = {"last_seen_at": bindparam("at")}
    if clock:
        values |= {"clock_skew_seconds": bindparam("skew"), "clock_checked_at": bindparam("at")}
    # On the connection, not the ORM session: "last seen" is not a change to people data, so
    # it takes no sync version and writes no audit entry.
    statement = update(Kiosk).where(Kiosk.id == bindparam("kiosk")).values(values)
    db.connection().execute(statement, rows)

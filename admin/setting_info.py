"""The few setting values every page shows, read once and forgotten when the manager saves."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from admin.dates import DEFAULT_ORDER, DateOrder, date_order
from db.clock import DEFAULT_TIME_ZONE
from db.models import Setting


@dataclass(frozen=True)
class SettingInfo:
    name: str
    time_zone: str
    minimum_collector_age: int
    date_order: DateOrder


class SettingCache:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()
        self._info: SettingInfo | None = None

    def __call__(self) -> SettingInfo:
        with self._lock:
            if self._info is None:
                with self._sessions() as db:
                    row = db.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
                if row is None:
                    return SettingInfo("Handover", DEFAULT_TIME_ZONE, 16, date_order(DEFAULT_ORDER))
                order = date_order((row.extra or {}).get("date_order"))
                self._info = SettingInfo(row.name, row.time_zone, row.minimum_collector_age, order)
            return self._info

    def forget(self) -> None:
        with self._lock:
            self._info = None

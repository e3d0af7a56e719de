"""What one door may store in an hour: far more than any door's busiest morning or a week's
backlog after the office was down, far less than a stolen token can fill a disk with.

Seen: one kiosk token pushed 5,000 events of a made-up kind in 5 s (29 MB: about 20 GB an
hour). An event of a kind this hub does not know is passed on, never used (admin/api/events.py),
so a newer door needs few of them; an honest event is a few hundred bytes. Over a quota the
push is refused whole with 429 ``quota_exceeded`` and ``Retry-After`` (the door keeps its
outbox and tries again), and the office gets one alert per door per hour, so a flood is seen
the day it starts.

The counts are kept in the hub's memory: a restart forgets them, which costs an attacker a
restart they cannot cause, and keeps a write off every push.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from admin.api.errors import ApiError
from db.events import KNOWN_TYPES, append_events
from db.models import Kiosk
from db.timeline import EventRecord
from db.vocabulary import SEVERITY_OF, STAFF_TEXT, EventType, Reason

WINDOW = timedelta(hours=1)
EVENTS_PER_HOUR = 20_000  # a 200-child nursery makes about 4,000 events a week
BYTES_PER_HOUR = 16 * 1024 * 1024  # 20,000 honest events are about 4 MB
UNKNOWN_KINDS_PER_HOUR = 200
ENVELOPE_BYTES = 200  # what an event costs besides its payload: ids, times, names


@dataclass(frozen=True)
class Spent:
    at: datetime
    events: int
    unknown: int
    size: int


@dataclass(frozen=True)
class OverQuota:
    what: str  # in words, for the alert and the door's log
    retry_after: int  # seconds until enough of the hour has passed


class KioskQuotas:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spent: dict[int, deque[Spent]] = {}
        self._alerted: dict[int, datetime] = {}

    def charge(self, kiosk_id: int, records: list[EventRecord], now: datetime) -> OverQuota | None:
        """Counts this push against the door's hour, or says which quota it would pass (and
        then counts nothing: the door will send the same events again)."""
        push = Spent(now, len(records), _unknown(records), _size(records))
        with self._lock:
            spent = self._spent.setdefault(kiosk_id, deque())
            while spent and spent[0].at <= now - WINDOW:
                spent.popleft()
            over = _over(spent, push)
            if over is None:
                spent.append(push)
                return None
            wait = (spent[0].at + WINDOW - now).total_seconds() if spent else 60
            return OverQuota(over, max(1, int(wait)))

    def first_alert_this_hour(self, kiosk_id: int, now: datetime) -> bool:
        with self._lock:
            last = self._alerted.get(kiosk_id)
            if last is not None and now - last < WINDOW:
                return False
            self._alerted[kiosk_id] = now
            return True


def _over(spent: deque[Spent], push: Spent) -> str | None:
    events = push.events + sum(s.events for s in spent)
    unknown = push.unknown + sum(s.unknown for s in spent)
    size = push.size + sum(s.size for s in spent)
    if unknown > UNKNOWN_KINDS_PER_HOUR:
        return f"more than {UNKNOWN_KINDS_PER_HOUR} events of kinds this office does not know"
    if events > EVENTS_PER_HOUR:
        return f"more than {EVENTS_PER_HOUR:,} events"
    if size > BYTES_PER_HOUR:
        return f"more than {BYTES_PER_HOUR // (1024 * 1024)} MB of events"
    return None


def _unknown(records: list[EventRecord]) -> int:
    return sum(1 for r in records if r.type not in KNOWN_TYPES)


def _size(records: list[EventRecord]) -> int:
    return sum(ENVELOPE_BYTES + len(json.dumps(r.payload, default=str)) for r in records)


def refuse_over_quota(
    db: Session, quotas: KioskQuotas, kiosk: Kiosk, records: list[EventRecord], now: datetime
) -> None:
    """Raises 429 when this push would pass one of the door's quotas, after telling the office
    (once an hour) which door and what it sent."""
    over = quotas.charge(kiosk.id, records, now)
    if over is None:
        return
    if quotas.first_alert_this_hour(kiosk.id, now):
        reason = Reason.KIOSK_OVER_QUOTA
        alert = EventRecord(
            uuid=str(uuid.uuid4()),
            type=EventType.ALERT_RAISED,
            occurred_at=now,
            device=kiosk.name,
            payload={
                "reason": reason.value,
                "severity": SEVERITY_OF[reason].value,
                "text": f"{STAFF_TEXT[reason]} ({kiosk.name}: {over.what} in an hour)",
                "kiosk_id": kiosk.id,
            },
        )
        append_events(db, [alert])
        db.commit()
    raise ApiError(
        429,
        "quota_exceeded",
        f"This kiosk sent {over.what} in an hour; the office has been told. "
        "Keep the events and try again later.",
        headers={"Retry-After": str(over.retry_after)},
    )

"""A morning at Little Acorns, written as the kiosk would write it: staff sign in to their
rooms, children arrive with a carer, most arrivals are seen by staff, a visitor comes in."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.events import append_events
from db.models import Authorisation, Child, Staff
from db.timeline import EventRecord
from db.vocabulary import STAFF_TEXT, EventType, Reason, Severity

DOOR = "front-door"


def event(kind: EventType, at: datetime, **fields: object) -> EventRecord:
    return EventRecord(uuid=str(uuid4()), type=kind, occurred_at=at, device=DOOR, **fields)  # type: ignore[arg-type]


def morning(
    session: Session,
    *,
    start: datetime,
    children: int = 14,
    staff_usernames: tuple[str, ...] = ("saskia", "priya", "aisha", "olu"),
) -> list[EventRecord]:
    """Arrivals from ``start``; the last two arrivals are not yet seen by staff."""
    staff = {s.username: s for s in session.scalars(select(Staff))}
    records = [
        event(
            EventType.STAFF_SIGNED_IN,
            start - timedelta(minutes=20),
            staff_id=staff[u].id,
            room_id=staff[u].room_id,
        )
        for u in staff_usernames
    ]
    kids = session.scalars(select(Child).order_by(Child.id).limit(children)).all()
    for index, child in enumerate(kids):
        carer = session.scalar(
            select(Authorisation.adult_id).where(
                Authorisation.child_id == child.id, Authorisation.parental_responsibility.is_(True)
            )
        )
        at = start + timedelta(minutes=3 * index)
        arrival = event(
            EventType.CHILD_ARRIVED, at, child_id=child.id, adult_id=carer, room_id=child.room_id
        )
        records.append(arrival)
        if index < len(kids) - 2:
            records.append(
                event(
                    EventType.ARRIVAL_ACKNOWLEDGED,
                    at + timedelta(minutes=1),
                    child_id=child.id,
                    ref=arrival.uuid,
                    staff_id=staff[staff_usernames[0]].id,
                )
            )
    records.append(
        event(
            EventType.VISITOR_SIGNED_IN,
            start + timedelta(minutes=50),
            staff_id=staff[staff_usernames[1]].id,
            payload={
                "name": "Dr Hana Ito",
                "organisation": "NHS speech therapy",
                "visiting": "Pre-school",
            },
        )
    )
    append_events(session, records)
    session.commit()
    return records


def unknown_card_alert(
    session: Session, *, at: datetime, child_id: int | None = None
) -> EventRecord:
    alert = event(
        EventType.ALERT_RAISED,
        at,
        child_id=child_id,
        payload={
            "reason": Reason.UNKNOWN_CARD.value,
            "severity": Severity.HIGH.value,
            "text": STAFF_TEXT[Reason.UNKNOWN_CARD],
            "presented": {"card_id": "QQQQ7777AA"},
        },
    )
    append_events(session, [alert])
    session.commit()
    return alert

"""Children not brought (issue 15 §4): the hub raises a "not yet arrived" alert, once per child
per day, for a booked child past their session's start plus the setting's minutes with no
arrival and no absence recorded, so that staff who are not looking at Today are told, every
door shows it, and the follow-up is on the record (the EYFS asks settings to follow up a child
who is not brought).

The alert is an event the office signs, like every other office record. Its UUID is made from
the child and the day, so two checks at once, or a check after a restart, raise it once: the
stream's counter is locked before the stored UUIDs are read, and the insert ignores a UUID
already stored. It is answered by staff with a note (the Alerts page, a door's staff mode), or
by the hub itself when the child arrives or an absence is recorded (by the office, or told
by a parent on the parents' page: admin/office/parents_absences.py)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from uuid import NAMESPACE_URL, uuid5
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from admin.hub_key import OFFICE, seal_office_events
from admin.office.absences import REPORTED_BY_PARENT, Absent, not_yet_arrived, recorded_absences
from admin.office.alerts import open_alert_records
from admin.office.closed_days import closure_on
from admin.ops.logs import log_alerts, log_event
from db.clock import local_day
from db.day_parts import Alert
from db.events import append_events, raw_record_columns, take_positions, to_records
from db.models import Child, Event
from db.register import PRESENCE_TYPES, Names, day_timeline, setting_zone
from db.timeline import EventRecord, Timeline
from db.vocabulary import ABSENCE_TEXT, SEVERITY_OF, STAFF_TEXT, AbsenceReason, EventType, Reason

REASON = Reason.NOT_ARRIVED
ARRIVING = (EventType.CHILD_ARRIVED, EventType.CHILD_COLLECTED)
# Fixed, so that the same child and day give the same UUID on every run of the hub.
NAMESPACE = uuid5(NAMESPACE_URL, "https://handover.invalid/not-arrived")


def alert_uuid(child_id: int, day: date) -> str:
    return str(uuid5(NAMESPACE, f"{child_id}/{day.isoformat()}"))


def _answer_uuid(alert: str) -> str:
    return str(uuid5(NAMESPACE, f"{alert}/answered"))


def _raised(absent: Absent, day: date, now: datetime) -> EventRecord:
    return EventRecord(
        uuid=alert_uuid(absent.child_id, day),
        type=EventType.ALERT_RAISED,
        occurred_at=now,
        device=OFFICE,
        child_id=absent.child_id,
        payload={
            "reason": REASON.value,
            "severity": SEVERITY_OF[REASON].value,
            # The words alone, as a door's alerts carry them: each door translates them.
            "text": STAFF_TEXT[REASON],
            "day": day.isoformat(),
            "booked_from": absent.booked_from.strftime("%H:%M"),
            "sessions": absent.sessions,
        },
    )


def _store_once(db: Session, records: list[EventRecord]) -> list[EventRecord]:
    """The office's events whose UUIDs are not stored yet, signed, stored and committed. The
    counter is locked first, so a second check waits here and then finds the first's."""
    if not records:
        return []
    take_positions(db, 0)
    known = set(db.scalars(select(Event.uuid).where(Event.uuid.in_([r.uuid for r in records]))))
    fresh = [r for r in records if r.uuid not in known]
    stored = append_events(db, seal_office_events(db, fresh)) if fresh else []
    db.commit()
    log_alerts(stored)
    return stored


def raise_not_arrived(db: Session, now: datetime) -> list[EventRecord]:
    """Raise the alert for each booked child now overdue today and not alerted on yet; returns
    the alerts raised by this call."""
    day = local_day(now, setting_zone(db))
    return _store_once(db, [_raised(a, day, now) for a in not_yet_arrived(db, now)])


@dataclass(frozen=True)
class _Answer:
    note: str
    staff_id: int | None = None


class _Day:
    """What answers the alerts of one day: arrivals, absences recorded (a parent's too), and
    the day being put down as closed after its alerts were raised."""

    def __init__(self, db: Session, day: date) -> None:
        self.stays = day_timeline(db, day, setting_zone(db), types=PRESENCE_TYPES).stays
        self.absences = recorded_absences(db, day)
        self.zone = setting_zone(db)
        self.closure = closure_on(db, day)

    def answer(self, db: Session, child_id: int) -> _Answer | None:
        if child_id in self.stays:
            came = min(s.arrived_at for s in self.stays[child_id])
            return _Answer(f"Arrived at {came.astimezone(self.zone):%H:%M}.")
        absence = self.absences.get(child_id)
        if absence is not None:
            return _Answer(_absence_note(absence.payload), absence.staff_id)
        if self.closure is not None:
            return _Answer(f"The nursery was closed that day ({self.closure.label}).")
        child = db.get(Child, child_id)
        if child is None or child.deleted_at is not None:
            return _Answer("No longer on the roll.")
        return None


def _absence_note(payload: dict[str, object]) -> str:
    why = raw = str(payload.get("reason", ""))
    if raw in {r.value for r in AbsenceReason}:
        why = ABSENCE_TEXT[AbsenceReason(raw)]
    note = str(payload.get("note", "")).strip()
    said = f"{why} ({note})." if note else f"{why}."
    if payload.get(REPORTED_BY_PARENT):
        parent = payload.get("parent_name") or "a parent"
        return f"Absence told by {parent} on the parents' page: {said}"
    return f"Absence recorded: {said}"


def _open(db: Session, now: datetime, children: Collection[int] | None) -> list[Alert]:
    return [
        a
        for a in open_alert_records(db, now)
        if a.reason == REASON
        and a.child_id is not None
        and (children is None or a.child_id in children)
    ]


def answer_not_arrived(
    db: Session, now: datetime, *, children: Collection[int] | None = None
) -> list[EventRecord]:
    """Resolve the open not-arrived alerts (of ``children``, or all) that the record now
    answers, each with a note of what answered it; returns the resolutions stored."""
    alerts = _open(db, now, children)
    days: dict[date, _Day] = {}
    resolutions: list[EventRecord] = []
    for alert in alerts:
        assert alert.child_id is not None  # _open keeps only alerts that name a child
        day = date.fromisoformat(str(alert.details.get("day")))
        if day not in days:
            days[day] = _Day(db, day)
        answer = days[day].answer(db, alert.child_id)
        if answer is not None:
            resolutions.append(_resolution(alert, answer, now))
    return _store_once(db, resolutions)


def answer_arrivals(db: Session, stored: Iterable[EventRecord], now: datetime) -> None:
    """Resolve the not-arrived alerts of the children a door's batch brought in, with their
    arrival rather than at the hub's next check. The batch is stored already: a failure here
    is the next check's to mend, never a reason to refuse the door."""
    came = {r.child_id for r in stored if r.type in ARRIVING and r.child_id is not None}
    if not came:
        return
    try:
        answer_not_arrived(db, now, children=came)
    except Exception as exc:  # see above
        db.rollback()
        log_event("not_arrived_answer_failed", error=type(exc).__name__)


def _resolution(alert: Alert, answer: _Answer, now: datetime) -> EventRecord:
    return EventRecord(
        uuid=_answer_uuid(alert.uuid),
        type=EventType.ALERT_RESOLVED,
        occurred_at=now,
        device=OFFICE,
        child_id=alert.child_id,
        staff_id=answer.staff_id,
        ref=alert.uuid,
        payload={"note": answer.note},
    )


def follow_ups(db: Session, day: date, children: Iterable[int]) -> dict[int, str]:
    """What was done about each child's not-arrived alert that day, for the register: the
    note and who wrote it, or who is dealing with it, or that nobody has yet."""
    uuids = [alert_uuid(child_id, day) for child_id in children]
    if not uuids:
        return {}
    rows = db.execute(
        select(*raw_record_columns())
        .where(or_(Event.uuid.in_(uuids), Event.ref.in_(uuids)))
        .order_by(Event.seq)
    ).all()
    zone, staff = setting_zone(db), Names.load(db).staff
    alerts = Timeline.of(to_records(rows)).alerts.values()
    return {a.child_id: _done(a, staff, zone) for a in alerts if a.child_id is not None}


def _done(alert: Alert, staff: dict[int, str], zone: ZoneInfo) -> str:
    if alert.resolved_at is not None:
        who = staff.get(alert.resolved_by_staff_id or -1, "")
        at = f"{alert.resolved_at.astimezone(zone):%H:%M}"
        return f"{alert.resolution} ({who}, {at})" if who else f"{alert.resolution} ({at})"
    if alert.acknowledged_at is not None:
        who = staff.get(alert.acknowledged_by_staff_id or -1, "Staff")
        return f"{who} is following up ({alert.acknowledged_at.astimezone(zone):%H:%M})"
    return f"Alerted at {alert.raised_at.astimezone(zone):%H:%M}: not followed up yet"


def check_not_arrived(db: Session, now: datetime) -> None:
    """One round of the hub's watch: raise what is due, then answer what the record answers
    (a child who came between the two reads is answered at once, not a minute later)."""
    raise_not_arrived(db, now)
    answer_not_arrived(db, now)

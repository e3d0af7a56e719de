"""Arrivals, departures and late collections e-mailed to the carers who opted in (issue 17),
each in the carer's language: who brought or collected the child, the time and the key person.

Read from the event log by the hub's sender thread (admin/notice_sender.py) after the doors'
events are stored, never during a sync, so a door never waits on e-mail. A cursor (db
``notice_cursor``) says how far the log has been read; events become visible in the order
of their position, because a push holds the position counter until it commits
(db/events.py ``take_positions``), so nothing slips in behind the cursor. Never twice: each
notice's Message-ID is made from the event (for a late collection, from the stay, which
every door may alert on) and the adult, and one already queued is not queued again."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin.notice_language import _, language_of, translation
from admin.office.notices import ENGLISH, Words, name_of, nursery_name, queue_notice
from admin.ops.logs import log_event
from db.models import Adult, Authorisation, Child, Event, Notice, NoticeCursor, Staff
from db.register import setting_zone
from db.vocabulary import EventType, Reason

ARRIVAL, DEPARTURE, LATE = "arrival", "departure", "late_collection"
BATCH = 200
# A door that was offline all day brings its morning at tea time: telling a parent then that
# their child arrived is noise, so such events are passed over (the register has them).
TOO_OLD = timedelta(hours=3)
WATCHED = (EventType.CHILD_ARRIVED, EventType.CHILD_COLLECTED, EventType.ALERT_RAISED)


def queue_opted_in_notices(db: Session, now: datetime) -> int:
    """Queue notices for the events stored since the last call; returns how many. The
    caller commits (the notices and the cursor together)."""
    cursor = db.get(NoticeCursor, 1)
    if cursor is None:  # the first run after the upgrade: from now on, not the past
        top = db.scalar(select(func.coalesce(func.max(Event.seq), 0)))
        db.add(NoticeCursor(id=1, event_seq=int(top or 0)))
        log_event("notice_cursor_started", event_seq=int(top or 0))
        return 0
    events = db.scalars(
        select(Event).where(Event.seq > cursor.event_seq).order_by(Event.seq).limit(BATCH)
    ).all()
    queued = 0
    for event in events:
        if event.type in WATCHED and now - event.occurred_at <= TOO_OLD:
            queued += _queue_for(db, event, now)
    if events:
        cursor.event_seq = events[-1].seq
    if queued:
        log_event("notices_from_events", queued=queued, up_to=cursor.event_seq)
    return queued


def _kind_of(event: Event) -> str | None:
    if event.type == EventType.CHILD_ARRIVED:
        return ARRIVAL
    if event.type == EventType.CHILD_COLLECTED:
        return DEPARTURE
    late = event.payload.get("reason") == Reason.LATE_COLLECTION
    if event.type == EventType.ALERT_RAISED and late:
        return LATE
    return None


def carers_told(db: Session, child_id: int, kind: str) -> list[Adult]:
    """The child's authorised adults who opted into this kind of notice and gave an address."""
    wanted = Adult.notify_late if kind == LATE else Adult.notify_arrivals
    rows = db.scalars(
        select(Adult)
        .join(Authorisation, Authorisation.adult_id == Adult.id)
        .where(
            Authorisation.child_id == child_id,
            Authorisation.deleted_at.is_(None),
            Adult.deleted_at.is_(None),
            wanted.is_(True),
        )
        .order_by(Adult.id)
    ).all()
    return [a for a in rows if a.email and "@" in a.email]


def _queue_for(db: Session, event: Event, now: datetime) -> int:
    kind = _kind_of(event)
    child = db.get(Child, event.child_id or -1)
    if kind is None or child is None or child.deleted_at is not None:
        return 0
    about = event.ref if kind == LATE and event.ref else event.uuid
    queued = 0
    for carer in carers_told(db, child.id, kind):
        message_id = f"<handover.{kind}.{about}.{carer.id}@handover>"
        if db.scalar(select(Notice.id).where(Notice.message_id == message_id)) is not None:
            continue  # another door's alert for the same stay: told once already
        what = _what(db, event, kind, child)
        say = translation(language_of(carer.language)).gettext
        lines = [
            say(_("Dear {name},")).format(name=carer.first_name),
            *(w.say(translation(language_of(carer.language))) for w in what),
        ]
        queue_notice(
            db,
            kind=kind,
            to=carer,
            child=child,
            subject=say(SUBJECTS[kind]).format(nursery=nursery_name(db)),
            lines=lines,
            summary=what[0].say(ENGLISH),
            now=now,
            message_id=message_id,
        )
        db.flush()  # the next door's duplicate alert in this batch finds it
        queued += 1
    return queued


SUBJECTS = {
    ARRIVAL: _("Arrival at {nursery}"),
    DEPARTURE: _("Home time at {nursery}"),
    LATE: _("Not yet collected at {nursery}"),
}


# What the door did, who did it, and where the door wrote a typed-in name: by kind.
COMINGS_AND_GOINGS = {
    ARRIVAL: (
        _("{child} arrived at {nursery} at {time}."),
        _("Brought by: {adult}."),
        "brought_by_name",
    ),
    DEPARTURE: (
        _("{child} went home from {nursery} at {time}."),
        _("Collected by: {adult}."),
        "collector_name",
    ),
}


def _what(db: Session, event: Event, kind: str, child: Child) -> list[Words]:
    time = event.occurred_at.astimezone(setting_zone(db)).strftime("%H:%M")
    key_person = db.get(Staff, child.key_person_id or -1)
    keys = [Words(_("Key person: {staff}."), staff=name_of(key_person))] if key_person else []
    if kind in COMINGS_AND_GOINGS:
        happened, by_whom, typed = COMINGS_AND_GOINGS[kind]
        by = _who(db, event.adult_id, event.payload.get(typed))
        where = {"child": child.first_name, "nursery": nursery_name(db), "time": time}
        return [Words(happened, **where), Words(by_whom, adult=by), *keys]
    ended = str(event.payload.get("session_ended") or "")
    late = _("{child} has not been collected yet: the session ended at {end}.")
    return [
        Words(late, child=child.first_name, end=ended),
        *keys,
        Words(_("Please call the nursery if you are held up.")),
    ]


def _who(db: Session, adult_id: int | None, typed: object) -> str:
    adult = db.get(Adult, adult_id or -1)
    if adult is not None:
        return name_of(adult)
    return str(typed or "") or "-"

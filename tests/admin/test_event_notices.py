"""Which door events become e-mails to carers who opted in (issue 17), read from the event log
as the hub's sender reads it: only opted-in carers, only fresh events, each at most once."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from admin.office.event_notices import queue_opted_in_notices
from admin.office.notices import Words, queue_collection_change
from db.engine import make_engine, session_factory
from db.events import append_events
from db.models import Adult, Child, Notice, Staff
from db.timeline import EventRecord
from db.vocabulary import EventType
from tests.admin.conftest import NOW


def _session(database: str) -> Session:
    return session_factory(make_engine(database))()


def _arrival(db: Session, child: Child, adult: Adult, at: datetime) -> EventRecord:
    event = EventRecord(
        uuid=str(uuid4()),
        type=EventType.CHILD_ARRIVED,
        occurred_at=at,
        device="front-door",
        child_id=child.id,
        adult_id=adult.id,
    )
    append_events(db, [event])
    return event


def _people(db: Session) -> tuple[Child, Adult, Adult]:
    theo = db.scalars(select(Child).where(Child.first_name == "Theo")).one()
    gemma = db.scalars(select(Adult).where(Adult.first_name == "Gemma")).one()
    marcus = db.scalars(select(Adult).where(Adult.first_name == "Marcus")).one()
    return theo, gemma, marcus


def test_only_carers_who_opted_in_hear_of_a_fresh_arrival_and_only_once(database: str) -> None:
    with _session(database) as db:
        theo, gemma, marcus = _people(db)
        queue_opted_in_notices(db, NOW)  # up to date with what the seed holds
        db.execute(update(Adult).where(Adult.id == gemma.id).values(notify_arrivals=True))
        _arrival(db, theo, marcus, NOW - timedelta(hours=4))  # a door offline since morning
        _arrival(db, theo, marcus, NOW - timedelta(minutes=1))
        db.commit()

        assert queue_opted_in_notices(db, NOW) == 1
        db.commit()
        assert queue_opted_in_notices(db, NOW) == 0  # read once: nothing new
        (notice,) = db.scalars(select(Notice).where(Notice.kind == "arrival")).all()
        assert notice.to_adult_id == gemma.id and notice.child_id == theo.id
        assert "Theo arrived at" in notice.text_body and "Brought by: Marcus" in notice.text_body
        assert "Theo" not in notice.subject


def test_no_one_who_did_not_opt_in_is_told_of_an_arrival(database: str) -> None:
    with _session(database) as db:
        theo, _, marcus = _people(db)
        queue_opted_in_notices(db, NOW)
        db.execute(update(Adult).values(notify_arrivals=False, notify_late=False))
        _arrival(db, theo, marcus, NOW - timedelta(minutes=1))
        db.commit()
        assert queue_opted_in_notices(db, NOW) == 0
        assert not db.scalars(select(Notice)).all()


def test_a_parent_who_reads_urdu_is_written_to_in_urdu_right_to_left(database: str) -> None:
    with _session(database) as db:
        theo, gemma, _ = _people(db)
        gemma.language = "ur"
        manager = db.scalars(select(Staff)).first()
        assert manager is not None
        ended = Words("{adult} may no longer collect {child}.", adult="Bob Hughes", child="Theo")
        notices = queue_collection_change(db, child=theo, what=ended, by=manager, now=NOW)
        mine = [n for n in notices if n.to_adult_id == gemma.id]
        (notice,) = mine
        assert "Bob Hughes اب Theo کو نہیں لے جا سکتے۔" in notice.text_body
        assert '<html lang="ur" dir="rtl">' in notice.html_body
        assert "Theo" not in notice.subject and "Bob" not in notice.subject
        others = [n for n in notices if n.to_adult_id != gemma.id]
        assert others and all("may no longer collect" in n.text_body for n in others)

"""``handover verify`` on a record altered behind the hub's back, in SQLite and PostgreSQL: a row
deleted, a row edited, two rows swapped, an unsigned row slipped in; and a person erased, which
must still verify."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from sqlalchemy import delete, select, update

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.erasure import erase_event_values
from db.events import append_events
from db.migrate import upgrade_to_head
from db.models import Event, SigningKey
from db.signing import GENESIS, Signer, new_private
from db.timeline import EventRecord
from db.vocabulary import EventType
from handover.cli import main

DOORS = ("front-door", "side-door")


def _arrival(device: str, minutes: int, name: str = "Grandad Joe") -> EventRecord:
    return EventRecord(
        uuid=str(uuid4()),
        type=EventType.CHILD_ARRIVED,
        occurred_at=utc_now() - timedelta(minutes=minutes),
        device=device,
        child_id=7,
        adult_id=3,
        payload={"brought_by_name": name, "room": "Acorns"},
    )


@pytest.fixture
def record(database_url: str) -> str:
    """Two doors' chains of five arrivals each, signed and stored as the hub stores them."""
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    with session_factory(engine)() as db:
        for device in DOORS:
            signer = Signer(new_private())
            db.add(SigningKey(public_key=signer.public, device=device, added_at=utc_now()))
            made = [_arrival(device, 60 - i) for i in range(5)]
            append_events(db, signer.seal_all(made, after=(0, GENESIS)))
        db.commit()
    engine.dispose()
    return database_url


def _alter(url: str, change: object) -> None:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        db.execute(change)  # type: ignore[call-overload]
        db.commit()
    engine.dispose()


def _front(place: int) -> object:
    return (Event.device == "front-door") & (Event.device_seq == place)


def _verify(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["verify", "--db", url])
    return status, capsys.readouterr().out


def test_an_untouched_record_verifies(record: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, said = _verify(record, capsys)
    assert status == 0, said
    assert "Checked 10 events in 2 signed chains." in said
    assert "The record is as it was signed." in said


def test_a_deleted_arrival_is_found(record: str, capsys: pytest.CaptureFixture[str]) -> None:
    _alter(record, delete(Event).where(_front(3)))
    status, said = _verify(record, capsys)
    assert status == 1
    assert "BROKEN: front-door, event 3: event 3 is missing" in said
    assert "side-door" not in said  # the other chain is sound


def test_an_edited_arrival_is_found(record: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Who brought the child, changed afterwards in the database.
    _alter(record, update(Event).where(_front(2)).values(payload={"brought_by_name": "Darren"}))
    status, said = _verify(record, capsys)
    assert status == 1
    assert "front-door, event 2: its payload does not match the digest it was signed with" in said


def test_an_arrival_moved_to_another_time_is_found(
    record: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _alter(record, update(Event).where(_front(4)).values(occurred_at=utc_now()))
    status, said = _verify(record, capsys)
    assert status == 1
    assert "front-door, event 4: its signature does not match its fields" in said


def test_two_arrivals_swapped_in_the_chain_are_found(
    record: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(record)
    with session_factory(engine)() as db:
        two, three = (db.scalars(select(Event).where(_front(n))).one() for n in (2, 3))
        two.device_seq, three.device_seq = 3, 2
        db.commit()
    engine.dispose()
    status, said = _verify(record, capsys)
    assert status == 1
    assert "front-door, event 2: its signature does not match its fields" in said


def test_an_unsigned_event_slipped_in_later_is_found(
    record: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(record)
    with session_factory(engine)() as db:
        forged = _arrival("front-door", 1)
        append_events(db, [forged])
        db.commit()
    engine.dispose()
    status, said = _verify(record, capsys)
    assert status == 1
    assert f"front-door, an event: event {forged.uuid} is not signed" in said


def test_an_erased_person_leaves_a_record_that_still_verifies(
    record: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(record)
    with session_factory(engine)() as db:
        erased = erase_event_values(db, child_ids=[7], adult_ids=[])
        db.commit()
        rows = list(db.scalars(select(Event)))
    engine.dispose()
    assert erased == 10
    assert all("Grandad" not in str(row.payload) for row in rows)
    assert all(row.payload_salt is None and row.payload_digest for row in rows)
    status, said = _verify(record, capsys)
    assert status == 0, said

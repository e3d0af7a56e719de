"""``handover verify`` on a record altered behind the hub's back, in SQLite and PostgreSQL: a row
deleted, a row edited, two rows swapped, an unsigned row slipped in; and a person erased, which
must still verify."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from admin.app import create_app
from admin.config import HubSettings
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
from tests.sync.nursery import SECRET
from tests.sync.office import office_page

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


@contextmanager
def _database(url: str) -> Iterator[Session]:
    """The hub's database, opened behind its back; what was done is committed."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            yield db
            db.commit()
    finally:
        engine.dispose()


def _alter(url: str, change: object) -> None:
    with _database(url) as db:
        db.execute(change)  # type: ignore[call-overload]


def _front(place: int) -> ColumnElement[bool]:
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
    with _database(record) as db:
        two, three = (db.scalars(select(Event).where(_front(n))).one() for n in (2, 3))
        two.device_seq, three.device_seq = 3, 2
    status, said = _verify(record, capsys)
    assert status == 1
    assert "front-door, event 2: its signature does not match its fields" in said


def test_an_unsigned_event_slipped_in_later_is_found(
    record: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with _database(record) as db:
        forged = _arrival("front-door", 1)
        append_events(db, [forged])
    status, said = _verify(record, capsys)
    assert status == 1
    assert f"front-door, an event: event {forged.uuid} is not signed" in said


def test_an_erased_person_leaves_a_record_that_still_verifies(
    record: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with _database(record) as db:
        erased = erase_event_values(db, child_ids=[7], adult_ids=[])
        db.flush()
        rows = list(db.scalars(select(Event)))
    assert erased == 10
    assert all("Grandad" not in str(row.payload) for row in rows)
    assert all(row.payload_salt is None and row.payload_digest for row in rows)
    status, said = _verify(record, capsys)
    assert status == 0, said


def test_the_nightly_check_is_shown_in_the_office_and_a_failed_one_makes_the_hub_unhealthy(
    record: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "hub-data"
    folder.mkdir()
    assert "not run yet" in office_page(record, "/kiosks", data_dir=folder)
    assert main(["verify", "--db", record, "--record", str(folder)]) == 0
    page = office_page(record, "/kiosks", data_dir=folder)
    assert re.search(r'data-verification>.*class="tag good">passed</span>', page, re.S)

    _alter(record, delete(Event).where(_front(2)))
    assert main(["verify", "--db", record, "--record", str(folder)]) == 1
    page = office_page(record, "/kiosks", data_dir=folder)
    assert "failed</span>" in page and "front-door, event 2: event 2 is missing" in page
    settings = HubSettings(database_url=record, secret_key=SECRET, demo=False, data_dir=folder)
    with TestClient(create_app(settings)) as hub:
        health = hub.get("/healthz")
        hub.app.state.engine.dispose()  # type: ignore[attr-defined]
    assert health.status_code == 503
    assert "the last verification of the record failed" in " ".join(health.json()["reasons"])
    capsys.readouterr()


def test_the_register_csv_says_which_part_of_the_record_it_was_made_from(record: str) -> None:
    csv_text = office_page(record, f"/register.csv?day={utc_now().date().isoformat()}")
    rows = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert rows[-1] == ["Made from the record at", "front-door 5; side-door 5"]

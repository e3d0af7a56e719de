"""The day's records as an inspector expects them (issue 15 §4): the register room by room with
hours and totals, the manager's sign-off, and a forgotten sign-out recorded afterwards as a
correction that the register shows as one."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.office.registers import day_register
from db.models import AuditEntry, Child, Event
from db.register import daily_register
from db.verify import verify
from db.vocabulary import EventType
from tests.admin.conftest import NOW, TODAY, post_form
from tests.admin.nursery_day import morning
from tests.admin.test_people import db_of

REGISTER = "/register?day=2026-11-23"


def _first_child(db: Session) -> Child:
    """The morning's first arrival (09:00, an hour before the office's clock)."""
    child = db.scalars(select(Child).order_by(Child.id)).first()
    assert child is not None
    return child


def _this_morning(database: str) -> int:
    """The demo morning (14 arrivals from 09:00); the first child to arrive."""
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1))
        return _first_child(db).id


def _row_of(page: str, name: str) -> str:
    (row,) = [r for r in page.split("<tr") if name in r and "data-child" in r]
    return row


def test_the_register_groups_children_by_room_with_hours_and_totals(database: str) -> None:
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1), children=4)
        register = day_register(db, TODAY, now=NOW)
        rooms = {room.name: room for room in register.rooms}
        assert sum(room.children for room in register.rooms) == register.children == 4
        first = _first_child(db)
        (row,) = [r for r in register.rows if r.child_id == first.id]
        assert row.hours == timedelta(hours=1)  # 09:00 until the office's 10:00
        # Three minutes between arrivals: 60 + 57 + 54 + 51 minutes in all.
        assert register.hours == timedelta(minutes=222)
        assert all(r.room == name for name, room in rooms.items() for r in room.rows)
        # Without "now" an open period counts nothing yet: the register before this change.
        assert {r.hours for r in daily_register(db, TODAY)} == {timedelta(0)}


def test_the_register_page_shows_rooms_hours_key_person_and_plurals(
    staff_client: TestClient, database: str
) -> None:
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1), children=1)
        first = _first_child(db)
        name = f"{first.first_name} {first.last_name}"
    page = staff_client.get(REGISTER).text
    assert 'class="register-room"' in page and "· 1 child ·" in page
    assert "The whole day: 1 child · 1 h 00 min" in page
    row = _row_of(page, name)
    assert "09:00" in row and "1 h 00 min" in row and "still here" in row
    assert "Record departure" not in row  # staff read the register; a manager corrects it
    assert "Not signed off yet." in page and "Sign off this register" not in page


def test_the_manager_signs_off_the_day_and_it_is_signed_and_audited(
    manager: TestClient, database: str
) -> None:
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1))
    answer = post_form(manager, REGISTER, "/register/sign-off", {"day": "2026-11-23"})
    assert answer.status_code == 303
    page = manager.get(REGISTER).text
    assert "Signed off by <strong>Joanne Whitfield</strong> on Mon 23 Nov 2026 10:00" in page
    assert "Sign off again" in page
    with db_of(database) as db:
        (event,) = db.scalars(select(Event).where(Event.type == "register_signed_off")).all()
        assert event.ref == "2026-11-23" and event.device == "office" and event.signature
        audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "sign_off")).one()
        assert audit.entity == "register" and audit.entity_id == "2026-11-23"
        assert audit.actor.startswith("staff:")
    tomorrow = post_form(manager, REGISTER, "/register/sign-off", {"day": "2026-11-24"})
    assert tomorrow.status_code == 400


def test_staff_cannot_sign_off_or_correct_the_register(
    staff_client: TestClient, database: str
) -> None:
    first = _this_morning(database)
    signing = post_form(staff_client, REGISTER, "/register/sign-off", {"day": "2026-11-23"})
    assert signing.status_code == 403
    assert staff_client.get(f"/register/departure?child={first}&day=2026-11-23").status_code == 403


def _record(manager: TestClient, child: int, **fields: str) -> tuple[int, str]:
    form = f"/register/departure?child={child}&day=2026-11-23"
    data = {"child": child, "day": "2026-11-23", **fields}
    answer = post_form(manager, form, "/register/departure", data)
    return answer.status_code, answer.text


def test_a_forgotten_sign_out_is_recorded_as_a_correction_never_a_rewrite(
    manager: TestClient, database: str
) -> None:
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1))
        child = _first_child(db)
        name = f"{child.first_name} {child.last_name}"
        events_before = db.scalars(select(Event.uuid).order_by(Event.seq)).all()
    page = manager.get(REGISTER).text
    assert f"/register/departure?child={child.id}&amp;day=2026-11-23" in _row_of(page, name)
    status, _ = _record(
        manager, child.id, left_at="09:30", reason="Left with Mum in the fire drill",
        collected_by="Kirsty Walsh",
    )  # fmt: skip
    assert status == 303
    row = _row_of(manager.get(REGISTER).text, name)
    assert "09:30" in row and "data-corrected" in row and "0 h 30 min" in row
    assert "Kirsty Walsh" in row and "Joanne Whitfield" in row
    page = manager.get(REGISTER).text
    assert (
        "Departure recorded afterwards by Joanne Whitfield on Mon 23 Nov 10:00: "
        "Left with Mum in the fire drill"
    ) in page
    with db_of(database) as db:  # what was there is there unchanged; one signed event more
        after = db.scalars(select(Event).order_by(Event.seq)).all()
        assert [e.uuid for e in after[: len(events_before)]] == list(events_before)
        (added,) = after[len(events_before) :]
        assert added.type == EventType.CHILD_COLLECTED and added.device == "office"
        assert added.signature and added.payload["correction_reason"].startswith("Left with")
        assert added.occurred_at.strftime("%H:%M") == "09:30"
        audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "correct")).one()
        assert audit.entity_id == str(child.id) and audit.changes["departed_at"].startswith(
            "2026-11-23T09:30"
        )
    rows = list(csv.reader(io.StringIO(manager.get("/register.csv?day=2026-11-23").text[1:])))
    assert rows[0][-2:] == ["Hours", "Note"]
    (line,) = [r for r in rows if r and r[0] == name]
    assert line[-2] == "0.50" and line[-1].startswith("Departure recorded afterwards")


def test_a_correction_after_the_sign_off_asks_the_manager_to_sign_again(
    manager: TestClient, database: str
) -> None:
    child = _this_morning(database)
    post_form(manager, REGISTER, "/register/sign-off", {"day": "2026-11-23"})
    with db_of(database) as db:  # the correction is written a minute after the sign-off
        db.execute(
            Event.__table__.update().values(occurred_at=NOW - timedelta(minutes=1))  # type: ignore[attr-defined]
            .where(Event.type == "register_signed_off")
        )  # fmt: skip
        db.commit()
    assert _record(manager, child, left_at="09:40", reason="Forgot to sign out")[0] == 303
    assert "recorded after this sign-off" in manager.get(REGISTER).text


def test_a_correction_dated_earlier_than_it_was_written_keeps_the_office_chain_whole(
    manager: TestClient, database: str
) -> None:
    child = _this_morning(database)
    post_form(manager, REGISTER, "/register/sign-off", {"day": "2026-11-23"})
    assert _record(manager, child, left_at="09:10", reason="Forgot to sign out")[0] == 303
    post_form(manager, REGISTER, "/register/sign-off", {"day": "2026-11-23"})
    with db_of(database) as db:
        office = db.scalars(select(Event).where(Event.device == "office").order_by(Event.seq))
        assert [e.device_seq for e in office] == [1, 2, 3]
        assert not [b for b in verify(db).breaks if b.device_seq is not None]


def test_a_departure_with_mistakes_is_explained_and_nothing_is_written(
    manager: TestClient, database: str
) -> None:
    child = _this_morning(database)
    with db_of(database) as db:
        count = len(db.scalars(select(Event.seq)).all())
    cases = [
        ({"left_at": "08:30", "reason": "x"}, "cannot leave before they arrived"),
        ({"left_at": "11:30", "reason": "x"}, "has not come yet"),
        ({"left_at": "half past", "reason": "x"}, "not a time"),
        ({"left_at": "09:30", "reason": "  "}, "say why"),
    ]
    for fields, message in cases:
        status, text = _record(manager, child, **fields)
        assert status == 400 and message in text, fields
    with db_of(database) as db:
        assert len(db.scalars(select(Event.seq)).all()) == count
        assert not db.scalars(select(AuditEntry).where(AuditEntry.action == "correct")).all()
    assert _record(manager, child, left_at="09:30", reason="x")[0] == 303
    # Now gone: a second departure has nothing to correct.
    assert manager.get(f"/register/departure?child={child}&day=2026-11-23").status_code == 409

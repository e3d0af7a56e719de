"""A parent's absence from the parents' page is on the register (issue 17 §3) through a real
hub process: each booked day a recorded absence with the parent's reason, marked as the
parent's, so "not yet arrived" does not chase the child; the manager can still correct it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from markupsafe import escape
from sqlalchemy import select

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Event, FamilyRequest
from db.verify import verify
from tests.admin.conftest import MANAGER, STAFF, csrf_of
from tests.admin.family_visit import (
    GEMMA,
    book_every_day_from_midnight,
    hubs,
    signed_in_parent,
    start_family_hub,
    stored,
)
from tests.admin.hub_process import RunningHub, signed_in
from tests.admin.mail_server import MailServer
from tests.admin.test_notices import mail, nursery, people

__all__ = ["hubs", "mail", "nursery"]  # fixtures


def _row(page: str, child_id: int) -> str:
    return next(r for r in page.split("<tr") if f'data-absent-child="{child_id}"' in r)


def _not_arrived(page: str) -> str:
    return (
        page.split("data-not-arrived")[-1].split("</section>")[0]
        if "data-not-arrived" in page
        else ""
    )


def test_a_parents_absence_is_on_the_register_each_day_and_the_manager_can_correct_it(
    nursery: str, mail: MailServer, tmp_path: Path, hubs: list[RunningHub]
) -> None:
    children, _ = people(nursery)
    theo = children["Theo Clarke"]
    book_every_day_from_midnight(nursery, theo.id)
    hubs.append(start_family_hub(nursery, mail, tmp_path))
    staff = signed_in(hubs[0], STAFF)
    assert f'data-child="{theo.id}"' in _not_arrived(staff.get("/today").text)

    parent = signed_in_parent(hubs[0], mail, GEMMA)
    today = utc_now().date()
    page = parent.get(f"/family/children/{theo.id}")
    days = {"first_day": today.isoformat(), "last_day": (today + timedelta(days=1)).isoformat()}
    sent = parent.post(
        f"/family/children/{theo.id}/absence",
        data={**days, "why": "ill", "reason": "Chickenpox", "csrf_token": csrf_of(page)},
    )
    assert sent.status_code == 303, sent.text

    assert f'data-child="{theo.id}"' not in _not_arrived(staff.get("/today").text)
    manager = signed_in(hubs[0], MANAGER)
    for day in (today, today + timedelta(days=1)):
        row = _row(manager.get(f"/register?day={day.isoformat()}").text, theo.id)
        assert "Ill" in row and "Chickenpox" in row and "Gemma Clarke (parent" in row
    engine = make_engine(nursery)
    with session_factory(engine)() as db:
        written = db.scalars(select(Event).where(Event.type == "child_absent")).all()
    engine.dispose()
    assert sorted(str(e.ref) for e in written) == sorted(days.values())
    assert all(e.staff_id is None and e.payload["reported_by_parent"] for e in written)

    form = manager.get(f"/register/absence?child={theo.id}&day={today.isoformat()}")
    corrected = manager.post(
        "/register/absence",
        data={
            "child": str(theo.id),
            "day": today.isoformat(),
            "reason": "holiday",
            "note": "Away with grandparents",
            "csrf_token": csrf_of(form),
        },
    )
    assert corrected.status_code == 303, corrected.text
    row = _row(manager.get(f"/register?day={today.isoformat()}").text, theo.id)
    assert "On holiday" in row and "(parent" not in row and escape("Away with grandparents") in row


def test_an_absence_told_before_parents_absences_went_onto_the_register_is_put_there_at_start(
    nursery: str, mail: MailServer, tmp_path: Path, hubs: list[RunningHub]
) -> None:
    """A hub that ran the parents' page before migration 0024 kept a parent's absence as the
    request alone. At its next start its days from today on go onto the register, signed by
    the hub, once; the days already over are left as their registers stand."""
    children, adults = people(nursery)
    theo, gemma = children["Theo Clarke"], adults["Gemma Clarke"]
    book_every_day_from_midnight(nursery, theo.id)
    today = utc_now().date()
    engine = make_engine(nursery)
    with session_factory(engine)() as db:
        db.add(  # as the parents' page kept it then: the request, nothing on the register
            FamilyRequest(
                kind="absence",
                child_id=theo.id,
                from_adult_id=gemma.id,
                made_at=utc_now() - timedelta(days=3),
                first_day=today - timedelta(days=2),
                last_day=today + timedelta(days=1),
                reason="Chickenpox",
                status="pending",
            )
        )
        db.commit()
    engine.dispose()

    hubs.append(start_family_hub(nursery, mail, tmp_path))
    staff = signed_in(hubs[0], STAFF)
    assert f'data-child="{theo.id}"' not in _not_arrived(staff.get("/today").text)
    row = _row(signed_in(hubs[0], MANAGER).get("/register").text, theo.id)
    assert "Another reason" in row and "Chickenpox" in row and "Gemma Clarke (parent" in row
    written = stored(nursery, Event, type="child_absent")
    assert sorted(str(e.ref) for e in written) == [str(today), str(today + timedelta(days=1))]
    assert all(e.device == "office" and e.signer and e.staff_id is None for e in written)

    hubs[0].stop()
    hubs[0].start()
    assert len(stored(nursery, Event, type="child_absent")) == 2  # none written twice
    engine = make_engine(nursery)
    with session_factory(engine)() as db:
        assert verify(db).breaks == []  # in the hub's chain, like every office record
    engine.dispose()

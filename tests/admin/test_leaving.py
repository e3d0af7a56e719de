"""A child or an adult who has left: the manager is told what the door will stop showing, the
removal hides them everywhere but the past register, and an undo within 30 days puts back
exactly what the removal took."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.errors import HubError
from admin.office.importing import plan_import
from admin.office.leaving import (
    UNDO_WINDOW,
    recently_removed,
    remove_adult,
    remove_child,
    undo_adult,
    undo_child,
)
from admin.retention import carry_out, plan_purge
from db.audit import set_actor
from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Adult, AuditEntry, Authorisation, Card, Child, ChildBooking
from db.seed import seed_demo
from tests.admin.conftest import NOW, TODAY, post_form
from tests.admin.nursery_day import morning
from tests.admin.test_import import csv_file, family_row

ZOE, HANNAH, SAM = 1, 1, 2  # Zoë Fletcher and her parents in the demo nursery


def _db(database: str) -> Session:
    return session_factory(make_engine(database))()


def _live_links(db: Session, **where: int) -> int:
    query = select(Authorisation).where(Authorisation.deleted_at.is_(None))
    for column, value in where.items():
        query = query.where(getattr(Authorisation, column) == value)
    return len(db.scalars(query).all())


def test_the_confirmation_says_what_the_door_will_stop_showing_and_changes_nothing(
    manager: TestClient, database: str
) -> None:
    page = manager.get("/children/1")
    assert 'href="/children/1/remove"' in page.text
    confirm = manager.get("/children/1/remove").text
    assert "Zoë will no longer appear on the door" in confirm
    assert "Zoë’s 3 carers (Hannah Fletcher, Maureen Fletcher and Sam Fletcher)" in confirm
    assert "their cards and their names stop working for Zoë" in confirm
    assert "You can undo this for 30 days" in confirm
    assert "Zoë Fletcher" in manager.get("/children").text  # nothing changed by looking


def test_a_removed_child_leaves_the_lists_and_the_door_data_and_undo_brings_all_back(
    manager: TestClient, database: str
) -> None:
    with _db(database) as db:
        booked = len(db.scalars(select(ChildBooking).where(ChildBooking.child_id == ZOE)).all())
    removed = post_form(manager, "/children/1/remove", "/children/1/remove", {})
    assert removed.status_code == 303 and removed.headers["location"] == "/children?removed=1"
    listing = manager.get("/children?removed=1").text
    assert "Zoë Fletcher</bdi> was removed" in listing and "/children/1/undo" in listing
    assert 'href="/children/1"' not in listing
    assert manager.get("/children/1").status_code == 404
    assert "Zoë" not in manager.get("/children/export.csv").text
    with _db(database) as db:
        assert _live_links(db, child_id=ZOE) == 0
        entry = db.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "children", AuditEntry.entity_id == "1")
            .order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None and entry.action == "delete" and entry.actor == "staff:1"
    undone = post_form(manager, "/children", "/children/1/undo", {})
    assert undone.headers["location"] == "/children/1?restored=1"
    assert "Zoë is back" in manager.get(undone.headers["location"]).text
    with _db(database) as db:
        assert _live_links(db, child_id=ZOE) == 3
        live = ChildBooking.deleted_at.is_(None)
        assert (
            len(db.scalars(select(ChildBooking).where(ChildBooking.child_id == ZOE, live)).all())
            == booked
        )


def test_a_child_on_the_register_cannot_be_removed_until_collected(
    manager: TestClient, database: str
) -> None:
    with _db(database) as db:
        morning(db, start=NOW - timedelta(hours=1), children=1)
    assert "on the register now" in manager.get("/children/1/remove").text
    refused = post_form(manager, "/children/1", "/children/1/remove", {})
    assert refused.status_code == 409
    assert "Record the collection first" in refused.text
    assert "Zoë Fletcher" in manager.get("/children").text


def test_an_import_does_not_match_a_removed_child(manager: TestClient, database: str) -> None:
    row = family_row("Zoë", "Fletcher", "29/07/2025")

    def action() -> str:
        with _db(database) as db:
            return plan_import(db, csv_file([row]), TODAY).rows[0].action

    assert action() != "add"  # matched to the Zoë on record
    post_form(manager, "/children/1/remove", "/children/1/remove", {})
    assert action() == "add"  # a removed child is not matched: the manager sees a new child


def test_the_past_register_keeps_a_removed_child(manager: TestClient, database: str) -> None:
    with _db(database) as db:
        morning(db, start=NOW - timedelta(days=3), children=2)
    post_form(manager, "/children/1/remove", "/children/1/remove", {})
    day = (TODAY - timedelta(days=3)).isoformat()
    assert "Zoë" in manager.get(f"/register?day={day}").text


def test_a_removed_adult_stops_collecting_and_their_card_is_revoked_until_undo(
    manager: TestClient, database: str
) -> None:
    confirm = manager.get(f"/adults/{HANNAH}/remove").text
    assert "Hannah Fletcher will no longer be shown at the door." in confirm
    assert "Hannah can no longer collect Zoë." in confirm
    assert "stops working: shown at the door, it calls staff" in confirm
    post_form(manager, f"/adults/{HANNAH}/remove", f"/adults/{HANNAH}/remove", {})
    assert "Hannah Fletcher</bdi> was removed" in manager.get(f"/adults?removed={HANNAH}").text
    with _db(database) as db:
        assert _live_links(db, adult_id=HANNAH) == 0
        cards = db.scalars(select(Card).where(Card.holder_adult_id == HANNAH)).all()
        assert all(c.revoked_at is not None for c in cards)
        was_in_use = [c.id for c in cards if c.revoked_reason == "removed"]
        lost_before = [c.id for c in cards if c.revoked_reason != "removed"]
    assert was_in_use and lost_before
    post_form(manager, "/adults", f"/adults/{HANNAH}/undo", {})
    with _db(database) as db:
        assert _live_links(db, adult_id=HANNAH) == 1
        for card_id in was_in_use:
            card = db.get(Card, card_id)
            assert card is not None and card.revoked_at is None  # the same card works again
        lost = db.scalars(select(Card).where(Card.id.in_(lost_before))).all()
        assert all(c.revoked_at is not None for c in lost)  # a card lost before stays revoked


def test_the_last_adult_who_may_collect_is_named_in_the_warning(
    manager: TestClient, database: str
) -> None:
    with _db(database) as db:
        set_actor(db, "manager")
        for auth in db.scalars(
            select(Authorisation).where(
                Authorisation.child_id == ZOE, Authorisation.adult_id != SAM
            )
        ):
            auth.deleted_at = NOW
        db.commit()
    confirm = manager.get(f"/adults/{SAM}/remove").text
    assert "Zoë will then have nobody who may collect them at the door" in confirm


def test_staff_who_are_not_managers_cannot_remove_or_undo(staff_client: TestClient) -> None:
    assert staff_client.get("/children/1/remove").status_code == 403


def _seeded(url: str) -> Session:
    engine = make_engine(url)
    upgrade_to_head(engine)
    db = session_factory(engine)()
    seed_demo(db, today=TODAY, now=NOW.replace(hour=7))
    db.commit()
    return db


def test_undo_puts_back_only_what_the_removal_took_and_expires_after_30_days(
    database_url: str,
) -> None:
    with _seeded(database_url) as db:
        set_actor(db, "manager")
        earlier = db.scalars(select(Authorisation).where(Authorisation.child_id == ZOE)).first()
        assert earlier is not None
        earlier.deleted_at = NOW - timedelta(days=2)  # taken away on another day
        db.commit()
        zoe = db.get(Child, ZOE)
        assert zoe is not None
        remove_child(db, zoe, now=NOW)
        sam = db.get(Adult, SAM)
        assert sam is not None
        remove_adult(db, sam, now=NOW + timedelta(minutes=1))
        db.commit()
        undo_child(db, ZOE, now=NOW + timedelta(days=29))
        db.commit()
        # Back: the link to Maureen; not the one removed before, nor Sam's (removed since).
        assert _live_links(db, child_id=ZOE) == 1
        with pytest.raises(HubError, match="more than 30 days ago"):
            undo_adult(db, SAM, now=NOW + UNDO_WINDOW + timedelta(minutes=2))
        later = TODAY.replace(year=TODAY.year + 3) + timedelta(days=40)
        plan = plan_purge(db, today=later, years=3)
        assert SAM in plan.adult_ids
        purged_at = NOW + timedelta(days=3 * 366)
        carry_out(db, plan, now=purged_at)
        db.commit()
        # Erased by the purge: nothing to put back, and not offered as "removed recently".
        assert recently_removed(db, Adult, now=purged_at) == []
        with pytest.raises(HubError, match="That removed record"):
            undo_adult(db, SAM, now=purged_at)

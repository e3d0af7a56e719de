"""The demo nursery as the door sees it: the README's "people to try at the door", for real."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import astuple
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Adult, Child
from db.seed import DemoCredentials, seed_demo
from db.vocabulary import Check, Reason, Severity
from kiosk.door import ByCard, ByChosenAdult, CardHolder, Door, Refused, ReleasePending
from kiosk.store.replica import load_book, load_policy

TODAY = date(2026, 11, 25)
MORNING = datetime(2026, 11, 25, 8, 35, tzinfo=UTC)
AFTERNOON = MORNING + timedelta(hours=6)


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Door, DemoCredentials, dict[str, int]]]:
    engine = make_engine(str(tmp_path_factory.mktemp("replica") / "demo.db"))
    upgrade_to_head(engine)
    with session_factory(engine)() as session:
        credentials = seed_demo(session, today=TODAY, now=MORNING - timedelta(hours=1))
        session.commit()
        ids = {f"{a.first_name} {a.last_name}": a.id for a in session.scalars(select(Adult))}
        ids |= {f"{c.first_name} {c.last_name}": c.id for c in session.scalars(select(Child))}
        door = Door(load_book(session), policy=load_policy(session), device="front-door")
    yield door, credentials, ids
    engine.dispose()


def _card(credentials: DemoCredentials, holder: str, *, revoked: bool = False) -> str:
    return next(c.payload for c in credentials.cards if c.holder == holder and c.revoked == revoked)


def _everyone_in(door: Door, now: datetime = MORNING) -> None:
    for child_id in door.book.children:
        if child_id not in door.timeline.on_site:
            adults = sorted(door.book.authorised.get(child_id, {}))
            door.record(
                door.arrive(child_ids=[child_id], brought_by_adult_id=adults[0], now=now).events
            )


def test_the_kiosk_replica_holds_no_sensitive_or_contact_data(seeded) -> None:
    door, _, _ = seeded
    held = repr([astuple(c) for c in door.book.children.values()])
    held += repr([astuple(a) for a in door.book.adults.values()])
    held += repr([astuple(s) for s in door.book.staff.values()])
    for never in ("07700", "@example.com", "allerg", "Court order", "consent"):
        assert never not in held


def test_darren_coles_old_card_raises_the_critical_alert(seeded) -> None:
    door, credentials, _ = seeded
    _everyone_in(door)
    decision = door.read_card(_card(credentials, "Darren Cole"), now=AFTERNOON, collecting=True)
    assert isinstance(decision, Refused) and decision.severity == Severity.CRITICAL


def test_grandad_bob_may_collect_zoe_today_once_staff_have_checked_his_id(seeded) -> None:
    door, _, ids = seeded
    _everyone_in(door)
    decision = door.collect(
        child_id=ids["Zoë Fletcher"], collector=ByChosenAdult(ids["Bob Hughes"]), now=AFTERNOON
    )
    assert isinstance(decision, ReleasePending)
    assert Check.CHECK_ID_DOCUMENT in decision.checks


def test_kemi_baloguns_expired_permission_is_refused(seeded) -> None:
    door, _, ids = seeded
    _everyone_in(door)
    decision = door.collect(
        child_id=ids["Theo Clarke"], collector=ByChosenAdult(ids["Kemi Balogun"]), now=AFTERNOON
    )
    assert isinstance(decision, Refused) and decision.reason == Reason.PERMISSION_OUT_OF_DATES


def test_hannahs_lost_card_alerts_and_her_new_card_lists_her_child(seeded) -> None:
    door, credentials, ids = seeded
    _everyone_in(door)
    lost = door.read_card(_card(credentials, "Hannah Fletcher", revoked=True), now=AFTERNOON)
    assert isinstance(lost, Refused) and lost.reason == Reason.REVOKED_CARD
    holder = door.read_card(_card(credentials, "Hannah Fletcher"), now=AFTERNOON, collecting=True)
    assert isinstance(holder, CardHolder) and ids["Zoë Fletcher"] in holder.on_site_child_ids
    decision = door.collect(
        child_id=ids["Zoë Fletcher"],
        collector=ByCard(holder.card_id, ids["Hannah Fletcher"]),
        now=AFTERNOON,
    )
    assert isinstance(decision, ReleasePending)

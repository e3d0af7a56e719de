"""Erasure that erases (issue 14.1): after the retention purge erases a child and the adult
linked only to them, none of their values is left anywhere in the hub's database: people
tables, the audit log, event payloads, refused sync items, and (on SQLite) the file's bytes.
What stays is *that* they were erased, by whom and when, and the counts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from db.engine import make_engine, session_factory
from db.events import append_events
from db.models import (
    Adult,
    AuditEntry,
    Authorisation,
    Child,
    FamilyCode,
    FamilyRequest,
    FamilySession,
    Notice,
    OneOffPermission,
    RefusedEvent,
    Restriction,
    Staff,
)
from db.models.base import Base
from db.vocabulary import EventType
from tests.admin.conftest import MANAGER, NOW, make_app, post_form, sign_in
from tests.admin.nursery_day import event

SECRETS = (
    "Quillon", "Zebrowski", "XYZZY-needs", "PLUGH-lives", "Frobozz", "Grizelda", "Vantablack",
    "07700 955555", "grizelda@example.org", "Aunt-Wibble", "Gnusto-note", "Rezrov", "Yomin",
    "Typed Blorb", "Ozmoo", "Nan Filfre", "Flathead-pox",
)  # fmt: skip
_PLAN = re.compile(r'name="plan" value="([^"]+)"')


def _plant(db: Session) -> int:
    """A child who left years ago, with a distinctive string in every place a value can hide."""
    theo = db.scalars(select(Child).where(Child.first_name == "Theo")).one()
    theo.first_name, theo.last_name, theo.left_on = "Quillon", "Zebrowski", date(2022, 7, 20)
    theo.particular_needs, theo.lives_with = "XYZZY-needs", "PLUGH-lives"
    theo.emergency_contacts = [{"name": "Frobozz", "relationship": "Uncle", "phone": "1"}]
    aunt = Adult(
        first_name="Grizelda", last_name="Vantablack", date_of_birth=date(1980, 1, 1),
        phone="07700 955555", email="grizelda@example.org",
    )  # fmt: skip
    db.add(aunt)
    db.flush()
    manager = db.scalars(select(Staff).where(Staff.username == "manager")).one()
    db.add(Authorisation(child_id=theo.id, adult_id=aunt.id, relationship="Aunt-Wibble"))
    db.add(
        OneOffPermission(
            child_id=theo.id, adult_id=aunt.id, valid_from=date(2022, 1, 1),
            valid_to=date(2022, 1, 2), taken_by_staff_id=manager.id, taken_at=NOW,
            note="Gnusto-note",
        )
    )  # fmt: skip
    db.add(Restriction(child_id=theo.id, person_name="Rezrov Cole", reason="Yomin order"))
    for to_adult, address in ((aunt.id, "grizelda@example.org"), (None, "parent@example.com")):
        db.add(  # e-mails about the child (issue 17): to the erased aunt, and to a parent
            Notice(
                kind="collection_change", to_adult_id=to_adult, child_id=theo.id,
                to_address=address, subject="A change", text_body="Quillon Zebrowski",
                html_body="<p>Quillon</p>", summary="Grizelda may now collect Quillon.",
                message_id=f"<{address}>", queued_at=NOW, status="sent", next_try_at=NOW,
            )
        )  # fmt: skip
    db.add_all(  # the parents' page (issue 17): the aunt asked, by code, for Nan to collect
        [
            FamilyRequest(
                kind="permission", child_id=theo.id, from_adult_id=aunt.id, made_at=NOW,
                first_day=date(2022, 1, 3), last_day=date(2022, 1, 3), adult_name="Nan Filfre",
                reason="Flathead-pox", status="pending",
            ),
            FamilyCode(
                email="grizelda@example.org", adult_id=aunt.id, code_hash="0" * 64,
                client="127.0.0.1", created_at=NOW, expires_at=NOW,
            ),
            FamilySession(token_hash="1" * 64, adult_id=aunt.id, created_at=NOW, last_seen_at=NOW),
        ]
    )  # fmt: skip
    recent = NOW - timedelta(days=3)  # inside the retention period: kept, but without values
    presented = {"presented": {"name": "Typed Blorb"}, "note": "Typed Blorb said hello"}
    append_events(db, [event(EventType.ALERT_RAISED, recent, child_id=theo.id, payload=presented)])
    db.add(
        RefusedEvent(
            uuid="5f0e8a52-0000-4000-8000-000000000001", kiosk_id=1, received_at=NOW,
            type="child_arrived", code="bad_signature", reason="signature does not match",
            body={"child_id": theo.id, "payload": {"name": "Ozmoo"}},
        )
    )  # fmt: skip
    db.commit()
    return theo.id


def _everything(db: Session) -> str:
    """Every row of every table, as text."""
    rows = []
    for table in Base.metadata.sorted_tables:
        rows += [repr(tuple(r)) for r in db.execute(select(table))]
    return "\n".join(rows)


def _erase(client: TestClient) -> None:
    page = client.get("/privacy").text
    stale = post_form(client, "/privacy", "/privacy/purge", {"plan": "an-older-plan"})
    assert stale.status_code == 409 and "has changed since the dry run" in stale.text
    done = post_form(client, "/privacy", "/privacy/purge", {"plan": _PLAN.findall(page)[0]})
    assert done.status_code == 303, done.text


def _story(url: str, client: TestClient) -> Session:
    engine = make_engine(url)
    db = session_factory(engine)()
    theo = _plant(db)
    assert "Quillon" in _everything(db)  # the audit log, among others, held it
    _erase(client)
    db.expire_all()
    held = _everything(db)
    assert [s for s in SECRETS if s in held] == []
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.entity == "children", AuditEntry.entity_id == str(theo))
    ).all()
    assert entries and all(e.changes.get("erased") or e.action == "view" for e in entries)
    assert "first_name" in entries[-1].changes["fields"]  # which fields, not their values
    purge = db.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).one()
    assert purge.actor.startswith("staff:") and purge.changes["children"] >= 1
    return db


def test_an_erased_child_leaves_no_value_in_any_table_or_in_the_file(
    manager: TestClient, database: str
) -> None:
    db = _story(database, manager)
    db.close()
    for path in (Path(database), Path(f"{database}-wal")):
        if path.exists():
            content = path.read_bytes()
            assert [s for s in SECRETS if s.encode() in content] == [], path


@pytest.mark.postgres
def test_an_erased_child_leaves_no_value_in_any_table_on_postgresql(demo_on_postgres: str) -> None:
    postgres_url = demo_on_postgres
    app = make_app(postgres_url)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        assert sign_in(client, MANAGER).status_code == 303
        _story(postgres_url, client).close()
        with make_engine(postgres_url).connect() as conn:  # the text of every JSON column too
            dumped = conn.execute(text("SELECT string_agg(changes::text, ' ') FROM audit_log"))
            assert "Quillon" not in (dumped.scalar() or "")
    assert datetime.now(UTC).year >= 2026

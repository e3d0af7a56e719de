"""``handover export`` and ``handover import`` as an office moving to a new hub uses them: the
children, carers and authorisations of one nursery arrive whole in an empty database, on
SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import (
    Adult,
    AuditEntry,
    Authorisation,
    Child,
    ChildBooking,
    NurserySession,
    RatioRule,
    Room,
    Setting,
    Staff,
)
from db.seed import seed_demo

HANDOVER = str(Path(sys.executable).with_name("handover"))
# Rooms, sessions and staff are set up first (the wizard does it); people come from the file.
SET_UP = (Setting, Room, NurserySession, RatioRule, Staff)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HANDOVER, *args], capture_output=True, text=True, timeout=180, check=False
    )


@pytest.fixture(scope="module")
def demo_nursery(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("demo") / "acorns.db")
    engine = make_engine(path)
    upgrade_to_head(engine)
    with session_factory(engine)() as db:
        seed_demo(db, today=date(2026, 11, 23), now=datetime(2026, 11, 23, 7, tzinfo=UTC))
        db.commit()
    engine.dispose()
    return path


def set_up_like(source: str, target: str) -> None:
    """The target gets the source's setting, rooms, sessions, ratio rules and staff only."""
    engine = make_engine(target)
    upgrade_to_head(engine)
    origin = make_engine(source)
    with origin.connect() as read, engine.begin() as write:
        for model in SET_UP:
            rows = [dict(r) for r in read.execute(select(model.__table__)).mappings()]
            write.execute(insert(model), rows)
    origin.dispose()
    engine.dispose()


def people(url: str) -> dict[str, Any]:
    """Everything the round trip must keep, by names rather than ids."""
    engine: Engine = make_engine(url)
    with session_factory(engine)() as db:
        live = Child.deleted_at.is_(None)
        children = {c.id: c for c in db.scalars(select(Child).where(live))}
        adults = {a.id: a for a in db.scalars(select(Adult).where(Adult.deleted_at.is_(None)))}
        name = {i: (c.first_name, c.last_name, c.date_of_birth) for i, c in children.items()}
        found = {
            "children": {
                (*name[i], c.room_id, c.key_person_id, c.started_on) for i, c in children.items()
            },
            "carers": {
                (a.first_name, a.last_name, a.phone, a.email, a.date_of_birth, a.confirmed_adult)
                for a in adults.values()
                if db.scalar(
                    select(Authorisation.id)
                    .where(Authorisation.adult_id == a.id, Authorisation.deleted_at.is_(None))
                    .limit(1)
                )
            },
            "authorisations": {
                (
                    *name[x.child_id],
                    adults[x.adult_id].first_name,
                    adults[x.adult_id].last_name,
                    x.relationship,
                    x.parental_responsibility,
                )
                for x in db.scalars(select(Authorisation).where(Authorisation.deleted_at.is_(None)))
                if x.child_id in children
            },
            "bookings": {
                (*name[b.child_id], b.weekday, b.session_id)
                for b in db.scalars(select(ChildBooking).where(ChildBooking.deleted_at.is_(None)))
                if b.child_id in children
            },
        }
    engine.dispose()
    return found


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_nursery_exported_and_imported_into_an_empty_hub_has_the_same_people(
    demo_nursery: str, database_url: str, tmp_path: Path, kind: str
) -> None:
    exported = tmp_path / f"people.{kind}"
    assert run("export", str(exported), "--db", demo_nursery).returncode == 0
    engine = make_engine(demo_nursery)
    with engine.connect() as db:
        seen = db.execute(select(AuditEntry.entity_id).where(AuditEntry.actor == "command:export"))
        assert len(set(seen)) > 20  # who took every family's contacts is in the log
    engine.dispose()
    set_up_like(demo_nursery, database_url)
    dry = run("import", str(exported), "--db", database_url, "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "--dry-run: nothing was written" in dry.stdout
    assert people(database_url)["children"] == set()
    done = run("import", str(exported), "--db", database_url)
    assert done.returncode == 0, done.stdout + done.stderr
    before, after = people(demo_nursery), people(database_url)
    assert after["children"] == before["children"] and len(after["children"]) > 20
    assert after["authorisations"] == before["authorisations"]
    assert after["carers"] == before["carers"]
    assert after["bookings"] == before["bookings"]
    again = run("import", str(exported), "--db", database_url)
    assert "0 children added, 0 updated." in again.stdout
    assert people(database_url) == after


def test_a_bad_file_is_reported_row_by_row_and_nothing_is_written(
    demo_nursery: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Child first name,Child last name,Date of birth,Room,Key person\n"
        "Zoë,Nowak,31/02/2023,Twos,Saskia Brown\n",
        encoding="utf-8",
    )
    result = run("import", str(bad), "--db", demo_nursery)
    assert result.returncode == 1
    assert "row 2: date of birth 31/02/2023 is not a date" in result.stdout
    assert "nothing was imported" in result.stdout
    missing = run("import", str(tmp_path / "none.csv"), "--db", demo_nursery)
    assert missing.returncode == 1 and "cannot read" in missing.stderr

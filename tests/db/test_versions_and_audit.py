"""People rows carry sync versions and tombstones; every change lands in the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.audit import record_view, set_actor
from db.credentials import hash_secret
from db.models import Adult, AuditEntry, Card, Child


def _child(**overrides: object) -> Child:
    values: dict[str, object] = {
        "first_name": "Zoë",
        "last_name": "Nguyễn",
        "date_of_birth": date(2023, 2, 1),
        "particular_needs": "Severe nut allergy: EpiPen in the office",
    }
    return Child(**(values | overrides))


def test_every_change_takes_a_higher_version_than_the_last(session: Session) -> None:
    set_actor(session, "staff:1")
    zoe = _child()
    session.add(zoe)
    session.commit()
    first = zoe.version
    zoe.first_name = "Zoe"
    session.commit()
    adult = Adult(first_name="Ayşe", last_name="Demir", confirmed_adult=True)
    session.add(adult)
    session.commit()
    assert first < zoe.version < adult.version


def test_an_untouched_row_keeps_its_version(session: Session) -> None:
    zoe = _child()
    session.add(zoe)
    session.commit()
    version = zoe.version
    zoe.first_name = zoe.first_name  # set, but not changed
    session.commit()
    assert zoe.version == version


def test_people_are_tombstoned_never_deleted(session: Session) -> None:
    zoe = _child()
    session.add(zoe)
    session.commit()
    session.delete(zoe)
    with pytest.raises(RuntimeError, match="tombstoned"):
        session.flush()
    session.rollback()


def test_changes_are_audited_with_who_and_what_but_never_sensitive_values(session: Session) -> None:
    set_actor(session, "staff:7")
    zoe = _child()
    session.add(zoe)
    session.commit()
    zoe.particular_needs = "Nut and sesame allergy"
    zoe.last_name = "Nguyen-Smith"
    session.commit()
    zoe.deleted_at = datetime(2026, 11, 23, tzinfo=UTC)
    session.commit()

    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor, e.entity) for e in entries] == [
        ("create", "staff:7", "children"),
        ("update", "staff:7", "children"),
        ("delete", "staff:7", "children"),
    ]
    assert entries[1].changes["last_name"] == ["Nguyễn", "Nguyen-Smith"]
    assert entries[1].changes["particular_needs"] == "(changed)"
    log = repr([e.changes for e in entries])
    assert "allergy" not in log and "EpiPen" not in log


def test_card_secrets_never_reach_the_audit_log(session: Session) -> None:
    adult = Adult(first_name="Ayşe", last_name="Demir", confirmed_adult=True)
    session.add(adult)
    session.flush()
    digest = hash_secret("SECRETSECRETSECRETSECRETSECRET23")
    session.add(
        Card(
            id="ABCDEFGHJK",
            holder_adult_id=adult.id,
            secret_hash=digest,
            issued_at=datetime(2026, 11, 23, tzinfo=UTC),
        )
    )
    session.commit()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "cards")).one()
    assert entry.changes["secret_hash"] == "(set)"
    assert digest not in repr(entry.changes)


def test_a_view_of_sensitive_fields_is_recorded(session: Session) -> None:
    set_actor(session, "staff:2")
    zoe = _child()
    session.add(zoe)
    session.commit()
    record_view(session, entity="children", entity_id=zoe.id, fields=["particular_needs"])
    session.commit()
    view = session.scalars(select(AuditEntry).where(AuditEntry.action == "view")).one()
    assert (view.actor, view.entity_id, view.changes) == (
        "staff:2",
        str(zoe.id),
        {"fields": ["particular_needs"]},
    )


def test_names_in_every_script_survive_the_round_trip(session: Session) -> None:
    names = ["Zoë", "Łukasz", "Ayşe", "Nguyễn", "ياسمين", "Siobhán", "Ōtsuka 大塚"]
    for name in names:
        session.add(_child(first_name=name))
    session.commit()
    session.expire_all()
    assert sorted(session.scalars(select(Child.first_name))) == sorted(names)


def test_an_import_that_adds_families_and_renames_one_audits_each_row_once(
    session: Session,
) -> None:
    """A spreadsheet import: many new adults and one corrected name in a single flush. Each new
    row is logged as a creation, the corrected one as an update, all under one version."""
    set_actor(session, "staff:1")
    zoe = _child()
    session.add(zoe)
    session.commit()
    zoe.last_name = "Nguyen"
    session.add_all(
        Adult(first_name=f"Carer{i}", last_name="Import", confirmed_adult=True) for i in range(300)
    )
    session.commit()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.id > 1)).all()
    actions = sorted((e.entity, e.action) for e in entries)
    assert actions == [("adults", "create")] * 300 + [("children", "update")]
    versions = {a.version for a in session.scalars(select(Adult))}
    assert versions == {zoe.version}

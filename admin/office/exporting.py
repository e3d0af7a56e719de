"""Every child, their carers and who may collect them, in the import's own columns: a file
another Handover (or this one, after a reinstall) imports back into the same people."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.dates import DateOrder, show_day
from admin.office.children import bookings_of
from admin.office.nursery import setting_date_order
from admin.office.spreadsheet import TEMPLATE_CARERS, csv_bytes, header, xlsx_bytes
from admin.people import WEEKDAYS
from db.models import Adult, Authorisation, Child, NurserySession
from db.names import full_name, sort_key
from db.register import Names


def _yes(flag: object) -> str:
    return "yes" if flag else "no"


def _carer_cells(
    adult: Adult | None, auth: Authorisation | None, contact: dict[str, Any]
) -> list[object]:
    if adult is not None and auth is not None:
        return [
            adult.first_name,
            adult.last_name,
            auth.relationship,
            _yes(auth.parental_responsibility),
            adult.phone or "",
            adult.email or "",
            "yes",
            adult.date_of_birth or "",
            _yes(adult.confirmed_adult),
            adult.language,
        ]
    first, _, last = str(contact.get("name", "")).partition(" ")
    return [
        first,
        last,
        contact.get("relationship", ""),
        _yes(contact.get("parental_responsibility")),
        contact.get("phone", ""),
        contact.get("email", ""),
        "no",
        "",
        "no",
        "",
    ]


def _carers(db: Session, child: Child) -> list[list[object]]:
    """Those who may collect first, then the other contacts the record keeps."""
    pairs = db.execute(
        select(Adult, Authorisation)
        .join(Authorisation, Authorisation.adult_id == Adult.id)
        .where(
            Authorisation.child_id == child.id,
            Authorisation.deleted_at.is_(None),
            Adult.deleted_at.is_(None),
        )
        .order_by(Authorisation.id)
    ).all()
    rows = [_carer_cells(adult, auth, {}) for adult, auth in pairs]
    collecting = {full_name(a.first_name, a.last_name).casefold() for a, _ in pairs}
    for contact in child.emergency_contacts or []:
        if str(contact.get("name", "")).casefold() not in collecting:
            rows.append(_carer_cells(None, None, contact))
    return rows


def export_rows(db: Session) -> tuple[list[str], list[list[object]]]:
    names = Names.load(db)
    sessions = dict(db.execute(select(NurserySession.id, NurserySession.name)).all())
    children = sorted(
        db.scalars(select(Child).where(Child.deleted_at.is_(None))),
        key=lambda c: sort_key(c.last_name, c.first_name),
    )
    rows, widest = [], TEMPLATE_CARERS
    for child in children:
        booked = "; ".join(
            f"{WEEKDAYS[d][:3]} {sessions.get(s, '')}"
            for d, s in sorted(bookings_of(db, child.id))
            if d < len(WEEKDAYS)
        )
        carers = _carers(db, child)
        widest = max(widest, len(carers))
        cells: list[object] = [
            child.first_name,
            child.last_name,
            child.date_of_birth,
            names.rooms.get(child.room_id or -1, ""),
            names.staff.get(child.key_person_id or -1, ""),
            booked,
            child.started_on or "",
        ]
        rows.append(cells + [c for carer in carers for c in carer])
    return header(widest), rows


def as_text_dates(rows: list[list[object]], order: DateOrder) -> list[list[object]]:
    """A CSV's dates written as the nursery writes them, which its import reads back."""
    return [[show_day(c, order) if isinstance(c, date) else c for c in row] for row in rows]


def export_file(db: Session, *, xlsx: bool) -> bytes:
    titles, rows = export_rows(db)
    if xlsx:
        return xlsx_bytes(titles, rows)
    return csv_bytes(titles, as_text_dates(rows, setting_date_order(db)))


def template_file(*, xlsx: bool) -> bytes:
    """The columns alone: an example row left in by mistake would become a child."""
    return (xlsx_bytes if xlsx else csv_bytes)(header(), [])

"""Telling parents when who may collect their child changes (issue 17): one e-mail to each
adult with parental responsibility for that child, queued in the same transaction as the
change, so a change is never recorded without its notice nor a notice sent for a change that
was rolled back. The hub's sender (admin/notice_sender.py) posts them when the server answers.

Each notice names one child and only that child: an adult who collects children of two
families is never a way for one family to learn of the other."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Adult,
    Authorisation,
    Child,
    Notice,
    OneOffPermission,
    Restriction,
    Setting,
    Staff,
)
from db.names import full_name
from db.register import setting_zone

COLLECTION_CHANGE = "collection_change"
# No preferred language is held for an adult yet: notices are written in English.
CALL_US = "If you did not ask for this, please call the nursery straight away."


def parents_of(db: Session, child: Child) -> list[Adult]:
    """Adults with parental responsibility for the child, today, who gave an e-mail address."""
    rows = db.scalars(
        select(Adult)
        .join(Authorisation, Authorisation.adult_id == Adult.id)
        .where(
            Authorisation.child_id == child.id,
            Authorisation.parental_responsibility.is_(True),
            Authorisation.deleted_at.is_(None),
            Adult.deleted_at.is_(None),
        )
        .order_by(Adult.id)
    ).all()
    return [a for a in rows if a.email and "@" in a.email]


def children_collected_by(db: Session, adult: Adult) -> list[Child]:
    """The children this adult may collect: a card for them matters to each child's parents."""
    return list(
        db.scalars(
            select(Child)
            .join(Authorisation, Authorisation.child_id == Child.id)
            .where(
                Authorisation.adult_id == adult.id,
                Authorisation.deleted_at.is_(None),
                Child.deleted_at.is_(None),
            )
            .order_by(Child.id)
        )
    )


def name_of(person: Adult | Staff | Child) -> str:
    return full_name(person.first_name, person.last_name)


def queue_collection_change(
    db: Session, *, child: Child, what: str, by: Staff, now: datetime
) -> list[Notice]:
    """Queue ``what`` (one sentence, e.g. "Jo Bloggs may now collect Amelia.") for every parent
    of ``child``. Flushes nothing and commits nothing: the caller's commit sends both."""
    setting = db.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    nursery = setting.name if setting else "the nursery"
    when = now.astimezone(setting_zone(db)).strftime("%A %-d %B %Y at %H:%M")
    queued = []
    for parent in parents_of(db, child):
        lines = [
            f"Dear {parent.first_name},",
            f"There has been a change to who may collect {child.first_name} from {nursery}.",
            what,
            f"When: {when}.",
            f"Made in the office by: {name_of(by)}.",
            CALL_US,
        ]
        notice = Notice(
            kind=COLLECTION_CHANGE,
            to_adult_id=parent.id,
            child_id=child.id,
            to_address=parent.email or "",
            subject=f"A change at {nursery}"[:200],
            text_body="\n\n".join(lines) + f"\n\n{nursery}\n",
            html_body=_html(lines, nursery),
            summary=what[:500],
            message_id=f"<handover.{secrets.token_hex(16)}@{_domain_of(parent.email or '')}>",
            queued_at=now,
            status="waiting",
            attempts=0,
            next_try_at=now,
            last_error="",
        )
        db.add(notice)
        queued.append(notice)
    return queued


def _html(lines: list[str], nursery: str) -> str:
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines[:-1])
    return (
        '<!doctype html><html lang="en"><body style="font-family:sans-serif">'
        f"{paragraphs}<p><strong>{escape(lines[-1])}</strong></p>"
        f"<p>{escape(nursery)}</p></body></html>"
    )


def _domain_of(address: str) -> str:
    """The Message-ID's right-hand side: anything unique works; the recipient's domain is
    always a valid one and says nothing about the hub."""
    domain = address.rpartition("@")[2].strip()
    return domain if domain and all(c.isalnum() or c in ".-" for c in domain) else "handover"


# --- what changed, in one sentence each -----------------------------------------------------


def _day(day: date) -> str:
    return day.strftime("%-d %B %Y")


def tell_authorised(db: Session, *, auth: Authorisation, by: Staff, now: datetime) -> None:
    child, adult = db.get(Child, auth.child_id), db.get(Adult, auth.adult_id)
    if child is None or adult is None:
        return
    what = f"{name_of(adult)} ({auth.relationship}) may now collect {child.first_name}."
    queue_collection_change(db, child=child, what=what, by=by, now=now)


def tell_ended(
    db: Session,
    *,
    row: Authorisation | OneOffPermission | Restriction,
    by: Staff,
    now: datetime,
) -> None:
    """An authorisation removed, a permission withdrawn or a restriction lifted. Called before
    the tombstone is written, so a parent whose own authorisation ends is told too."""
    child = db.get(Child, row.child_id)
    if child is None:
        return
    if isinstance(row, Restriction):
        # Neither the person nor the reason: a court order's details stay in the office.
        what = f"A restriction on who may collect {child.first_name} has been removed."
    else:
        adult = db.get(Adult, row.adult_id)
        who = name_of(adult) if adult else "An adult"
        what = f"{who} may no longer collect {child.first_name}."
        if isinstance(row, OneOffPermission):
            what = (
                f"The written permission for {who} to collect {child.first_name} from "
                f"{_day(row.valid_from)} to {_day(row.valid_to)} has been withdrawn."
            )
    queue_collection_change(db, child=child, what=what, by=by, now=now)


def tell_permission(db: Session, *, permission: OneOffPermission, by: Staff, now: datetime) -> None:
    child, adult = db.get(Child, permission.child_id), db.get(Adult, permission.adult_id)
    if child is None or adult is None:
        return
    what = (
        f"A written permission was recorded for {name_of(adult)} to collect "
        f"{child.first_name} from {_day(permission.valid_from)} to {_day(permission.valid_to)}."
    )
    queue_collection_change(db, child=child, what=what, by=by, now=now)


def tell_password_changed(db: Session, *, child: Child, by: Staff, now: datetime) -> None:
    what = (
        f"The agreed password for collecting {child.first_name} has been reset. "
        "The new one is never sent by e-mail."
    )
    queue_collection_change(db, child=child, what=what, by=by, now=now)


def tell_card(db: Session, *, holder: Adult, issued: bool, by: Staff, now: datetime) -> None:
    """A card for an adult who collects: each child's parents hear of it, about their child."""
    done = "issued to" if issued else "cancelled for"
    for child in children_collected_by(db, holder):
        what = (
            f"A collection card was {done} {name_of(holder)}, who may collect {child.first_name}."
        )
        queue_collection_change(db, child=child, what=what, by=by, now=now)

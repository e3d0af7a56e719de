"""Telling parents when who may collect their child changes (issue 17): one e-mail to each
adult with parental responsibility for that child, queued in the same transaction as the
change, so a change is never recorded without its notice nor a notice sent for a change that
was rolled back. The hub's sender (admin/notice_sender.py) posts them when the server answers.

Each notice names one child and only that child: an adult who collects children of two
families is never a way for one family to learn of the other."""

from __future__ import annotations

import gettext
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.notice_language import RIGHT_TO_LEFT, _, language_of, translation
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
CALL_US = _("If you did not ask for this, please call the nursery straight away.")
ENGLISH = gettext.NullTranslations()
DAY = _("%-d %B %Y")  # translated too: a catalog gives its own order, and numbers for month names
WHEN = _("%A %-d %B %Y at %H:%M")


@dataclass(frozen=True)
class Words:
    """A message in English with its names and dates apart, so that it can be written in each
    parent's own language: ``Words("{adult} may now collect {child}.", adult=..., child=...)``."""

    message: str
    values: dict[str, str | date]

    def __init__(self, message: str, **values: str | date) -> None:
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "values", values)

    def say(self, language: gettext.NullTranslations) -> str:
        day = language.gettext(DAY)
        values = {k: v.strftime(day) if isinstance(v, date) else v for k, v in self.values.items()}
        return language.gettext(self.message).format(**values)


def nursery_name(db: Session) -> str:
    setting = db.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    return setting.name if setting else "the nursery"


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
    db: Session, *, child: Child, what: Words, by: Staff, now: datetime
) -> list[Notice]:
    """Queue ``what`` (e.g. "Jo Bloggs may now collect Amelia.") for every parent of
    ``child``, each in their own language. Flushes and commits nothing: the caller's commit
    saves the change and its notices together."""
    nursery, local = nursery_name(db), now.astimezone(setting_zone(db))
    queued = []
    for parent in parents_of(db, child):
        words = translation(language_of(parent.language))
        say = words.gettext
        lines = [
            say(_("Dear {name},")).format(name=parent.first_name),
            say(_("There has been a change to who may collect {child} from {nursery}.")).format(
                child=child.first_name, nursery=nursery
            ),
            what.say(words),
            say(_("When: {when}.")).format(when=local.strftime(say(WHEN))),
            say(_("Made in the office by: {staff}.")).format(staff=name_of(by)),
            say(CALL_US),
        ]
        subject = say(_("A change at {nursery}")).format(nursery=nursery)
        queued.append(
            queue_notice(
                db,
                kind=COLLECTION_CHANGE,
                to=parent,
                child=child,
                subject=subject,
                lines=lines,
                summary=what.say(ENGLISH),
                now=now,
            )
        )
    return queued


def queue_notice(
    db: Session,
    *,
    kind: str,
    to: Adult,
    child: Child,
    subject: str,
    lines: list[str],
    summary: str,
    now: datetime,
    message_id: str = "",
) -> Notice:
    """One e-mail about one child to one adult, waiting for the sender; the last line is
    the one that matters most and is set in bold. The caller commits."""
    nursery = nursery_name(db)
    notice = Notice(
        kind=kind,
        to_adult_id=to.id,
        child_id=child.id,
        to_address=to.email or "",
        subject=subject[:200],
        text_body="\n\n".join(lines) + f"\n\n{nursery}\n",
        html_body=html_body(lines, nursery, language_of(to.language)),
        summary=summary[:500],
        message_id=message_id or f"<handover.{secrets.token_hex(16)}@{_domain_of(to.email or '')}>",
        queued_at=now,
        status="waiting",
        attempts=0,
        next_try_at=now,
        last_error="",
    )
    db.add(notice)
    return notice


def html_body(lines: list[str], nursery: str, language: str) -> str:
    """The HTML part: the lines as paragraphs, the last in bold, the way the language reads."""
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines[:-1])
    direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
    return (
        f'<!doctype html><html lang="{language}" dir="{direction}">'
        '<body style="font-family:sans-serif">'
        f"{paragraphs}<p><strong>{escape(lines[-1])}</strong></p>"
        f"<p>{escape(nursery)}</p></body></html>"
    )


def _domain_of(address: str) -> str:
    """The Message-ID's right-hand side: anything unique works; the recipient's domain is
    always a valid one and says nothing about the hub."""
    domain = address.rpartition("@")[2].strip()
    return domain if domain and all(c.isalnum() or c in ".-" for c in domain) else "handover"


# --- what changed, in one sentence each -----------------------------------------------------


def tell_authorised(db: Session, *, auth: Authorisation, by: Staff, now: datetime) -> None:
    child, adult = db.get(Child, auth.child_id), db.get(Adult, auth.adult_id)
    if child is None or adult is None:
        return
    what = Words(
        _("{adult} ({relationship}) may now collect {child}."),
        adult=name_of(adult),
        relationship=auth.relationship,
        child=child.first_name,
    )
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
        what = Words(
            _("A restriction on who may collect {child} has been removed."),
            child=child.first_name,
        )
    else:
        adult = db.get(Adult, row.adult_id)
        who = name_of(adult) if adult else "An adult"
        what = Words(_("{adult} may no longer collect {child}."), adult=who, child=child.first_name)
        if isinstance(row, OneOffPermission):
            what = Words(
                _(
                    "The written permission for {adult} to collect {child} from {start} "
                    "to {end} has been withdrawn."
                ),
                adult=who,
                child=child.first_name,
                start=row.valid_from,
                end=row.valid_to,
            )
    queue_collection_change(db, child=child, what=what, by=by, now=now)


def tell_permission(db: Session, *, permission: OneOffPermission, by: Staff, now: datetime) -> None:
    child, adult = db.get(Child, permission.child_id), db.get(Adult, permission.adult_id)
    if child is None or adult is None:
        return
    what = Words(
        _(
            "A written permission was recorded for {adult} to collect {child} from {start} to {end}."  # noqa: E501
        ),
        adult=name_of(adult),
        child=child.first_name,
        start=permission.valid_from,
        end=permission.valid_to,
    )
    queue_collection_change(db, child=child, what=what, by=by, now=now)


def tell_password_changed(db: Session, *, child: Child, by: Staff, now: datetime) -> None:
    what = Words(
        _(
            "The agreed password for collecting {child} has been reset. "
            "The new one is never sent by e-mail."
        ),
        child=child.first_name,
    )
    queue_collection_change(db, child=child, what=what, by=by, now=now)


def tell_card(db: Session, *, holder: Adult, issued: bool, by: Staff, now: datetime) -> None:
    """A card for an adult who collects: each child's parents hear of it, about their child."""
    done = (
        _("A collection card was issued to {adult}, who may collect {child}.")
        if issued
        else _("A collection card was cancelled for {adult}, who may collect {child}.")
    )
    for child in children_collected_by(db, holder):
        what = Words(done, adult=name_of(holder), child=child.first_name)
        queue_collection_change(db, child=child, what=what, by=by, now=now)

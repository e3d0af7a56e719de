"""Signing parents in to the parents' page (issue 17 §3): an e-mailed one-time code, no
password to forget, and short sessions the office can end.

Only an adult with parental responsibility for a child still at the nursery gets a code. Every
address asked about gets the same answer and costs the same work (a row is written for it
either way), so the page never tells a stranger whose address the office holds. A code is six
digits, kept as an HMAC under the hub's key (six digits alone would be guessed from a stolen
database in a moment), lasts ten minutes and allows five tries; codes are limited per address
and per computer like the staff login (admin/security.py)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from admin.family_language import N_
from admin.notice_language import _, language_of, translation
from admin.office.notices import html_body, name_of
from db.audit import ACTOR_KEY
from db.credentials import hash_secret
from db.models import (
    Adult,
    AuditEntry,
    Authorisation,
    Child,
    FamilyCode,
    FamilySession,
    Notice,
    Setting,
)

CODE_LASTS = timedelta(minutes=10)
CODE_TRIES = 5
WINDOW = timedelta(minutes=15)
CODES_PER_ADDRESS = 3  # in WINDOW: a parent who lost the first mail can ask twice more
CODES_PER_CLIENT = 10  # in WINDOW, whatever addresses: one computer cannot sweep a list
SESSION_IDLE = timedelta(minutes=30)
SESSION_LONGEST = timedelta(hours=8)  # however busy: a phone left signed in ends the day out
FAMILY_CODE = "family_code"  # the notice's kind
GONE = "(a sign-in code for the parents' page: used or run out, so no longer kept)"
RAN_OUT = "The code ran out before the mail server took it, so it was not sent."


def audit_entry(
    db: Session, *, action: str, entity: str, entity_id: object, now: datetime, **more: object
) -> None:
    """What the parents' page does is not a change to people rows, so db/audit.py does not
    see it: signing in, being signed out by the office, a request sent or decided are
    written here, under the session's actor (``parent:<id>`` or ``staff:<id>``)."""
    db.execute(
        insert(AuditEntry).values(
            at=now,
            actor=str(db.info.get(ACTOR_KEY, "system")),
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            changes={"fields": sorted(more), **more},
        )
    )


def normal_address(email: str) -> str:
    return email.strip().lower()[:200]


def code_digest(secret_key: str, email: str, code: str) -> str:
    return hmac.new(secret_key.encode(), f"{email}:{code}".encode(), hashlib.sha256).hexdigest()


def current_children(db: Session, adult_id: int, *, today: date) -> list[Child]:
    """The children this adult has parental responsibility for and who have not left: the
    only children the parents' page ever shows them."""
    query = (
        select(Child)
        .join(Authorisation, Authorisation.child_id == Child.id)
        .where(
            Authorisation.adult_id == adult_id,
            Authorisation.parental_responsibility.is_(True),
            Authorisation.deleted_at.is_(None),
            Child.deleted_at.is_(None),
            or_(Child.left_on.is_(None), Child.left_on >= today),
        )
        .order_by(Child.first_name, Child.id)
    )
    return list(db.scalars(query))


def parent_with_address(db: Session, email: str, *, today: date) -> Adult | None:
    """The adult with this address who is a parent of a current child (the first, should two
    adults share an address)."""
    if "@" not in email:
        return None
    adults = db.scalars(
        select(Adult)
        .where(func.lower(Adult.email) == email, Adult.deleted_at.is_(None))
        .order_by(Adult.id)
    )
    return next((a for a in adults if current_children(db, a.id, today=today)), None)


def _asked(db: Session, column: InstrumentedAttribute[str], value: str, since: datetime) -> int:
    query = select(func.count()).select_from(FamilyCode).where(column == value)
    return int(db.scalar(query.where(FamilyCode.created_at >= since)) or 0)


def ask_for_code(db: Session, *, email: str, client: str, secret_key: str, now: datetime) -> str:
    """Queues a code for a parent's address and commits. Returns "" or, when this address or
    computer has asked too often, the message to show (the same for any address)."""
    email, client = normal_address(email), client[:64]
    db.execute(delete(FamilyCode).where(FamilyCode.created_at < now - timedelta(days=1)))
    _forget_old_codes(db, now)
    since = now - WINDOW
    if (
        _asked(db, FamilyCode.email, email, since) >= CODES_PER_ADDRESS
        or _asked(db, FamilyCode.client, client, since) >= CODES_PER_CLIENT
    ):
        db.commit()
        return N_("Too many codes were asked for. Please wait 15 minutes and try again.")
    parent = parent_with_address(db, email, today=now.date())
    code = f"{secrets.randbelow(10**6):06d}"
    db.add(
        FamilyCode(
            email=email,
            adult_id=parent.id if parent else None,
            code_hash=code_digest(secret_key, email, code),
            client=client,
            created_at=now,
            expires_at=now + CODE_LASTS,
            tries=0,
        )
    )
    if parent is not None:
        db.add(_code_notice(db, parent, code, now))
    db.commit()
    return ""


def _code_notice(db: Session, parent: Adult, code: str, now: datetime) -> Notice:
    """The code, in the parent's language (admin/notice_language.py), never in the subject."""
    setting = db.scalar(select(Setting).where(Setting.deleted_at.is_(None)))
    nursery = setting.name if setting else "the nursery"
    language = language_of(parent.language)
    say = translation(language).gettext
    lines = [
        say(_("Dear {name},")).format(name=parent.first_name),
        say(_("Your code for the parents' page of {nursery} is {code}.")).format(
            nursery=nursery, code=code
        ),
        say(_("It works once, for ten minutes.")),
        say(
            _(
                "If you did not ask for it, you can ignore this e-mail; "
                "no one can sign in without the code."
            )
        ),
    ]
    return Notice(
        kind=FAMILY_CODE,
        to_adult_id=parent.id,
        child_id=None,
        to_address=parent.email or "",
        subject=say(_("Your sign-in code for {nursery}")).format(nursery=nursery)[:200],
        text_body="\n\n".join(lines) + f"\n\n{nursery}\n",
        html_body=html_body(lines, nursery, language),
        summary=f"A sign-in code for the parents' page, for {name_of(parent)}"[:500],
        message_id=f"<handover.{secrets.token_hex(16)}@handover>",
        queued_at=now,
        status="waiting",
        attempts=0,
        next_try_at=now,
        last_error="",
    )


@dataclass(frozen=True)
class CodeCheck:
    adult_id: int | None
    message: str = ""


WRONG = N_("That code is not right, or it has run out. Please try again or ask for a new code.")


def check_code(db: Session, *, email: str, code: str, secret_key: str, now: datetime) -> CodeCheck:
    """The parent this code signs in, once; a wrong code uses up one of the code's tries.
    Commits."""
    email, code = normal_address(email), code.strip().replace(" ", "")
    row = db.scalar(
        select(FamilyCode)
        .where(
            FamilyCode.email == email,
            FamilyCode.used_at.is_(None),
            FamilyCode.expires_at > now,
            FamilyCode.tries < CODE_TRIES,
        )
        .order_by(FamilyCode.id.desc())
    )
    if row is None:
        return CodeCheck(None, WRONG)
    right = hmac.compare_digest(row.code_hash, code_digest(secret_key, email, code))
    if not right or row.adult_id is None:
        row.tries += 1
        db.commit()
        return CodeCheck(None, WRONG)
    row.used_at = now
    _forget_code_text(db, row.adult_id)
    db.commit()
    return CodeCheck(row.adult_id)


def _forget_code_text(db: Session, adult_id: int) -> None:
    """A used code need not wait in the notices table: its mails keep only that they went."""
    db.execute(
        update(Notice)
        .where(
            Notice.kind == FAMILY_CODE,
            Notice.to_adult_id == adult_id,
            Notice.status.in_(("sent", "failed")),
        )
        .values(text_body=GONE, html_body=GONE)
    )


def _forget_old_codes(db: Session, now: datetime) -> None:
    """Codes past their ten minutes: one still waiting for the mail server is not sent late
    (it would not work), and none is kept in the notices table any longer."""
    old = (Notice.kind == FAMILY_CODE, Notice.queued_at < now - CODE_LASTS)
    db.execute(
        update(Notice)
        .where(*old, Notice.status == "waiting")
        .values(status="failed", last_error=RAN_OUT)
    )
    db.execute(
        update(Notice)
        .where(*old, Notice.status.in_(("sent", "failed")), Notice.text_body != GONE)
        .values(text_body=GONE, html_body=GONE)
    )


def start_family_session(db: Session, adult_id: int, *, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    audit_entry(db, action="family_sign_in", entity="adults", entity_id=adult_id, now=now)
    db.add(
        FamilySession(
            token_hash=hash_secret(token), adult_id=adult_id, created_at=now, last_seen_at=now
        )
    )
    db.commit()
    return token


def parent_for_token(db: Session, token: str, *, now: datetime) -> Adult | None:
    """The parent signed in with this token, or None; a stale session is ended here."""
    row = db.get(FamilySession, hash_secret(token)) if token.isascii() else None
    if row is None:
        return None
    adult = db.get(Adult, row.adult_id)
    stale = now - row.last_seen_at > SESSION_IDLE or now - row.created_at > SESSION_LONGEST
    if stale or adult is None or adult.deleted_at is not None:
        db.delete(row)
        db.commit()
        return None
    if now - row.last_seen_at > timedelta(seconds=60):
        row.last_seen_at = now
        db.commit()
    return adult


def end_family_session(db: Session, token: str) -> None:
    if token.isascii():
        db.execute(delete(FamilySession).where(FamilySession.token_hash == hash_secret(token)))
        db.commit()


def end_parent_sessions(db: Session, adult_id: int, *, now: datetime) -> int:
    """The office signs a parent out everywhere (a lost phone, a family dispute). Commits;
    returns how many sessions ended."""
    result = db.execute(delete(FamilySession).where(FamilySession.adult_id == adult_id))
    ended = int(getattr(result, "rowcount", 0) or 0)
    audit_entry(
        db, action="family_sign_out", entity="adults", entity_id=adult_id, now=now, sessions=ended
    )
    db.commit()
    return ended


def parent_sessions(db: Session, adult_id: int) -> int:
    query = select(func.count()).select_from(FamilySession)
    return int(db.scalar(query.where(FamilySession.adult_id == adult_id)) or 0)

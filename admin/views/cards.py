"""QR cards: issue to an adult or a member of staff, print (card-sized, several per A4 sheet),
revoke. Reissuing revokes the old card. The payload exists only in the printed page: the hub
keeps the SHA-256 of its secret. Manager only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import segno
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.deps import FormDep, ManagerOnly, NowDep, SessionDep
from admin.errors import HubError, not_found
from admin.mail import Refused, TryLater, deliver
from admin.office.card_holders import card_holders
from admin.office.card_mail import card_message
from admin.office.mail_settings import mail_in_use
from admin.office.notices import nursery_name, tell_card
from admin.office.viewing import record_people_seen
from admin.templating import render
from db.audit import record_action
from db.credentials import hash_secret, new_card
from db.models import Adult, Card, Staff
from db.names import full_name

router = APIRouter()
# A whole room's carers at once ("Tick everyone in Pre-school": 60 children's 120 carers), as
# pages of A4; the cap only stops one request making thousands of cards.
MAX_PER_SHEET = 200


@dataclass(frozen=True)
class PrintedCard:
    holder: str
    kind: str  # "adult" or "staff"
    holder_id: int
    has_photo: bool
    card_id: str
    qr_svg: Markup
    payload: str = field(default="", repr=False)  # the card's secret: this request's only

    @property
    def name_size(self) -> str:
        """Smaller type for a longer name, so it fits beside the QR code in three lines at
        most and stays inside the card's cut line (the sheet's test measures it)."""
        length = len(self.holder)
        for longest, size in ((16, ""), (26, "long"), (40, "longer")):
            if length <= longest:
                return size
        return "longest"


def _holder(db: Session, ref: str) -> Adult | Staff:
    kind, _, raw = ref.partition(":")
    row: Adult | Staff | None = None
    if raw.isdigit() and kind == "adult":
        row = db.get(Adult, int(raw))
    elif raw.isdigit() and kind == "staff":
        row = db.get(Staff, int(raw))
    if row is None or row.deleted_at is not None:
        raise not_found("That card holder")
    return row


def qr_svg(payload: str) -> Markup:
    # Our own payload, drawn by segno: upper-case base32 and dots, nothing to escape.
    svg = segno.make(payload, error="m", micro=False).svg_inline(scale=4, border=2, omitsize=True)
    return Markup(svg)  # noqa: S704


def issue_card(db: Session, holder: Adult | Staff, *, by: Staff, now: datetime) -> PrintedCard:
    """A new card for the holder; any card they hold already stops working."""
    is_staff = isinstance(holder, Staff)
    column = Card.holder_staff_id if is_staff else Card.holder_adult_id
    for old in db.scalars(select(Card).where(column == holder.id, Card.revoked_at.is_(None))):
        old.revoked_at, old.revoked_by_staff_id, old.revoked_reason = now, by.id, "reissued"
    if isinstance(holder, Adult):  # a collector's card: their children's parents are told
        tell_card(db, holder=holder, issued=True, by=by, now=now)
    payload = new_card()
    db.add(
        Card(
            id=payload.card_id,
            holder_adult_id=None if is_staff else holder.id,
            holder_staff_id=holder.id if is_staff else None,
            secret_hash=hash_secret(payload.secret),
            issued_at=now,
            issued_by_staff_id=by.id,
        )
    )
    return PrintedCard(
        full_name(holder.first_name, holder.last_name),
        "staff" if is_staff else "adult",
        holder.id,
        holder.photo is not None,
        payload.card_id,
        qr_svg(payload.text()),
        payload.text(),
    )


def _holder_names(db: Session) -> dict[str, str]:
    names = {
        f"adult:{i}": full_name(f, last)
        for i, f, last in db.execute(select(Adult.id, Adult.first_name, Adult.last_name))
    }
    names |= {
        f"staff:{i}": f"{full_name(f, last)} (staff)"
        for i, f, last in db.execute(select(Staff.id, Staff.first_name, Staff.last_name))
    }
    return names


@router.get("/cards")
def cards_page(request: Request, me: ManagerOnly, db: SessionDep, holder: str = "") -> Response:
    """People to tick for new cards (a list of boxes, which works on a tablet where a
    multiple-choice list does not), and the cards issued, for one holder when ``holder`` says."""
    query = select(Card).order_by(Card.issued_at.desc())
    if holder:
        held = _holder(db, holder)
        column = Card.holder_staff_id if isinstance(held, Staff) else Card.holder_adult_id
        query = query.where(column == held.id)
    cards = db.scalars(query.limit(500)).all()
    names = _holder_names(db)
    rows = [
        {
            "card": c,
            "holder": names.get(f"adult:{c.holder_adult_id}")
            or names.get(f"staff:{c.holder_staff_id}", ""),
        }
        for c in cards
    ]
    listed = card_holders(db)
    seen = {"children": listed.children, "adults": listed.adults, "staff": listed.staff}
    record_people_seen(request, db, seen, "cards")
    context = {"rows": rows, "groups": listed.groups, "holder": holder, "most": MAX_PER_SHEET}
    return render(request, "cards.html", context)


@router.post("/cards/issue")
def issue(
    request: Request, form: FormDep, me: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    # Once each, though a person ticked under two rooms is sent twice: a second card would
    # revoke the first before it is even printed.
    refs = list(dict.fromkeys(str(v) for v in form.getlist("holder") if isinstance(v, str) and v))
    if not refs:
        raise HubError(400, "no_holder", "Please choose at least one person to issue a card to.")
    if len(refs) > MAX_PER_SHEET:
        raise HubError(400, "too_many", f"At most {MAX_PER_SHEET} cards at once, please.")
    printed = [issue_card(db, _holder(db, ref), by=me, now=now) for ref in refs]
    db.commit()
    seen: dict[str, list[int]] = {"adults": [], "staff": []}
    for card in printed:
        seen["staff" if card.kind == "staff" else "adults"].append(card.holder_id)
    record_people_seen(request, db, seen, "card printed")
    return render(request, "cards_print.html", {"printed": printed})


@router.post("/cards/{card_id}/revoke")
def revoke(card_id: str, form: FormDep, me: ManagerOnly, db: SessionDep, now: NowDep) -> Response:
    card = db.get(Card, card_id)
    if card is None:
        raise not_found("That card")
    if card.revoked_at is None:
        reason = " ".join(str(form.get("reason") or "lost").split())[:200] or "lost"
        card.revoked_at, card.revoked_by_staff_id, card.revoked_reason = now, me.id, reason
        holder = db.get(Adult, card.holder_adult_id or -1)
        if holder is not None:
            tell_card(db, holder=holder, issued=False, by=me, now=now)
        db.commit()
    return RedirectResponse("/cards", status_code=303)


@router.post("/adults/{adult_id}/card-by-email")
def card_by_email(
    request: Request, adult_id: int, form: FormDep, me: ManagerOnly, db: SessionDep, now: NowDep
) -> Response:
    """A new card for the carer, e-mailed to them at once (any card they held stops working).
    Sent before the card is saved: when the server does not take it, no card is issued."""
    carer = _holder(db, f"adult:{adult_id}")
    assert isinstance(carer, Adult)
    state = request.app.state
    smtp = mail_in_use(db, from_env=state.settings.smtp, data_folder=state.data_folder).smtp
    if smtp is None or not carer.email:
        why = "no mail server is set up (Settings → Mail)" if smtp is None else "no e-mail address"
        raise HubError(400, "cannot_email", f"The card cannot be e-mailed: {why}.")
    # A savepoint, not the whole transaction: a rollback of that would expire who is signed in,
    # whom the answer page still names.
    card_only = db.begin_nested()
    printed = issue_card(db, carer, by=me, now=now)
    nursery, card = nursery_name(db), printed
    message = card_message(
        smtp, carer=carer, nursery=nursery, card_id=card.card_id, payload=card.payload
    )
    try:
        deliver(smtp, message)
    except (TryLater, Refused) as exc:
        card_only.rollback()
        why = f"The card was not e-mailed, and no card was issued. The mail server: {exc}"
        raise HubError(502, "card_not_sent", why) from exc
    what = {"card": printed.card_id}
    record_action(db, at=now, action="card_emailed", entity="adults", entity_id=carer.id, what=what)
    db.commit()
    return RedirectResponse(f"/adults/{adult_id}?card_sent={printed.card_id}", 303)

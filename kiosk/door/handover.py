"""A member of staff confirms a handover: the last step before a child leaves (R3, R5)."""

from __future__ import annotations

from datetime import datetime

from db.credentials import CredentialError, check_password
from db.timeline import EventRecord
from db.vocabulary import Check, CollectionMethod, EventType
from kiosk.door.book import StaffInfo
from kiosk.door.collection import ByChosenAdult, ByPassword, Collector, decide_collection
from kiosk.door.context import DoorContext, clean_text
from kiosk.door.decisions import (
    CardHolder,
    ConfirmDecision,
    DoorInputError,
    HandedOver,
    NotConfirmed,
    Refused,
)

MAX_ID_DOCUMENT_CHARS = 100


def verify_staff_pin(ctx: DoorContext, *, staff_id: int, pin: str) -> StaffInfo | None:
    """The member of staff, if the PIN is theirs. bcrypt: call it off the UI thread."""
    staff = ctx.book.staff.get(staff_id)
    if staff is None or not staff.active or not staff.pin_hash:
        return None
    try:
        return staff if check_password(pin, staff.pin_hash) else None
    except CredentialError:
        return None


def staff_from_card(ctx: DoorContext, holder: CardHolder) -> StaffInfo | None:
    staff = ctx.book.staff.get(holder.staff_id) if holder.staff_id is not None else None
    return staff if staff is not None and staff.active else None


def confirm_handover(
    ctx: DoorContext,
    *,
    request_uuid: str,
    staff: StaffInfo,
    now: datetime,
    id_document: str = "",
) -> ConfirmDecision:
    """``staff`` has already proved who they are (PIN or staff card). People data may have
    changed since the adult checked out (a new restriction, a card revoked at the office), so
    the rules are asked again before the child goes."""
    request = ctx.timeline.pending_collections.get(request_uuid)
    if request is None or request.child_id is None:
        return NotConfirmed("This collection is no longer waiting. Please start again.")
    checks = [Check(c) for c in request.payload.get("checks", ())]
    try:
        document = clean_text(
            id_document,
            what="the ID document checked",
            max_chars=MAX_ID_DOCUMENT_CHARS,
            required=Check.CHECK_ID_DOCUMENT in checks,
        )
    except DoorInputError as exc:
        return NotConfirmed(str(exc))
    recheck = _recheck(ctx, request.child_id, request.adult_id, request.payload, now)
    if isinstance(recheck, Refused):
        return recheck
    collected = ctx.event(
        EventType.CHILD_COLLECTED,
        now=now,
        ref=request.uuid,
        child_id=request.child_id,
        adult_id=request.adult_id,
        staff_id=staff.id,
        payload={
            "collector_name": request.payload.get("collector_name", ""),
            "method": request.payload.get("method"),
            "checks": [c.value for c in checks],
            "id_document": document or None,
        },
    )
    return HandedOver(event=collected)


def _recheck(
    ctx: DoorContext, child_id: int, adult_id: int | None, payload: object, now: datetime
) -> Refused | None:
    """The adult's standing at this moment, without asking for the password again."""
    assert isinstance(payload, dict)
    name = str(payload.get("collector_name", ""))
    collector: Collector
    if adult_id is None:
        if ctx.book.restriction_for(child_id, name=name) is None:
            return None
        collector = ByPassword(name=name, password="")
    else:
        collector = ByChosenAdult(adult_id=adult_id)
    decision = decide_collection(ctx, child_id=child_id, collector=collector, now=now)
    return decision if isinstance(decision, Refused) else None


def cancel_collection(
    ctx: DoorContext, *, request_uuid: str, now: datetime
) -> tuple[EventRecord, ...]:
    """The adult walked away or tapped "Cancel": the request stops waiting; the child stays."""
    if request_uuid not in ctx.timeline.pending_collections:
        return ()
    return (ctx.event(EventType.COLLECTION_CANCELLED, now=now, ref=request_uuid),)


__all__ = [
    "CollectionMethod",
    "cancel_collection",
    "confirm_handover",
    "staff_from_card",
    "verify_staff_pin",
]

"""A member of staff confirms a handover: the last step before a child leaves (R3, R5)."""

from __future__ import annotations

from datetime import datetime

from db.credentials import CredentialError, check_password
from db.timeline import EventRecord
from db.vocabulary import Check, CollectionMethod, EventType, Reason
from kiosk.door.book import StaffInfo
from kiosk.door.collection import ByChosenAdult, ByPassword, Collector, decide_collection
from kiosk.door.context import DoorContext, clean_text
from kiosk.door.decisions import (
    CardHolder,
    ConfirmDecision,
    DoorInputError,
    HandedOver,
    NotConfirmed,
    PinChecked,
    Refused,
)

MAX_ID_DOCUMENT_CHARS = 100
NO_LONGER_WAITING = "This collection is no longer waiting. Please start again."


def verify_staff_pin(
    ctx: DoorContext, *, staff_id: int, pin: str, now: datetime | None = None
) -> StaffInfo | None:
    """The member of staff, if the PIN is theirs. bcrypt: call it off the UI thread. Given
    ``now``, a PIN this member already proved today is recognised without bcrypt, and a PIN
    that passes bcrypt is remembered for the day (see kiosk.door.shift_pins)."""
    staff = ctx.book.staff.get(staff_id)
    if staff is None or not staff.active or not staff.pin_hash:
        return None
    day = ctx.today(now) if now is not None else None
    if day is not None and ctx.shift_pins.recalls(staff, pin, day=day):
        return staff
    try:
        proved = check_password(pin, staff.pin_hash)
    except CredentialError:
        return None
    if proved and day is not None:
        ctx.shift_pins.remember(staff, pin, day=day)
    return staff if proved else None


def check_staff_pin(ctx: DoorContext, *, staff_id: int, pin: str, now: datetime) -> PinChecked:
    """A PIN typed at the door, counted. A staff PIN can release a child, so each wrong one is
    recorded, and at the limit (per member of staff at any door, or per door) PIN entry pauses
    for the window and every staff screen is alerted once. While paused nothing is checked, the
    right PIN included: a guesser learns nothing. A staff card still works. bcrypt: call it off
    the UI thread."""
    policy = ctx.policy
    since = now - policy.staff_pin_window
    by_staff = ctx.timeline.recent_pin_failures(staff_id, since)
    at_door = ctx.timeline.recent_pin_failures_at(ctx.device, since)
    if by_staff >= policy.staff_pin_attempt_limit or at_door >= policy.door_pin_attempt_limit:
        return PinChecked(staff=None, locked=True)
    staff = verify_staff_pin(ctx, staff_id=staff_id, pin=pin, now=now)
    if staff is not None:
        return PinChecked(staff=staff)
    failed = ctx.event(EventType.STAFF_PIN_FAILED, now=now, staff_id=staff_id)
    by_staff, at_door = by_staff + 1, at_door + 1  # counting this one
    member = ctx.book.staff.get(staff_id)
    name = member.full_name if member is not None else f"staff #{staff_id}"
    if by_staff >= policy.staff_pin_attempt_limit:
        what = f"{by_staff} wrong PINs for {name}"
    elif at_door >= policy.door_pin_attempt_limit:
        what = f"{at_door} wrong staff PINs at this door, the last for {name}"
    else:
        return PinChecked(staff=None, events=(failed,))
    minutes = int(policy.staff_pin_window.total_seconds() // 60)
    alert = ctx.alert(
        Reason.STAFF_PIN_LOCKED,
        now=now,
        ref=failed.uuid,
        text=f"{what}: PIN entry is paused for {minutes} minutes",
        presented={"pin_of": name},
    )
    return PinChecked(staff=None, locked=True, events=(failed, alert))


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
        return NotConfirmed(NO_LONGER_WAITING)
    checks = [Check(c) for c in request.payload.get("checks", ())]
    try:
        document = id_document_checked(request, id_document)
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
            # The register joins this to the arrival when that reaches the office: one stay.
            **({"arrival_known_here": False} if Check.SEE_THE_CHILD in checks else {}),
        },
    )
    return HandedOver(event=collected)


def id_document_checked(request: EventRecord, id_document: str) -> str:
    """The ID document staff recorded, required when the request asks for one (R5)."""
    checks = request.payload.get("checks", ())
    return clean_text(
        id_document,
        what="the ID document checked",
        max_chars=MAX_ID_DOCUMENT_CHARS,
        required=Check.CHECK_ID_DOCUMENT in checks,
    )


def _recheck(
    ctx: DoorContext, child_id: int, adult_id: int | None, payload: object, now: datetime
) -> Refused | None:
    """The adult's standing at this moment, without asking for the password again."""
    assert isinstance(payload, dict)
    name = str(payload.get("collector_name", ""))
    collector: Collector
    if adult_id is None:
        if not ctx.book.restricted_children(name=name):
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
    "check_staff_pin",
    "confirm_handover",
    "staff_from_card",
    "verify_staff_pin",
]

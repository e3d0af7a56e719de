"""Self-registration at the entrance (R1, R2, R10)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from db.timeline import EventRecord
from db.vocabulary import EventType, Reason
from kiosk.door.context import DoorContext, clean_text
from kiosk.door.decisions import Arrived, DoorInputError


def decide_arrival(
    ctx: DoorContext,
    *,
    child_ids: Sequence[int],
    now: datetime,
    brought_by_adult_id: int | None = None,
    brought_by_name: str = "",
    expected_collector_adult_id: int | None = None,
) -> Arrived:
    """Siblings arrive together. A child already on site is told so, not registered twice.
    Every arrival waits for a member of staff to acknowledge it (R2)."""
    if not child_ids:
        raise DoorInputError("Please choose a child.")
    unknown = [c for c in child_ids if c not in ctx.book.children]
    if unknown:
        raise DoorInputError("That child is not known here. Please ask a member of staff.")
    if brought_by_adult_id is None:
        brought_by_name = clean_text(brought_by_name, what="the name of who brought the child")
    elif brought_by_adult_id not in ctx.book.adults:
        raise DoorInputError("Please choose who brought the child.")
    held = _held_for_staff(ctx, child_ids, brought_by_adult_id, brought_by_name, now=now)
    if held is not None:
        return held
    events = []
    arrived: list[int] = []
    already: list[int] = []
    for child_id in dict.fromkeys(child_ids):  # the same tile tapped twice is one child
        if child_id in ctx.timeline.on_site:
            already.append(child_id)
            continue
        child = ctx.book.children[child_id]
        arrival = ctx.event(
            EventType.CHILD_ARRIVED,
            now=now,
            child_id=child_id,
            adult_id=brought_by_adult_id,
            room_id=child.room_id,
            payload={
                "brought_by_name": _brought_by(ctx, brought_by_adult_id, brought_by_name),
                "expected_collector_adult_id": expected_collector_adult_id,
                "key_person_id": child.key_person_id,
            },
        )
        events.append(arrival)
        arrived.append(child_id)
    return Arrived(
        events=tuple(events),
        arrived_child_ids=tuple(arrived),
        already_in_child_ids=tuple(already),
        key_persons={c: ctx.book.children[c].key_person_id for c in arrived},
    )


def _held_for_staff(
    ctx: DoorContext,
    child_ids: Sequence[int],
    adult_id: int | None,
    typed_name: str,
    *,
    now: datetime,
) -> Arrived | None:
    """A person who must not collect signs no child in, theirs or any other: the arrival is
    held, the highest alert goes to every staff screen (one for each child brought and each
    child the order protects), and the door shows its calm wait."""
    name = ctx.book.adults[adult_id].full_name if adult_id is not None else typed_name
    protected = ctx.book.restricted_children(adult_id=adult_id, name=name)
    if not protected:
        return None
    brought = list(dict.fromkeys(child_ids))
    alerts = tuple(
        ctx.alert(
            Reason.RESTRICTED_PERSON_ARRIVING,
            now=now,
            child_id=child_id,
            adult_id=adult_id,
            presented={"method": "arrival", "name": name[:100]},
            brought=brought,
        )
        for child_id in dict.fromkeys([*brought, *protected])
    )
    return Arrived(events=alerts, arrived_child_ids=(), held_child_ids=tuple(brought))


def _brought_by(ctx: DoorContext, adult_id: int | None, typed: str) -> str:
    if adult_id is None:
        return typed
    return ctx.book.adults[adult_id].full_name


def acknowledge_arrival(
    ctx: DoorContext, *, arrival_uuid: str, staff_id: int, now: datetime
) -> tuple[EventRecord, ...]:
    """A member of staff has seen the child come in. Acknowledging twice changes nothing."""
    stay = ctx.timeline.arrivals_by_uuid.get(arrival_uuid)
    if stay is None or stay.acknowledged_at is not None:
        return ()
    return (
        ctx.event(
            EventType.ARRIVAL_ACKNOWLEDGED,
            now=now,
            ref=arrival_uuid,
            child_id=stay.child_id,
            staff_id=staff_id,
        ),
    )

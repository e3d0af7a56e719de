"""Brothers and sisters go home together: one request, one wait, one staff confirmation.

Each child is still decided on its own by the rules in :mod:`kiosk.door.collection`; the
requests are linked by a shared ``together`` id, so any screen that opens one opens them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import uuid4

from db.timeline import Timeline
from kiosk.door.book import StaffInfo
from kiosk.door.collection import (
    ByCard,
    ByChosenAdult,
    decide_collection,
    presented_by,
    restricted_for,
)
from kiosk.door.context import DoorContext
from kiosk.door.decisions import (
    DoorInputError,
    GoingHome,
    HandedOver,
    HandoversDecided,
    Locked,
    NotConfirmed,
    Refused,
    ReleasePending,
)
from kiosk.door.handover import NO_LONGER_WAITING, confirm_handover, id_document_checked


def decide_going_home(
    ctx: DoorContext, *, child_ids: Sequence[int], collector: ByCard | ByChosenAdult, now: datetime
) -> GoingHome:
    """One request for every child the adult takes; each child still decided by the rules."""
    restricted = restricted_for(ctx, collector)
    if restricted:  # one set of alerts, not one per child asked for
        presented = presented_by(collector)
        refused = ctx.refuse_restricted(
            restricted, now=now, adult_id=collector.adult_id, presented=presented
        )
        return GoingHome(pending=(), refused=(refused,))
    together = str(uuid4())
    pending: list[ReleasePending] = []
    refused_children: list[Refused | Locked] = []
    for child_id in dict.fromkeys(child_ids):
        decision = decide_collection(
            ctx, child_id=child_id, collector=collector, now=now, together=together
        )
        if isinstance(decision, ReleasePending):
            pending.append(decision)
        else:
            refused_children.append(decision)
    return GoingHome(pending=tuple(pending), refused=tuple(refused_children))


class DayShown(Protocol):
    """Anything holding a day's timeline: the door itself, or a snapshot screens draw from."""

    @property
    def timeline(self) -> Timeline: ...


def requests_together(ctx: DayShown, request_uuid: str) -> list[str]:
    """The waiting requests that go with this one (itself first), in the order they were made."""
    request = ctx.timeline.pending_collections.get(request_uuid)
    if request is None:
        return []
    together = request.payload.get("together")
    if not together:
        return [request_uuid]
    others = [
        uuid
        for uuid, other in ctx.timeline.pending_collections.items()
        if other.payload.get("together") == together and uuid != request_uuid
    ]
    return [request_uuid, *others]


def confirm_going_home(
    ctx: DoorContext,
    *,
    request_uuids: Sequence[str],
    staff: StaffInfo,
    now: datetime,
    id_document: str = "",
) -> HandoversDecided:
    """One confirmation for every child in the request, the ID recorded once. The rules are asked
    again for each child: one who may no longer go stays, with its alert, while the others go."""
    waiting = [ctx.timeline.pending_collections.get(uuid) for uuid in request_uuids]
    requests = [r for r in waiting if r is not None]
    if not requests:
        return HandoversDecided(not_confirmed=NotConfirmed(NO_LONGER_WAITING))
    try:
        for request in requests:
            id_document_checked(request, id_document)
    except DoorInputError as exc:  # checked once for all: nobody goes without it
        return HandoversDecided(not_confirmed=NotConfirmed(str(exc)))
    handed: list[HandedOver] = []
    refused: list[Refused] = []
    for request in requests:
        decision = confirm_handover(
            ctx, request_uuid=request.uuid, staff=staff, now=now, id_document=id_document
        )
        if isinstance(decision, HandedOver):
            handed.append(decision)
        elif isinstance(decision, Refused):
            refused.append(decision)
    return HandoversDecided(handed=tuple(handed), refused=tuple(refused))

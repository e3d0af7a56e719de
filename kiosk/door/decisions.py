"""What the door can decide. Each decision carries the events to record, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import uuid4

from db.timeline import EventRecord
from db.vocabulary import Check, CollectionMethod, EventType, Reason, Severity
from kiosk.door.book import StaffInfo

# What the adult at the door is told whenever anything is not right. Calm, the same every time,
# and it gives nothing away: staff read the reason on their own screens.
PLEASE_WAIT = "Please wait here. A member of staff is coming to help you."


class DoorInputError(ValueError):
    """Input the door will not act on; ``str()`` is fit to show the person who typed it."""


def new_event(type_: EventType, *, now: datetime, device: str, **fields: Any) -> EventRecord:
    return EventRecord(uuid=str(uuid4()), type=type_, occurred_at=now, device=device, **fields)


@dataclass(frozen=True)
class Arrived:
    """Children now on the register, each waiting for a member of staff to acknowledge."""

    events: tuple[EventRecord, ...]
    arrived_child_ids: tuple[int, ...]
    already_in_child_ids: tuple[int, ...] = ()
    # child id -> key person's staff id, so the screen can say "Please take her to Saskia"
    key_persons: dict[int, int | None] = field(default_factory=dict)
    # Brought by a person who must not collect them: not signed in; staff are on their way.
    held_child_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CardHolder:
    """A good card: an adult (with the children they may collect or bring) or a member of staff."""

    card_id: str
    adult_id: int | None = None
    staff_id: int | None = None
    on_site_child_ids: tuple[int, ...] = ()
    arriving_child_ids: tuple[int, ...] = ()
    events: tuple[EventRecord, ...] = ()


@dataclass(frozen=True)
class ReleasePending:
    """The collector checks out; the child goes only when a member of staff confirms."""

    request: EventRecord
    child_id: int
    adult_id: int | None
    collector_name: str
    method: CollectionMethod
    checks: tuple[Check, ...]
    # The staff-screen notice when this door never saw the child arrive (Check.SEE_THE_CHILD).
    notice: EventRecord | None = None

    @property
    def events(self) -> tuple[EventRecord, ...]:
        return (self.request,) if self.notice is None else (self.request, self.notice)


@dataclass(frozen=True)
class Refused:
    """Not released. The adult is asked to wait; every staff screen gets the alert."""

    reason: Reason
    severity: Severity
    events: tuple[EventRecord, ...]
    message: str = PLEASE_WAIT
    # A wrong password that used up the last attempt also locks collection by password.
    locked: bool = False

    @property
    def alert(self) -> EventRecord | None:
        return next((e for e in self.events if e.type == EventType.ALERT_RAISED), None)


@dataclass(frozen=True)
class Locked:
    """Too many wrong passwords for this child within the window: only staff can unlock."""

    child_id: int
    events: tuple[EventRecord, ...]
    message: str = PLEASE_WAIT
    reason: Reason = Reason.LOCKED_OUT


@dataclass(frozen=True)
class PinChecked:
    """A staff PIN checked: ``staff`` when it was theirs. ``locked`` when PIN entry is paused
    (too many wrong PINs for this member of staff or at this door); then no PIN is checked at
    all, the right one included, until the window has passed. ``events``: the wrong PIN, and
    the alert when this one reached the limit."""

    staff: StaffInfo | None
    locked: bool = False
    events: tuple[EventRecord, ...] = ()


@dataclass(frozen=True)
class HandedOver:
    """The child is off the register; the collector and the confirming staff are recorded."""

    event: EventRecord

    @property
    def events(self) -> tuple[EventRecord, ...]:
        return (self.event,)


@dataclass(frozen=True)
class NotConfirmed:
    """Staff could not confirm (wrong PIN, ID not recorded, request gone); nothing changed."""

    message: str
    events: tuple[EventRecord, ...] = ()


@dataclass(frozen=True)
class GoingHome:
    """Brothers and sisters collected together: one wait for the adult, one handover for
    staff. Each child was decided on its own; a child who may not go stays, with its alert."""

    pending: tuple[ReleasePending, ...]
    refused: tuple[Refused | Locked, ...] = ()

    @property
    def events(self) -> tuple[EventRecord, ...]:
        decided: tuple[ReleasePending | Refused | Locked, ...] = (*self.pending, *self.refused)
        return tuple(e for d in decided for e in d.events)


@dataclass(frozen=True)
class HandoversDecided:
    """One staff confirmation for every child going home together. ``not_confirmed``: nothing
    changed (the ID not recorded, or every request gone); else each child handed over or, if the
    rules now say no, refused with its alert."""

    handed: tuple[HandedOver, ...] = ()
    refused: tuple[Refused, ...] = ()
    not_confirmed: NotConfirmed | None = None

    @property
    def events(self) -> tuple[EventRecord, ...]:
        decided: tuple[HandedOver | Refused, ...] = (*self.handed, *self.refused)
        return tuple(e for d in decided for e in d.events)


CollectionDecision = ReleasePending | Refused | Locked
CardDecision = CardHolder | Refused
ConfirmDecision = HandedOver | NotConfirmed | Refused

"""What every rule reads: the people book, the setting's policy, the day so far, this device."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from db.clock import local_day
from db.timeline import EventRecord, Timeline
from db.vocabulary import SEVERITY_OF, STAFF_TEXT, EventType, Reason, Severity
from kiosk.door.book import DoorPolicy, PeopleBook
from kiosk.door.decisions import DoorInputError, Refused, new_event
from kiosk.door.shift_pins import ShiftPins

MAX_NAME_CHARS = 100
MAX_NOTE_CHARS = 2000


@dataclass
class DoorContext:
    book: PeopleBook
    policy: DoorPolicy = field(default_factory=DoorPolicy)
    timeline: Timeline = field(default_factory=Timeline)
    device: str = "kiosk"
    shift_pins: ShiftPins = field(default_factory=ShiftPins, repr=False, compare=False)

    def today(self, now: datetime) -> date:
        return local_day(now, self.policy.time_zone)

    def event(self, type_: EventType, *, now: datetime, **fields: Any) -> EventRecord:
        return new_event(type_, now=now, device=self.device, **fields)

    def alert(
        self,
        reason: Reason,
        *,
        now: datetime,
        ref: str | None = None,
        child_id: int | None = None,
        adult_id: int | None = None,
        severity: Severity | None = None,
        **details: Any,
    ) -> EventRecord:
        return self.event(
            EventType.ALERT_RAISED,
            now=now,
            ref=ref,
            child_id=child_id,
            adult_id=adult_id,
            payload={
                "reason": reason.value,
                "severity": (severity or SEVERITY_OF[reason]).value,
                "text": STAFF_TEXT[reason],
                **details,
            },
        )

    def refuse(
        self,
        reason: Reason,
        *,
        now: datetime,
        child_id: int | None = None,
        adult_id: int | None = None,
        presented: dict[str, Any] | None = None,
        locked: bool = False,
    ) -> Refused:
        """A refused collection: the refusal itself and the alert that goes to every staff
        screen, both as events. ``presented`` says what was shown, never a secret."""
        shown = presented or {}
        refusal = self.event(
            EventType.COLLECTION_REFUSED,
            now=now,
            child_id=child_id,
            adult_id=adult_id,
            payload={"reason": reason.value, "presented": shown},
        )
        alert = self.alert(
            reason,
            now=now,
            ref=refusal.uuid,
            child_id=child_id,
            adult_id=adult_id,
            presented=shown,
        )
        events: tuple[EventRecord, ...] = (refusal, alert)
        if locked:
            events += (self.alert(Reason.LOCKED_OUT, now=now, child_id=child_id, ref=refusal.uuid),)
        return Refused(reason=reason, severity=SEVERITY_OF[reason], events=events, locked=locked)

    def refuse_restricted(
        self,
        child_ids: list[int],
        *,
        now: datetime,
        adult_id: int | None,
        presented: dict[str, Any],
    ) -> Refused:
        """A person who must not collect is at the door: the highest alert for every child the
        order protects, whether or not the child is here, and the same calm wait as any other
        refusal, so the screen tells them nothing about who is in."""
        events: tuple[EventRecord, ...] = ()
        for child_id in child_ids:
            refused = self.refuse(
                Reason.RESTRICTED_PERSON,
                now=now,
                child_id=child_id,
                adult_id=adult_id,
                presented=presented,
            )
            events += refused.events
        return Refused(Reason.RESTRICTED_PERSON, Severity.CRITICAL, events=events)


def clean_text(
    value: str, *, what: str, max_chars: int = MAX_NAME_CHARS, required: bool = True
) -> str:
    """Trimmed text of a sensible length, or a message that says what to fix."""
    text = " ".join(value.split())
    if required and not text:
        raise DoorInputError(f"Please enter {what}.")
    if len(text) > max_chars:
        raise DoorInputError(f"That {what} is too long (at most {max_chars} characters).")
    if any(ord(ch) < 32 for ch in text):
        raise DoorInputError(f"That {what} has characters that cannot be used.")
    return text

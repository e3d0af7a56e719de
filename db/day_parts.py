"""The parts of a day the timeline folds events into: a child's stay, an alert, a member of
staff's shift, a visit. Plain dataclasses, shared by the door, the register and the office."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from db.vocabulary import Reason, Severity


@dataclass
class Stay:
    """One period of a child on site: from an arrival to a collection (or still open).

    A child handed over at a door that never saw them arrive, whose arrival has not (yet) synced
    in, has a stay whose arrival is not recorded: it starts and ends at the collection, so it is
    never on site and counts no hours, and the register says the arrival is missing."""

    child_id: int
    arrival_uuid: str
    arrived_at: datetime
    room_id: int | None
    brought_by_adult_id: int | None
    brought_by_name: str | None
    expected_collector_adult_id: int | None = None
    acknowledged_by_staff_id: int | None = None
    acknowledged_at: datetime | None = None
    departed_at: datetime | None = None
    collected_by_adult_id: int | None = None
    collected_by_name: str | None = None
    confirmed_by_staff_id: int | None = None
    id_document: str | None = None
    arrival_recorded: bool = True
    # Presence taken as seen by the handover's member of staff, not by an acknowledgement: a
    # real acknowledgement that reaches this fold later still counts, so every order agrees.
    seen_at_handover: bool = False
    # A departure a manager recorded after the fact (a forgotten sign-out): the register marks
    # it as corrected, with why and when it was written, instead of passing it off as a handover.
    correction_reason: str | None = None
    correction_recorded_at: str | None = None  # ISO 8601, UTC

    def duration(self, until: datetime) -> timedelta:
        end = self.departed_at if self.departed_at is not None else until
        return max(end - self.arrived_at, timedelta(0))


@dataclass
class Alert:
    uuid: str
    reason: Reason
    severity: Severity
    raised_at: datetime
    device: str
    child_id: int | None
    adult_id: int | None
    ref: str | None
    details: Mapping[str, Any]
    acknowledged_by_staff_id: int | None = None
    acknowledged_at: datetime | None = None
    resolved_by_staff_id: int | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


@dataclass
class Shift:
    staff_id: int
    room_id: int | None
    signed_in_at: datetime
    signed_out_at: datetime | None = None


@dataclass
class Visit:
    uuid: str
    name: str
    organisation: str
    visiting: str
    supervisor_staff_id: int | None
    visitor_id: int | None
    signed_in_at: datetime
    signed_out_at: datetime | None = None


def text_of(payload: Mapping[str, Any], key: str) -> str | None:
    value = payload.get(key)
    return value if isinstance(value, str) else None

"""``POST /faults``: a kiosk that cannot write to its own disk tells the office.

The door cannot queue this in its outbox (the outbox is on the disk that failed), so it sends
this one small request straight from memory. The hub turns it into an alert event, which every
staff screen shows (the panel's live banner, the other doors' staff mode). The kiosk names the
report with a UUID it keeps while the fault lasts: a resend raises one alert, not two.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, Field, field_validator
from sqlalchemy import select

from admin.api.device_deps import CurrentKiosk
from admin.api.errors import ERRORS
from admin.deps import NowDep, SessionDep
from admin.hub_key import seal_office_events
from db.audit import set_actor
from db.events import append_events
from db.models import Event
from db.timeline import EventRecord
from db.vocabulary import SEVERITY_OF, STAFF_TEXT, EventType, Reason

router = APIRouter(tags=["devices"])


class FaultIn(BaseModel):
    uuid: UUID
    kind: Literal["cannot_save"]
    occurred_at: AwareDatetime  # the kiosk's clock: kept, but the alert is on the hub's time
    device: str = Field(min_length=1, max_length=64)
    detail: str = Field(default="", max_length=300, description="what the disk said")
    free_space_bytes: int | None = Field(default=None, ge=0, le=2**62)

    @field_validator("device", "detail")
    @classmethod
    def _printable(cls, text: str) -> str:
        # Whatever a failing disk put in an error message, the alert must be storable anywhere.
        return "".join(ch for ch in text if ch.isprintable())


class FaultStored(BaseModel):
    alert_uuid: str
    new: bool  # False: this report had arrived before


@router.post("/faults", response_model=FaultStored, responses=ERRORS(400, 401, 403, 413, 422))
def report_fault(body: FaultIn, kiosk: CurrentKiosk, db: SessionDep, now: NowDep) -> FaultStored:
    set_actor(db, f"kiosk:{kiosk.id}")
    reason = Reason.KIOSK_CANNOT_SAVE
    alert = EventRecord(
        uuid=str(body.uuid),
        type=EventType.ALERT_RAISED,
        occurred_at=now,
        device=body.device or kiosk.name,
        payload={
            "reason": reason.value,
            "severity": SEVERITY_OF[reason].value,
            "text": f"{STAFF_TEXT[reason]} ({kiosk.name})",
            "detail": body.detail,
            "kiosk_id": kiosk.id,  # the Kiosks page marks the door until the alert is resolved
            "free_space_bytes": body.free_space_bytes,
            "device_time": body.occurred_at.isoformat(),
        },
    )
    known = db.scalar(select(Event.uuid).where(Event.uuid == alert.uuid))
    # The office raises it, so the office signs it (a resend is not signed twice: no gap).
    fresh = [] if known else append_events(db, seal_office_events(db, [alert]))
    db.commit()
    return FaultStored(alert_uuid=alert.uuid, new=bool(fresh))

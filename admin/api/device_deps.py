"""The kiosk's side of every sync request, as typed dependencies (the API's own ``deps.py``):
who is calling (``CurrentKiosk``, from its bearer token; a revoked kiosk is told so), how far its
clock is off (``DeviceClock``, from ``X-Device-Time``), and the room left on its disk.

The hub keeps the clock's difference on the kiosk's row (the panel shows a clock that is off)
and uses it to put the kiosk's events at the right time among the other doors' (see
admin/api/events.py). ``X-Device-Free-Space`` is kept the same way, for the panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Header, Request, Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from admin.api.errors import ApiError, kiosk_revoked, pair_again, unknown_device
from admin.api.seen import SeenBook
from admin.deps import NowDep, SessionDep
from db.credentials import hash_secret
from db.models import Kiosk

MAX_SKEW = timedelta(days=366)  # a clock further out than this is not corrected but refused


def _bearer(authorization: str) -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 200:
        raise unknown_device()
    return token.strip()


@dataclass(frozen=True)
class ClockCheck:
    """How far a kiosk's clock is off. ``skew`` is the hub's time minus the kiosk's system
    clock (what the panel reports); ``residual`` is what is left once the kiosk applied the
    correction it already knows (``X-Device-Clock-Offset``), and is what the hub still has to
    add to the kiosk's event times."""

    skew: float
    residual: float


def device_clock(
    now: NowDep,
    x_device_time: Annotated[
        str | None, Header(max_length=64, json_schema_extra={"format": "date-time"})
    ] = None,
    x_device_clock_offset: Annotated[float | None, Header(ge=-1e7, le=1e7)] = None,
) -> ClockCheck | None:
    """From ``X-Device-Time`` (the kiosk's clock as it stamps events, when it sent the request)
    and ``X-Device-Clock-Offset`` (seconds it already adds to its system clock); None without
    the first."""
    if x_device_time is None:
        return None
    try:
        sent = datetime.fromisoformat(x_device_time)
    except ValueError:
        sent = None
    if sent is None or sent.tzinfo is None:
        raise ApiError(
            400,
            "invalid_device_time",
            "X-Device-Time must be an ISO 8601 time with its offset (2026-11-23T08:30:00+00:00).",
        )
    residual = (now - sent).total_seconds()
    if abs(residual) > MAX_SKEW.total_seconds():
        raise ApiError(
            400,
            "invalid_device_time",
            "This kiosk's clock is more than a year out: set it (see the troubleshooting page).",
        )
    return ClockCheck(skew=residual + (x_device_clock_offset or 0.0), residual=residual)


DeviceClock = Annotated[ClockCheck | None, Depends(device_clock)]


def current_kiosk(
    db: SessionDep,
    now: NowDep,
    clock: DeviceClock,
    request: Request,
    response: Response,
    authorization: Annotated[str, Header()] = "",
    x_device_free_space: Annotated[int | None, Header(ge=0, le=2**62)] = None,
) -> Kiosk:
    token = _bearer(authorization)
    kiosk = db.scalar(select(Kiosk).where(Kiosk.token_hash == hash_secret(token)))
    if kiosk is None:
        raise unknown_device()
    if kiosk.revoked_at is not None or kiosk.deleted_at is not None:
        raise kiosk_revoked()
    if kiosk.public_key is None:  # paired before kiosks signed: every call says so, not just a push
        raise pair_again()
    if x_device_free_space is not None:
        _free_space(db, kiosk.id, now, x_device_free_space)
    seen: SeenBook = request.app.state.seen
    seen.note(kiosk.id, now, clock.skew if clock else None)
    if clock is not None:  # every answer tells the kiosk how far off it is
        response.headers["X-Clock-Skew"] = f"{clock.skew:.3f}"
    return kiosk


def _free_space(db: Session, kiosk_id: int, now: datetime, free: int) -> None:
    # Room left on the kiosk's disk: the Kiosks page warns before it runs out. The kiosk sends
    # it once a sync round, not with every request; a Core update: it is not people data.
    values = {"free_space_bytes": free, "free_space_at": now}
    db.execute(update(Kiosk).where(Kiosk.id == kiosk_id).values(values))
    db.commit()


CurrentKiosk = Annotated[Kiosk, Depends(current_kiosk)]

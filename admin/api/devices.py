"""Pairing, device tokens, and each kiosk's clock.

``POST /pair`` trades the one-time code the manager read from the panel for a device token. The
token is ``<kiosk id>.<random>``; only its SHA-256 is kept (``Kiosk.token_hash``), and it stays
when the panel revokes the kiosk, so a revoked kiosk is told "revoked" (and asks to be paired
again) rather than "unknown". Failed pairings are limited per address: a pairing code has about
59 bits, but nothing should be free to guess at.

Every request may carry ``X-Device-Time``, the kiosk's clock when it sent it. The hub keeps the
difference on the kiosk's row (the panel shows a clock that is off) and uses it to put the
kiosk's events at the right time among the other doors' (see admin/api/events.py).
``X-Device-Free-Space`` (bytes left on the kiosk's disk) is kept the same way, for the panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from admin.api.errors import ERRORS, ApiError, kiosk_revoked, unknown_device
from admin.api.pairing_proof import INTERCEPTED, hub_proof, kiosk_to_pair, seen_as_served
from admin.api.seen import SeenBook
from admin.deps import NowDep, SessionDep
from admin.ops.logs import log_event
from db.audit import set_actor
from db.credentials import hash_secret, new_token
from db.models import Kiosk, LoginAttempt

router = APIRouter(tags=["devices"])


class PairRequest(BaseModel):
    # As the panel shows it (ABCD-EFGH-JKLM), in either case, with or without dashes or spaces.
    # A kiosk never sends it: it sends ``proof`` instead (see admin/api/pairing_proof.py).
    code: str | None = Field(default=None, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9 -]+$")
    device: str = Field(min_length=1, max_length=64)
    proof: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    certificate_seen: str = Field(default="", pattern=r"^([0-9a-f]{64})?$")


class PairResponse(BaseModel):
    token: str
    kiosk_id: int
    certificate: str | None = None  # PEM the kiosk pins; None from a plain-HTTP hub
    certificate_proof: str


MAX_SKEW = timedelta(days=366)  # a clock further out than this is not corrected but refused
PAIRING_TRIES = 10  # failed pairings per address ...
PAIRING_WINDOW = timedelta(minutes=15)  # ... within this long
PAIRING = "kiosk-pairing"  # LoginAttempt.username for pairing tries: the panel's table, reused


def _refused(db: Session, client: str, now: datetime, code: str, message: str) -> ApiError:
    db.add(LoginAttempt(username=PAIRING, client=client, at=now, succeeded=False))
    db.commit()
    return ApiError(403, code, message)


def _client(request: Request) -> str:
    return (request.client.host if request.client else "")[:64]


def _too_many_tries(db: Session, client: str, now: datetime) -> ApiError | None:
    failed = db.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.username == PAIRING,
            LoginAttempt.client == client,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at >= now - PAIRING_WINDOW,
        )
    )
    if (failed or 0) < PAIRING_TRIES:
        return None
    seconds = int(PAIRING_WINDOW.total_seconds())
    return ApiError(
        429,
        "too_many_attempts",
        f"Too many wrong pairing codes from this address; try again in {seconds // 60} minutes.",
        headers={"Retry-After": str(seconds)},
    )


@router.post("/pair", response_model=PairResponse, responses=ERRORS(400, 403, 413, 422, 429))
def pair(body: PairRequest, request: Request, db: SessionDep, now: NowDep) -> PairResponse:
    client = _client(request)
    if (limited := _too_many_tries(db, client, now)) is not None:
        raise limited
    kiosk = kiosk_to_pair(db, body.code, body.proof, body.certificate_seen)
    if kiosk is None:  # unknown, or already used: the code is cleared when it is used
        raise _refused(
            db, client, now, "pairing_code_unknown", "That pairing code is not valid or was used."
        )
    if kiosk.pairing_expires_at is None or kiosk.pairing_expires_at <= now:
        raise _refused(
            db,
            client,
            now,
            "pairing_code_expired",
            "That pairing code has expired; make a new one.",
        )
    served = request.app.state.certificate
    if not seen_as_served(served, body.certificate_seen):
        log_event("kiosk_pairing_intercepted", kiosk=kiosk.id, client=client)
        raise _refused(db, client, now, "certificate_mismatch", INTERCEPTED)
    code_hash = kiosk.pairing_code_hash or ""
    token = f"{kiosk.id}.{new_token()}"
    db.add(LoginAttempt(username=PAIRING, client=client, at=now, succeeded=True))
    set_actor(db, f"kiosk:{kiosk.id}:{body.device}")
    kiosk.token_hash = hash_secret(token)
    kiosk.pairing_code_hash, kiosk.pairing_expires_at = None, None
    kiosk.paired_at, kiosk.revoked_at, kiosk.last_seen_at = now, None, now
    db.commit()
    log_event("kiosk_paired", kiosk=kiosk.id, client=client)
    return PairResponse(
        token=token,
        kiosk_id=kiosk.id,
        certificate=served.pinned_pem if served else None,
        certificate_proof=hub_proof(code_hash, served, body.certificate_seen),
    )


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

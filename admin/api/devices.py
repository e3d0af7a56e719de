"""Pairing and device tokens (what every later request carries: see admin/api/device_deps.py).

``POST /pair`` trades the one-time code the manager read from the panel for a device token. The
token is ``<kiosk id>.<random>``; only its SHA-256 is kept (``Kiosk.token_hash``), and it stays
when the panel revokes the kiosk, so a revoked kiosk is told "revoked" (and asks to be paired
again) rather than "unknown". Failed pairings are limited per address: a pairing code has about
59 bits, but nothing should be free to guess at.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin.api.errors import ERRORS, ApiError
from admin.api.pairing_proof import INTERCEPTED, hub_proof, kiosk_to_pair, seen_as_served
from admin.deps import NowDep, SessionDep
from admin.ops.logs import log_event
from db.audit import set_actor
from db.credentials import hash_secret, new_token
from db.models import LoginAttempt, SigningKey
from db.signing import public_key

router = APIRouter(tags=["devices"])


class PairRequest(BaseModel):
    # As the panel shows it (ABCD-EFGH-JKLM), in either case, with or without dashes or spaces.
    # A kiosk never sends it: it sends ``proof`` instead (see admin/api/pairing_proof.py).
    code: str | None = Field(default=None, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9 -]+$")
    device: str = Field(min_length=1, max_length=64)
    # The public half of the Ed25519 key the kiosk made for this pairing, base64 (32 bytes):
    # every event it sends from now on must carry its signature (admin/api/door_checks.py).
    public_key: str = Field(min_length=44, max_length=44)
    proof: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    certificate_seen: str = Field(default="", pattern=r"^([0-9a-f]{64})?$")


class PairResponse(BaseModel):
    token: str
    kiosk_id: int
    certificate: str | None = None  # PEM the kiosk pins; None from a plain-HTTP hub
    certificate_proof: str


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
    if public_key(body.public_key) is None:
        raise ApiError(400, "invalid_public_key", "public_key must be an Ed25519 key, base64.")
    code_hash = kiosk.pairing_code_hash or ""
    token = f"{kiosk.id}.{new_token()}"
    db.add(LoginAttempt(username=PAIRING, client=client, at=now, succeeded=True))
    set_actor(db, f"kiosk:{kiosk.id}:{body.device}")
    kiosk.token_hash = hash_secret(token)
    kiosk.pairing_code_hash, kiosk.pairing_expires_at = None, None
    kiosk.paired_at, kiosk.revoked_at, kiosk.last_seen_at = now, None, now
    kiosk.device, kiosk.public_key = body.device, body.public_key
    if db.get(SigningKey, body.public_key) is None:
        db.add(SigningKey(public_key=body.public_key, device=body.device, kiosk_id=kiosk.id,
                          added_at=now))  # fmt: skip
    db.commit()
    log_event("kiosk_paired", kiosk=kiosk.id, client=client)
    return PairResponse(
        token=token,
        kiosk_id=kiosk.id,
        certificate=served.pinned_pem if served else None,
        certificate_proof=hub_proof(code_hash, served, body.certificate_seen),
    )

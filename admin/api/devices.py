"""Pairing and device tokens.

``POST /pair`` trades the one-time code the manager read from the panel for a device token. The
token is ``<kiosk id>.<random>``; only its SHA-256 is kept (``Kiosk.token_hash``). The kiosk id
in the clear lets the hub say "revoked" rather than "unknown" to a kiosk whose token the panel
wiped on revocation (admin/views/kiosks.py), so the kiosk can ask for a new pairing instead of
retrying for ever. It tells a stranger only that a kiosk number was revoked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from admin.api.errors import ApiError, kiosk_revoked, unknown_device
from admin.deps import NowDep, SessionDep
from admin.views.kiosks import pairing_code_hash
from db.audit import set_actor
from db.credentials import hash_secret, new_token
from db.models import Kiosk

router = APIRouter(tags=["devices"])


class PairRequest(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    device: str = Field(min_length=1, max_length=64)


class PairResponse(BaseModel):
    token: str
    kiosk_id: int


def _refused(code: str, message: str) -> ApiError:
    return ApiError(403, code, message)


@router.post("/pair", response_model=PairResponse)
def pair(body: PairRequest, db: SessionDep, now: NowDep) -> PairResponse:
    kiosk = db.scalar(
        select(Kiosk).where(
            Kiosk.pairing_code_hash == pairing_code_hash(body.code), Kiosk.deleted_at.is_(None)
        )
    )
    if kiosk is None:  # unknown, or already used: the code is cleared when it is used
        raise _refused("pairing_code_unknown", "That pairing code is not valid or was used.")
    if kiosk.pairing_expires_at is None or kiosk.pairing_expires_at <= now:
        raise _refused("pairing_code_expired", "That pairing code has expired; make a new one.")
    token = f"{kiosk.id}.{new_token()}"
    set_actor(db, f"kiosk:{kiosk.id}:{body.device}")
    kiosk.token_hash = hash_secret(token)
    kiosk.pairing_code_hash, kiosk.pairing_expires_at = None, None
    kiosk.paired_at, kiosk.revoked_at, kiosk.last_seen_at = now, None, now
    db.commit()
    return PairResponse(token=token, kiosk_id=kiosk.id)


def _bearer(authorization: str) -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 200:
        raise unknown_device()
    return token.strip()


def current_kiosk(
    db: SessionDep, now: NowDep, authorization: Annotated[str, Header()] = ""
) -> Kiosk:
    token = _bearer(authorization)
    kiosk = db.scalar(select(Kiosk).where(Kiosk.token_hash == hash_secret(token)))
    if kiosk is None:
        _raise_for_lost_token(db, token)
    assert kiosk is not None
    if kiosk.revoked_at is not None or kiosk.deleted_at is not None:
        raise kiosk_revoked()
    _seen(db, kiosk.id, now)
    return kiosk


def _raise_for_lost_token(db: Session, token: str) -> None:
    kiosk_id, _, _ = token.partition(".")
    if kiosk_id.isdigit():
        revoked = db.scalar(select(Kiosk.revoked_at).where(Kiosk.id == int(kiosk_id)))
        if revoked is not None:
            raise kiosk_revoked()
    raise unknown_device()


def _seen(db: Session, kiosk_id: int, now: datetime) -> None:
    # A Core update, not the ORM: "last seen" is not a change to people data, so it must not
    # take a sync version or write an audit entry on every request.
    db.execute(update(Kiosk).where(Kiosk.id == kiosk_id).values(last_seen_at=now))
    db.commit()


CurrentKiosk = Annotated[Kiosk, Depends(current_kiosk)]

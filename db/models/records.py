"""Append-only records: the event log, the audit log, and the kiosks that write events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import SECRET, Base, Versioned


class Event(Base):
    """Something that happened, with a UUID made where it happened. Never updated."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_child_time", "child_id", "occurred_at"),
        Index("ix_events_type_time", "type", "occurred_at"),
    )

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    recorded_at: Mapped[datetime]
    device: Mapped[str] = mapped_column(String(64))
    child_id: Mapped[int | None]
    adult_id: Mapped[int | None]
    staff_id: Mapped[int | None]
    visitor_id: Mapped[int | None]
    room_id: Mapped[int | None]
    ref: Mapped[str | None] = mapped_column(String(36), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The signer's seal (db/signing.py): None on events from before doors signed.
    signer: Mapped[str | None] = mapped_column(String(44))
    device_seq: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    payload_digest: Mapped[str | None] = mapped_column(String(64))
    payload_salt: Mapped[str | None] = mapped_column(String(32))  # None once erased
    signature: Mapped[str | None] = mapped_column(String(88))


Index("ix_events_chain", Event.signer, Event.device_seq)


class AuditEntry(Base):
    """Who viewed or changed which person's data, and when. Written by the session hooks in
    :mod:`db.audit`; never updated."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Kiosk(Versioned, Base):
    """A door. Pairing trades a one-time code for a device token; both stored hashed."""

    __tablename__ = "kiosks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    pairing_code_hash: Mapped[str | None] = mapped_column(String(64), info=SECRET)
    pairing_expires_at: Mapped[datetime | None]
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, info=SECRET)
    paired_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    # The hub's clock minus the kiosk's, measured at its last request (X-Device-Time).
    clock_skew_seconds: Mapped[float | None]
    clock_checked_at: Mapped[datetime | None]
    # Room left on the kiosk's disk, as it said at its last request (X-Device-Free-Space).
    free_space_bytes: Mapped[int | None] = mapped_column(BigInteger)
    free_space_at: Mapped[datetime | None]
    # Set at pairing: the name this door writes on its events, and the public half of the key
    # it signs them with. A kiosk paired before doors signed has neither and must pair again.
    device: Mapped[str | None] = mapped_column(String(64))
    public_key: Mapped[str | None] = mapped_column(String(44))


class SigningKey(Base):
    """Every key that ever signed events here (the hub's own, each pairing of each door): a
    door paired again has a new key, and its old events still verify against the old one."""

    __tablename__ = "signing_keys"

    public_key: Mapped[str] = mapped_column(String(44), primary_key=True)
    device: Mapped[str] = mapped_column(String(64))
    kiosk_id: Mapped[int | None]  # None: the hub's own key
    added_at: Mapped[datetime]


class RefusedEvent(Base):
    """An event a door sent that the hub would not put in the record (a bad signature, a child
    who does not exist ...). Kept aside for the manager to see on the Kiosks page, and
    acknowledged to the door, so one bad event never holds up the rest of its outbox."""

    __tablename__ = "refused_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    kiosk_id: Mapped[int] = mapped_column(index=True)
    received_at: Mapped[datetime]
    type: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(300))
    body: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

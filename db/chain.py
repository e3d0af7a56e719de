"""Reading chains back from the ``events`` table: where a signer's chain ends (the next event
links to it), and each stored event as its signer signed it."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.events import seal_of, to_record
from db.models import Event
from db.signing import GENESIS, as_signed, chain_hash
from db.timeline import EventRecord


def sealed_record(row: Event) -> EventRecord:
    """A stored event with its seal, read back as its signer signed it (db/signing.py)."""
    return as_signed(replace(to_record(row), seal=seal_of(row)))


def link_of(record: EventRecord) -> tuple[int, str]:
    """``(device_seq, hash)`` of a sealed record: what the next event in its chain follows."""
    assert record.seal is not None
    return record.seal.device_seq, chain_hash(record, record.seal)


def chain_head(session: Session, signer: str) -> tuple[int, str]:
    """The last link of ``signer``'s chain here, ``(0, GENESIS)`` before its first event."""
    query = select(Event).where(Event.signer == signer).order_by(Event.device_seq.desc()).limit(1)
    row = session.scalars(query).first()
    return (0, GENESIS) if row is None else link_of(sealed_record(row))

"""Reading chains back from the ``events`` table: where a signer's chain ends (the next event
links to it), and each stored event as its signer signed it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.clock import as_utc
from db.events import seal_of, to_record
from db.models import Event, Kiosk, SigningKey
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


# A gap this old is no longer "an alert that overtook older events": it is reported.
GAP_PERSISTS = timedelta(minutes=10)
GAP_LOOKBACK = timedelta(days=31)  # how far back the office looks for holes, each page view


@dataclass(frozen=True)
class Gap:
    """Events of one chain the hub has not received although a later one arrived a while ago."""

    device: str  # the kiosk's name as the office knows it, or the device's
    first: int
    last: int
    noticed: datetime  # when the event after the hole arrived

    def __str__(self) -> str:
        events = f"event {self.first} has" if self.first == self.last else (
            f"events {self.first}-{self.last} have"
        )  # fmt: skip
        return f"{self.device}: {events} not arrived"


def missing_events(session: Session, *, now: datetime) -> list[Gap]:
    """Holes in the chains that have lasted :data:`GAP_PERSISTS` (recent events only)."""
    chained = (
        select(
            Event.signer,
            Event.device_seq.label("seq"),
            func.lead(Event.device_seq)
            .over(partition_by=Event.signer, order_by=Event.device_seq)
            .label("next"),
            func.lead(Event.recorded_at, type_=Event.__table__.c.recorded_at.type)
            .over(partition_by=Event.signer, order_by=Event.device_seq)
            .label("next_at"),
        )
        .where(Event.signer.is_not(None), Event.recorded_at >= now - GAP_LOOKBACK)
        .subquery()
    )
    holes = select(chained).where(chained.c.next > chained.c.seq + 1)
    names = _device_names(session)
    gaps = []
    for signer, seq, after, noticed in session.execute(holes):
        if as_utc(noticed) <= now - GAP_PERSISTS:
            gaps.append(Gap(names.get(signer, "A device"), seq + 1, after - 1, as_utc(noticed)))
    return sorted(gaps, key=lambda g: (g.device, g.first))


def _device_names(session: Session) -> dict[str, str]:
    query = select(SigningKey.public_key, SigningKey.device, Kiosk.name).outerjoin(
        Kiosk, Kiosk.id == SigningKey.kiosk_id
    )
    return {key: name or device for key, device, name in session.execute(query)}

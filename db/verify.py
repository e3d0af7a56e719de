"""``handover verify``: walk every signer's chain and every signature, and say where the record
was altered. A row deleted leaves a hole in a chain; a row edited no longer matches its
signature (or its payload its digest); rows swapped no longer follow each other. The first
break of each chain is reported: everything after it in that chain is in doubt.

What it cannot see: the keys are in the same database (``signing_keys``), so someone able to
rewrite the whole database and who also holds a door's private key could re-sign. The printed
and exported register carry each chain's head (:func:`chain_heads`) so a paper copy can be held
against the database later.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.chain import link_of, sealed_record
from db.clock import as_utc
from db.models import AuditEntry, Event, Kiosk, SigningKey
from db.signing import GENESIS, public_key, seal_problem

# In the hub's data folder: the last nightly result, for /healthz and the Kiosks page.
VERIFICATION_FILE = "last-verification.json"


@dataclass(frozen=True)
class Break:
    device: str  # as the manager knows it: "Front door (front-door)"
    device_seq: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event {self.device_seq}" if self.device_seq is not None else "an event"
        return f"{self.device}, {where}: {self.problem}"


@dataclass
class Verification:
    events: int = 0
    chains: int = 0
    before_signing: int = 0  # events recorded before any key existed here: nothing to check
    breaks: list[Break] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.breaks


def _names(db: Session) -> dict[str, str]:
    kiosks = {k.id: k.name for k in db.scalars(select(Kiosk))}
    names = {}
    for key in db.scalars(select(SigningKey)):
        place = kiosks.get(key.kiosk_id) if key.kiosk_id is not None else None
        names[key.public_key] = f"{place} ({key.device})" if place else key.device
    return names


def _chains(db: Session) -> Iterator[tuple[str, list[Event]]]:
    signers = db.scalars(select(Event.signer).where(Event.signer.is_not(None)).distinct())
    for signer in sorted(s for s in signers if s is not None):
        query = select(Event).where(Event.signer == signer).order_by(Event.device_seq, Event.seq)
        yield signer, list(db.scalars(query))


def _walk(rows: list[Event], *, purged: bool) -> tuple[int | None, str] | None:
    """The first break in one chain, as ``(device_seq, what is wrong)``; None when sound."""
    key = public_key(rows[0].signer or "")
    expected, link = None, GENESIS
    for row in rows:
        record = sealed_record(row)
        seal = record.seal
        if seal is None:  # a signer with no signature beside it: the row was edited
            return row.device_seq, "its signature was removed"
        if expected is None and seal.device_seq != 1 and not purged:
            return 1, _missing(1, seal.device_seq - 1)
        if expected is not None and seal.device_seq < expected:
            return seal.device_seq, "two events claim this place in the chain"
        if expected is not None and seal.device_seq > expected:
            return expected, _missing(expected, seal.device_seq - 1)
        if (problem := seal_problem(record, key)) is not None:
            return seal.device_seq, problem
        if expected is not None and seal.prev_hash != link:
            return seal.device_seq, "it does not follow the event before it (moved or replaced)"
        expected, link = seal.device_seq + 1, link_of(record)[1]
    return None


def _missing(first: int, last: int) -> str:
    return f"event {first} is missing" if first == last else f"events {first}-{last} are missing"


def verify(db: Session) -> Verification:
    result = Verification()
    names = _names(db)
    began = db.scalar(select(func.min(SigningKey.added_at)))
    # Retention removes whole old days: a chain may then begin after 1 (see _walk).
    purged = db.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "purge")
    )
    for signer, rows in _chains(db):
        result.chains += 1
        result.events += len(rows)
        name = names.get(signer)
        if name is None:
            result.breaks.append(Break(signer[:12], None, "signed with a key this hub never knew"))
            continue
        found = _walk(rows, purged=bool(purged))
        if found is not None:
            result.breaks.append(Break(name, *found))
    _unsigned(db, result, began)
    return result


def _unsigned(db: Session, result: Verification, began: datetime | None) -> None:
    """Events with no seal: from before this hub signed (counted), or slipped in since (a
    break: nothing unsigned has been written since the first key)."""
    rows = db.execute(
        select(Event.uuid, Event.device, Event.recorded_at).where(Event.signer.is_(None))
    )
    for uuid, device, recorded_at in rows:
        result.events += 1
        if began is None or as_utc(recorded_at) < as_utc(began):
            result.before_signing += 1
        else:
            result.breaks.append(Break(device, None, f"event {uuid} is not signed"))


def chain_heads(db: Session) -> dict[str, int]:
    """Each chain's last sequence number, by device: printed on a register so a paper copy
    says which part of the record it was made from."""
    query = (
        select(SigningKey.device, func.max(Event.device_seq))
        .join(SigningKey, SigningKey.public_key == Event.signer)
        .group_by(SigningKey.device)
    )
    return {device: int(top) for device, top in db.execute(query) if top is not None}

"""Plain event builders for the sync tests, and a look at what the hub stored."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

from sqlalchemy import select

from db.chain import link_of
from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.events import seal_values
from db.models import Event
from db.signing import GENESIS, Signer, as_signed
from db.timeline import EventRecord
from db.vocabulary import EventType
from kiosk.store.door_key import key_path, new_door_key, save_door_key
from kiosk.sync.pairing import pair_with_hub, save_pairing


def arrival(child_id: int, adult_id: int, *, minutes_ago: int = 0) -> EventRecord:
    return EventRecord(
        uuid=str(uuid4()),
        type=EventType.CHILD_ARRIVED,
        occurred_at=utc_now() - timedelta(minutes=minutes_ago),
        device="front-door",
        child_id=child_id,
        adult_id=adult_id,
    )


def as_json(event: EventRecord) -> dict[str, Any]:
    """An event as a door sends it, with its seal when it has one."""
    body: dict[str, Any] = {
        "uuid": event.uuid,
        "type": str(event.type),
        "occurred_at": event.occurred_at.isoformat(),
        "device": event.device,
        "child_id": event.child_id,
        "adult_id": event.adult_id,
        "staff_id": event.staff_id,
        "visitor_id": event.visitor_id,
        "room_id": event.room_id,
        "ref": event.ref,
        "payload": dict(event.payload),
    }
    return {**body, **{k: v for k, v in seal_values(event.seal).items() if v is not None}}


def record_of(body: dict[str, Any]) -> EventRecord:
    fields = ("child_id", "adult_id", "staff_id", "visitor_id", "room_id", "ref")
    return EventRecord(
        uuid=str(body["uuid"]),
        type=str(body["type"]),
        occurred_at=datetime.fromisoformat(str(body["occurred_at"])),
        device=str(body.get("device", "")),
        payload=dict(body.get("payload") or {}),
        **{name: body.get(name) for name in fields},
    )


@dataclass
class Door:
    """A paired door as the tests drive it over HTTP: its token, its key, its chain so far."""

    device: str
    token: str
    signer: Signer
    certificate: str | None = None  # what the door pinned at pairing (None: plain HTTP)
    head: tuple[int, str] = (0, GENESIS)

    def signed(self, *events: EventRecord) -> list[dict[str, Any]]:
        """The events sealed as this door's next links, as JSON to push."""
        # A door signs with its own name, whatever the event says: the hub reads it from the key.
        mine = [replace(e, device=self.device) for e in events]
        sealed = self.signer.seal_all(mine, after=self.head)
        if sealed:
            self.head = link_of(as_signed(sealed[-1]))
        return [as_json(e) for e in sealed]

    def signed_json(self, *bodies: dict[str, Any]) -> list[dict[str, Any]]:
        """Events written out as JSON (as a test writes a forgery-to-be), signed by this door."""
        return self.signed(*(record_of(body) for body in bodies))

    def batch(self, *events: EventRecord) -> dict[str, Any]:
        return {"events": self.signed(*events)}

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def pair_door(hub: str, *, code: str, device: str, db_file: Path | None = None) -> Door:
    """Pair as a door does: a new key, its public half sent, and the office's certificate
    pinned with the code's proof. With ``db_file`` the key and the pinned certificate are kept
    beside that kiosk database, where its store and sync client find them."""
    signer = new_door_key()
    pairing = pair_with_hub(hub, code=code, device=device, public_key=signer.public)
    if db_file is not None:
        save_door_key(key_path(db_file), signer)
        save_pairing(str(db_file), pairing)
    return Door(device, pairing.token, signer, certificate=pairing.certificate)


def hub_event_uuids(url: str, *, device: str | None = None) -> list[str]:
    """The UUIDs the hub holds, in the order it stored them."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            query = select(Event.uuid).order_by(Event.seq)
            if device is not None:
                query = query.where(Event.device == device)
            return list(db.scalars(query))
    finally:
        engine.dispose()

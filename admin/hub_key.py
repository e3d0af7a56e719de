"""The hub's own signing key: what the office records (acknowledgements, resolutions, the
alerts it raises for a door that cannot save) is signed like a door's events and chained in
the hub's own chain, so ``handover verify`` checks the office's word too.

The private key is a file in the hub's data folder (``hub-signing.key``, mode 600), never in
the database: a copy of the database cannot sign. Its public half is in ``signing_keys``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from db.chain import chain_head
from db.events import take_positions
from db.models import SigningKey
from db.signing import Signer, load_private, new_private, private_pem
from db.timeline import EventRecord

KEY_FILE = "hub-signing.key"
OFFICE = "office"  # the device name of what the office records


def hub_signer(folder: Path) -> Signer:
    """The hub's key from its data folder, made there (readable by the hub only) the first
    time."""
    path = folder / KEY_FILE
    try:
        return Signer(load_private(path.read_bytes()))
    except FileNotFoundError:
        pass
    signer = Signer(new_private())
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(private_pem(signer.key))
    return signer


def register_hub_key(db: Session, signer: Signer, *, now: datetime) -> None:
    if db.get(SigningKey, signer.public) is None:
        db.add(SigningKey(public_key=signer.public, device=OFFICE, kiosk_id=None, added_at=now))
        db.commit()


def seal_office_events(db: Session, records: Sequence[EventRecord]) -> list[EventRecord]:
    """The office's events signed as the next links of the hub's chain. The event stream's
    counter row is locked first (an update of nothing), and stays locked until the caller
    commits, so two office writes at once chain one after the other, never both after the
    same link. A session with no hub key (a script, a test) leaves them unsigned."""
    signer: Signer | None = db.info.get("hub_key")
    if signer is None or not records:
        return list(records)
    take_positions(db, 0)
    return signer.seal_all(list(records), after=chain_head(db, signer.public))

"""A kiosk lost or stolen: what the office does about it, in one step.

A kiosk's disk holds every staff PIN's bcrypt hash (the door checks PINs offline). Whoever has
the disk can try all 10,000 four-digit PINs against them in minutes of CPU, so each of those
PINs must be treated as known. The manager's one action therefore:

- revokes the kiosk (its token is refused from the next request on: "kiosk_revoked");
- stops every staff PIN from working, at every door, from their next sync (the PIN hash is
  removed, which the doors receive like any change), and marks when (``pin_exposed_at``);
- leaves staff cards and office passwords as they are: a card's secret is not on the kiosk
  (only its hash, 128 bits, which cannot be guessed), and passwords never leave the office.

Until each member of staff has a new PIN (set on their page in the office), the Kiosks page
lists them. Plain functions: the view calls them, as a command could.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.ops.logs import log_event
from db.models import Kiosk, Setting, Staff


def report_kiosk_lost(db: Session, kiosk: Kiosk, *, now: datetime, manager: Staff) -> int:
    """Revoke ``kiosk`` and stop every staff PIN; the number of PINs stopped."""
    kiosk.revoked_at = kiosk.revoked_at or now
    kiosk.pairing_code_hash, kiosk.pairing_expires_at = None, None
    exposed = list(
        db.scalars(select(Staff).where(Staff.deleted_at.is_(None), Staff.pin_hash.is_not(None)))
    )
    for member in exposed:
        member.pin_hash = None
        member.pin_exposed_at = now
    db.commit()
    log_event("kiosk_lost", kiosk=kiosk.id, staff=manager.id, pins_stopped=len(exposed))
    return len(exposed)


def pin_min_digits(db: Session) -> int:
    """The fewest digits the nursery allows in a staff PIN (Settings)."""
    found = db.scalar(select(Setting.staff_pin_min_digits).where(Setting.deleted_at.is_(None)))
    return found or 4


def pins_to_change(db: Session) -> list[Staff]:
    """Staff whose PIN was stopped after a lost kiosk and who have no new one yet."""
    return list(
        db.scalars(
            select(Staff)
            .where(Staff.deleted_at.is_(None), Staff.pin_exposed_at.is_not(None))
            .order_by(Staff.first_name, Staff.last_name)
        )
    )

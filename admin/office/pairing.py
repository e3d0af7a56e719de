"""Pairing codes: the one-time code a kiosk trades for its device token. Made here for the
Kiosks page, the hub's first-run setup code and the demo's front door alike."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

# Re-exported: the office names it here; the kiosk needs it too (its pairing proof), so it
# lives in db.
from db.credentials import pairing_code_hash as pairing_code_hash
from db.models import Kiosk

PAIRING_VALID = timedelta(hours=24)
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed


def new_pairing_code() -> str:
    """Twelve characters in three groups (about 59 bits): typed once at the kiosk."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def issue_pairing_code(kiosk: Kiosk, *, now: datetime, valid: timedelta = PAIRING_VALID) -> str:
    """Give ``kiosk`` a fresh code (returned once, kept only as its hash). Any earlier token,
    pairing or revocation ends: the door that pairs with this code is the kiosk from now on."""
    code = new_pairing_code()
    kiosk.pairing_code_hash = pairing_code_hash(code)
    kiosk.pairing_expires_at = now + valid
    kiosk.token_hash, kiosk.paired_at, kiosk.revoked_at = None, None, None
    return code

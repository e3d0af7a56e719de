"""Pairing that a man in the middle cannot take over.

The kiosk first reaches the hub without checking its certificate (it has nothing to check it
against yet) and never sends the pairing code itself. It sends ``proof``, an HMAC keyed with
the code (db/credentials.py ``pairing_proof``) over the fingerprint of the certificate it was
shown. The hub finds the kiosk whose code makes that proof and answers only if the fingerprint
is that of its own certificate: a device in between shows the kiosk another certificate, so its
relayed request is refused, and it cannot change the fingerprint without the code. The answer
carries the certificate for the kiosk to pin (the office's CA) and an HMAC, again keyed with
the code, over that certificate and the fingerprint: the kiosk pins nothing an attacker made up.

``code`` in the clear is still accepted for scripts and tests on a trusted connection; the
kiosk itself never sends it.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.credentials import pairing_code_hash, pairing_proof, pem_fingerprint
from db.models import Kiosk

if TYPE_CHECKING:
    from admin.tls import HubCertificate

INTERCEPTED = (
    "The kiosk was shown a different certificate from the office's own: something on the "
    "network is in between. Nothing was paired; check the network and use a new code."
)


def kiosk_to_pair(db: Session, code: str | None, proof: str | None, seen: str) -> Kiosk | None:
    """The kiosk waiting for this code (or whose code made this proof); None if there is none."""
    waiting = select(Kiosk).where(Kiosk.pairing_code_hash.is_not(None), Kiosk.deleted_at.is_(None))
    if code is not None:
        return db.scalar(waiting.where(Kiosk.pairing_code_hash == pairing_code_hash(code)))
    if proof is None:
        return None
    # A handful of kiosks wait for pairing at most: one HMAC each.
    for kiosk in db.scalars(waiting):
        expected = pairing_proof(kiosk.pairing_code_hash or "", "kiosk", seen)
        if hmac.compare_digest(expected, proof):
            return kiosk
    return None


def seen_as_served(served: HubCertificate | None, seen: str) -> bool:
    """A plain-HTTP hub has no certificate; an HTTPS hub's kiosk must have seen this one's.
    An empty ``seen`` is a script sending the code itself over a connection it trusts."""
    if served is None or seen == "":
        return True
    return hmac.compare_digest(served.served_fingerprint, seen)


def hub_proof(code_hash: str, served: HubCertificate | None, seen: str) -> str:
    pem = served.pinned_pem if served else None
    return pairing_proof(code_hash, "hub", pem_fingerprint(pem), seen)

"""Staff PINs already proved this shift, so the second handover of the afternoon does not wait
for bcrypt again.

bcrypt at cost 12 takes about a second on a Raspberry Pi, and at 3 pm one member of staff
confirms a dozen handovers. After a PIN passes the full bcrypt check, the door keeps, for that
member of staff and that local day only, an HMAC-SHA256 of it under a key drawn at random when
the process starts. Both live in this object, in memory, and nothing here is ever written down:
a kiosk's disk, or a backup of it, holds the bcrypt hashes and nothing weaker.

A typed PIN that matches the remembered digest is accepted at once. One that does not match is
given the full bcrypt check, exactly as before, and counted by the caller exactly as before: a
wrong PIN never gets a fast answer, so guessing is no faster, and the time taken does not tell
a guesser whose PIN is remembered. The memory is forgotten at the end of the day, when the
member signs out, when the office changes their PIN (their stored hash changes), and for
everyone whenever PIN entry is paused anywhere (a lockout alert).

What it weakens: someone able to read the running kiosk's memory could test all 10,000 PINs
against a remembered digest in a moment instead of hours of bcrypt. Such a person could as well
read the PIN as it is typed, so the stored-hash protection against a stolen disk is unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from db.timeline import EventRecord
from db.vocabulary import EventType, Reason
from kiosk.door.book import StaffInfo


@dataclass(frozen=True)
class _Proof:
    """A PIN that passed bcrypt: against which stored hash, on which day, and its digest."""

    pin_hash: str
    day: date
    digest: bytes


class ShiftPins:
    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)  # this process only: never stored, never sent
        self._proofs: dict[int, _Proof] = {}

    def __len__(self) -> int:
        return len(self._proofs)

    def _digest(self, staff_id: int, pin: str) -> bytes:
        typed = f"{staff_id}:{pin}".encode("utf-8", "surrogatepass")
        return hmac.new(self._key, typed, hashlib.sha256).digest()

    def recalls(self, staff: StaffInfo, pin: str, *, day: date) -> bool:
        """True only for the very PIN this member proved today against their current hash."""
        proof = self._proofs.get(staff.id)
        if proof is None:
            return False
        if proof.day != day or proof.pin_hash != staff.pin_hash:
            del self._proofs[staff.id]
            return False
        return hmac.compare_digest(proof.digest, self._digest(staff.id, pin))

    def remember(self, staff: StaffInfo, pin: str, *, day: date) -> None:
        """Call only after bcrypt said yes."""
        if staff.pin_hash:
            self._proofs[staff.id] = _Proof(staff.pin_hash, day, self._digest(staff.id, pin))

    def forget(self, staff_id: int | None = None) -> None:
        """One member's proof, or with no id everyone's."""
        if staff_id is None:
            self._proofs.clear()
        else:
            self._proofs.pop(staff_id, None)

    def notice(self, events: Iterable[EventRecord]) -> None:
        """Events recorded at this door or pulled from others: a sign-out ends that member's
        shift; a PIN pause anywhere means someone is guessing, so every proof goes."""
        for event in events:
            if event.type == EventType.STAFF_SIGNED_OUT and event.staff_id is not None:
                self.forget(event.staff_id)
            elif (
                event.type == EventType.ALERT_RAISED
                and event.payload.get("reason") == Reason.STAFF_PIN_LOCKED
            ):
                self.forget()

    def review(self, staff: Mapping[int, StaffInfo]) -> None:
        """New people data from the office: forget members whose PIN changed, who left, or
        who were made inactive."""
        for staff_id, proof in list(self._proofs.items()):
            member = staff.get(staff_id)
            if member is None or not member.active or member.pin_hash != proof.pin_hash:
                del self._proofs[staff_id]

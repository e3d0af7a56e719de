"""A kiosk that remembers this shift's staff PINs keeps that memory off its disk: a stolen
kiosk, or its backup, holds the bcrypt hashes and nothing weaker."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from db.models import Staff
from kiosk.service import KioskService
from kiosk.store.local import KioskStore
from tests.factories import STAFF_PIN, staff_pin_hash

AFTERNOON = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


def test_a_kiosk_that_confirmed_handovers_all_afternoon_holds_no_pin_digest_on_disk(
    tmp_path: Path,
) -> None:
    store = KioskStore(str(tmp_path / "kiosk.db"), device="front-door")
    with store.sessions.begin() as session:
        saskia = Staff(
            username="saskia", first_name="Saskia", last_name="Brown", pin_hash=staff_pin_hash()
        )
        session.add(saskia)
        session.flush()
        saskia_id = saskia.id
    service = KioskService(store, device="front-door", clock=lambda: AFTERNOON)
    for _ in range(3):
        assert service.verify_pin(saskia_id, STAFF_PIN).staff is not None
    assert service.verify_pin(saskia_id, "1111").staff is None  # a slip, recorded as an event
    proof = service.door.shift_pins._proofs[saskia_id]
    assert proof.day == date(2026, 11, 25)
    service.shutdown()

    written = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"staff_pin_failed" in written, "the slip is on disk, so the files were read"
    assert proof.digest not in written
    assert proof.digest.hex().encode() not in written

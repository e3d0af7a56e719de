"""A staff PIN confirming handovers through a shift: the first confirmation (bcrypt at cost 12,
as stored), the later ones (recognised from the shift's memory, kiosk/door/shift_pins.py), and a
wrong PIN after them (always the full bcrypt check). Prints milliseconds; it is not a test.

    .venv/bin/python -m benchmarks.staff_pin

Target (issue 12): later confirmations well under 100 ms on a Raspberry Pi, where bcrypt alone
takes about a second.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

from db.credentials import hash_password
from kiosk.door import Door, PeopleBook, PinChecked, StaffInfo

PIN = "2468"
AFTERNOON = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def _typed(door: Door, pin: str, now: datetime) -> tuple[float, PinChecked]:
    started = time.perf_counter()
    checked = door.check_staff_pin(staff_id=1, pin=pin, now=now)
    return (time.perf_counter() - started) * 1000, checked


def run(rounds: int) -> None:
    saskia = StaffInfo(1, "Saskia", "Brown", pin_hash=hash_password(PIN))
    first, later, wrong = [], [], []
    for n in range(rounds):
        door = Door(PeopleBook(staff=[saskia]), device="front-door")  # a new shift's door
        at = AFTERNOON + timedelta(days=n)
        took, checked = _typed(door, PIN, at)
        assert checked.staff == saskia
        first.append(took)
        for minute in range(1, 11):
            took, checked = _typed(door, PIN, at + timedelta(minutes=minute))
            assert checked.staff == saskia
            later.append(took)
        took, checked = _typed(door, "1111", at + timedelta(minutes=12))
        assert checked.staff is None and checked.events
        wrong.append(took)
    print(f"first confirmation of a shift (bcrypt):   median {statistics.median(first):8.3f} ms")
    print(f"later confirmations (shift's memory):     median {statistics.median(later):8.3f} ms")
    print(f"a wrong PIN after them (bcrypt, counted): median {statistics.median(wrong):8.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="shifts (new doors) measured")
    run(parser.parse_args().rounds)


if __name__ == "__main__":
    main()

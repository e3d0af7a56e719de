"""What signed events cost a sync round: the door sealing each event it records (Ed25519 over
the canonical encoding, the payload's salted digest, the chain link), and the hub checking each
one it receives (the signer's key read from its text, the digest, the signature). Prints
microseconds an event and milliseconds for rounds of typical sizes; it is not a test.

    .venv/bin/python -m benchmarks.signing

Target (issue 13): signing must not make a round slower by more than a few milliseconds. A busy
morning's round carries under one event on average (the sync benchmark), a door back from a
day offline about a hundred.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial
from uuid import uuid4

from db.clock import utc_now
from db.signing import GENESIS, Signer, new_private, public_key, seal_problem
from db.timeline import EventRecord
from db.vocabulary import EventType

ROUND_SIZES = (1, 20, 100)  # a morning's round, a push batch, a door back from a day offline


def _events(count: int) -> list[EventRecord]:
    """A day's kind of events: arrivals with the carer, acknowledgements naming the staff."""
    return [
        EventRecord(
            uuid=str(uuid4()),
            type=EventType.CHILD_ARRIVED if n % 2 == 0 else EventType.ARRIVAL_ACKNOWLEDGED,
            occurred_at=utc_now(),
            device="front-door",
            child_id=100 + n,
            adult_id=200 + n,
            staff_id=7 if n % 2 else None,
            payload={"method": "card", "typed_name": "Zoë Łukasz-Nguyễn"},
        )
        for n in range(count)
    ]


def _timed(work: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds for each of ``repeat`` runs of ``work``."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _checked(records: list[EventRecord]) -> None:
    """As the hub does for each pushed event: the key from its text, then digest and signature."""
    for record in records:
        assert record.seal is not None
        assert seal_problem(record, public_key(record.seal.signer)) is None


def run(repeat: int) -> None:
    signer = Signer(new_private())
    print(f"signed events, {repeat} runs each (median / p95)")
    print(f"  {'events a round':<16}{'door seals':>22}{'hub checks':>22}{'both, an event':>20}")
    for size in ROUND_SIZES:
        records = _events(size)
        sealed = signer.seal_all(records, after=(0, GENESIS))
        seal_ms = sorted(_timed(partial(signer.seal_all, records, after=(0, GENESIS)), repeat))
        check_ms = sorted(_timed(partial(_checked, sealed), repeat))
        each_us = (statistics.median(seal_ms) + statistics.median(check_ms)) * 1000 / size
        print(f"  {size:<16}{_figure(seal_ms):>22}{_figure(check_ms):>22}{each_us:>16.0f} µs")


def _figure(ordered: list[float]) -> str:
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{statistics.median(ordered):.2f} / {p95:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    run(parser.parse_args().repeat)


if __name__ == "__main__":
    main()

"""A kiosk's storage and sync in a process of its own, for the tests that kill it with SIGKILL.

    python -m tests.sync.kiosk_worker write --db PATH --child N --adult N
        appends one event per transaction, for ever, printing ``stored <uuid>`` after each
        commit: every printed UUID is one the screen would have confirmed.
    python -m tests.sync.kiosk_worker push --db PATH --hub URL --token TOKEN
        one sync round (push everything, pull), then ``done <pushed>``.

The real KioskStore and SyncClient, without Kivy: what a kill can break lives there.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from uuid import uuid4

import httpx

from db.clock import utc_now
from db.timeline import EventRecord
from db.vocabulary import EventType
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient, hub_client


def write(args: argparse.Namespace) -> None:
    store = KioskStore(args.db, device=args.device)
    while True:
        event = EventRecord(
            uuid=str(uuid4()),
            type=EventType.CHILD_ARRIVED,
            occurred_at=utc_now(),
            device=args.device,
            child_id=args.child,
            adult_id=args.adult,
        )
        store.append([event])
        print(f"stored {event.uuid}", flush=True)


def push(args: argparse.Namespace) -> None:
    store = KioskStore(args.db, device=args.device)
    certificate = Path(args.ca).read_text(encoding="ascii") if args.ca else None
    with hub_client(certificate, timeout=httpx.Timeout(30)) as http:
        result = SyncClient(store, args.hub, args.token, clock=utc_now, http=http).sync_once()
    print(f"done {result.pushed}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("write", "push"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--device", default="front-door")
    parser.add_argument("--child", type=int, default=1)
    parser.add_argument("--adult", type=int, default=1)
    parser.add_argument("--hub")
    parser.add_argument("--token")
    parser.add_argument("--ca", help="the hub's certificate to trust, as a paired kiosk pins it")
    args = parser.parse_args()
    write(args) if args.mode == "write" else push(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

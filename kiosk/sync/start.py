"""Wiring for ``handover kiosk --hub URL [--pair CODE]``: the token, the client, the thread."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import httpx

from kiosk.service import CANNOT_SAVE, RAISED_HERE, KioskService
from kiosk.store.door_key import key_path, new_door_key, save_door_key
from kiosk.sync.client import (
    HubNotTrusted,
    HubRefused,
    HubUnavailable,
    SyncClient,
    SyncResult,
    Writer,
)
from kiosk.sync.loop import SyncLoop
from kiosk.sync.pairing import (
    hub_client,
    is_paired,
    load_certificate,
    load_token,
    pair_with_hub,
    save_pairing,
    token_path,
)

T = TypeVar("T")
NOT_TRUSTED_TEXT = "this door no longer trusts the office's certificate"
PAIR_AGAIN = (
    "This kiosk was paired before the office served HTTPS, so it has no office certificate to "
    "trust: pair it again with a new code from the office's Kiosks page."
)


def hub_token(*, db: str, hub_url: str, code: str | None, device: str) -> str | None:
    path = token_path(db)
    if code:
        # A new key at every pairing; written only once the hub has taken its public half.
        signer = new_door_key()
        try:
            pairing = pair_with_hub(hub_url, code=code, device=device, public_key=signer.public)
        except HubRefused as exc:
            print(f"The hub refused the pairing code ({exc.code}).", file=sys.stderr)
            return None
        except HubNotTrusted as exc:
            print(
                f"Not paired: {exc}. Something may be between this kiosk and the office.",
                file=sys.stderr,
            )
            return None
        except httpx.HTTPError as exc:
            print(f"The hub did not answer: {exc}", file=sys.stderr)
            return None
        save_door_key(key_path(db), signer)
        save_pairing(db, pairing)
        print(f"Paired with {hub_url}; the device token is in {path}.")
        return pairing.token
    stored = load_token(path)
    if stored is None:
        print("Not paired yet: run with --pair CODE (from the office's Kiosks page).")
    elif not is_paired(db, scheme=urlsplit(hub_url).scheme):
        print(PAIR_AGAIN, file=sys.stderr)
        return None
    return stored


def first_sync(*, db: str, device: str, hub_url: str, token: str) -> None:
    """Before the screen opens: one round, so a new kiosk opens with the nursery's people
    rather than an empty board. A hub that does not answer is not fatal: the door opens with
    what it has and the sync thread keeps trying."""
    from db.clock import utc_now
    from kiosk.store.local import KioskStore

    store = KioskStore(db, device=device)
    try:
        with hub_client(load_certificate(db)) as http:
            SyncClient(store, hub_url, token, clock=utc_now, http=http).sync_once()
        print(f"Synced with {hub_url}.")
    except HubNotTrusted as exc:
        print(f"Nothing sent: {NOT_TRUSTED_TEXT} ({exc})", file=sys.stderr)
    except HubUnavailable as exc:
        print(f"The hub did not answer ({exc}); opening with what this kiosk has.")
    except HubRefused as exc:
        print(f"The hub refused this kiosk ({exc.code}); opening with what it has.")
    finally:
        store.close()


def rebuild_from_hub(
    path: Path, *, device: str, hub_url: str, token: str, certificate: str | None
) -> bool:
    """Bring a replacement for a damaged database up to date from the office: people, and the
    events this door needs, its own included (a normal pull leaves those out: the door has
    them). An empty replacement starts where a new door does, at the hub's starting point
    (since yesterday began, and every alert still open: db/starting_point.py), not at the
    nursery's first day; a restored backup (the nightly one) reads on from where it stopped.
    False when the hub did not answer or refused."""
    from db.clock import utc_now
    from kiosk.store.local import KioskStore

    store = KioskStore(str(path), device=device)
    try:
        # The certificate pinned beside the damaged database, not beside its replacement.
        with hub_client(certificate) as http:
            client = SyncClient(store, hub_url, token, clock=utc_now, http=http)
            client.own_events = True
            client.sync_once()
    except (HubUnavailable, HubRefused) as exc:
        print(f"Could not rebuild this kiosk's database from the hub ({exc}).", file=sys.stderr)
        return False
    finally:
        store.close()
    print(f"Rebuilt this kiosk's database from {hub_url}.")
    return True


def on_door_thread(service: KioskService) -> Writer:
    """A :class:`Writer` that runs each write on the door thread and waits for it: the sync
    thread talks to the hub, but SQLite keeps one writer, and the door one order of writes."""

    def write(work: Callable[[], T], /) -> T:
        return service.run(work).result()

    return write


def start_sync(
    service: KioskService, *, hub_url: str, token: str, interval: float = 5.0
) -> SyncLoop:
    client = SyncClient(
        service.store,
        hub_url,
        token,
        clock=service.clock,
        http=hub_client(load_certificate(str(service.store.path or ""))),
        write=on_door_thread(service),
        clock_offset=lambda: service.clock_offset,
    )

    def on_pulled(result: SyncResult) -> None:
        # The door's state belongs to the door thread: hand the result over, never touch it here.
        service.run(lambda: service.pulled(result.events, people_changed=result.people_changed))

    def on_round() -> None:
        service.run(lambda: service.synced_with(hub_url))

    loop = SyncLoop(
        client,
        on_pulled=on_pulled,
        on_round=on_round,
        interval=interval,
        save_fault=lambda: service.save_fault,
    )
    # An alert raised here goes to the office at once, not at the next tick; so does a door
    # that cannot save (over HTTP alone: its outbox is on the disk that failed).
    service.subscribe(RAISED_HERE, loop.nudge)
    service.subscribe(CANNOT_SAVE, loop.nudge)
    service.run(lambda: service.synced_with(hub_url))
    loop.start()
    return loop

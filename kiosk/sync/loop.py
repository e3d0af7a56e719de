"""The sync thread: a round every few seconds, backing off while the hub is away.

Backoff starts at one second and doubles to a minute, so a hub back from a reboot hears from
its kiosks within a minute, and a hub that is down is not hammered by every door at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kiosk.store.disk import SaveFault
from kiosk.sync.client import HubRefused, HubUnavailable, SyncClient, SyncResult

log = logging.getLogger("handover.kiosk.sync")
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 60.0


def next_backoff(current: float | None) -> float:
    return FIRST_BACKOFF if current is None else min(current * 2, MAX_BACKOFF)


class SyncLoop:
    def __init__(
        self,
        client: SyncClient,
        *,
        on_pulled: Callable[[SyncResult], None],
        on_round: Callable[[], None] | None = None,
        interval: float = 5.0,
        save_fault: Callable[[], SaveFault | None] = lambda: None,
    ) -> None:
        self.client = client
        self.on_pulled = on_pulled
        self.on_round = on_round
        self.interval = interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sync", daemon=True)
        self.backoff: float | None = None
        self.save_fault = save_fault
        self.fault_told: str | None = None  # the UUID of the last fault the hub acknowledged

    def start(self) -> None:
        self._thread.start()

    def nudge(self) -> None:
        """Sync now rather than at the next tick: an alert was just raised."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.backoff if self.backoff is not None else self.interval)
            self._wake.clear()
            if self._stop.is_set():
                return
            self.round()

    def round(self) -> None:
        try:
            self._tell_fault()
            self._round()
        finally:
            if self.on_round is not None:
                self.on_round()

    def _tell_fault(self) -> None:
        """First, before anything that writes: a door that cannot save tells the office."""
        fault = self.save_fault()
        if fault is None or fault.uuid == self.fault_told:
            return
        try:
            self.client.report_fault(fault)
        except (HubUnavailable, HubRefused) as exc:
            log.warning("could not tell the office this door cannot save (%s)", exc)
            return
        self.fault_told = fault.uuid

    def _round(self) -> None:
        try:
            result = self.client.sync_once()
        except (HubUnavailable, HubRefused) as exc:
            self.backoff = next_backoff(self.backoff)
            log.warning("sync failed (%s); next try in %.0f s", exc, self.backoff)
            return
        except Exception:  # a bug must not end the thread: the door keeps queueing
            self.backoff = next_backoff(self.backoff)
            log.exception("sync round failed")
            return
        self.backoff = None
        if result.people_changed or result.events:
            self.on_pulled(result)

"""One round of sync with the hub: push the outbox, pull door data, pull others' events.

Push first, so what happened at this door reaches the office before anything else; alerts
first within the push. An outbox row is marked sent only after the hub's 2xx: a lost reply
means a resend, which the hub ignores by UUID.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Protocol, TypeVar

import httpx

from db.events import KNOWN_TYPES, seal_of, seal_values
from db.models import Event
from db.timeline import EventRecord, Seal
from db.vocabulary import EventType
from kiosk.store.disk import SaveFault
from kiosk.store.local import KioskStore

PUSH_BATCH = 100
PAGE = 500
T = TypeVar("T")


class Writer(Protocol):
    """Runs a write to the kiosk's database and returns its result. The running kiosk passes
    one that hands the write to its door thread, so SQLite keeps a single writer."""

    def __call__(self, work: Callable[[], T], /) -> T: ...


def write_here(work: Callable[[], T], /) -> T:
    return work()


class HubUnavailable(Exception):
    """The hub did not answer, or answered 5xx: try again later."""


NOT_TRUSTED = "certificate_not_trusted"  # in the sync error: staff mode's clear message


class HubNotTrusted(HubUnavailable):
    """The address answered with a certificate this door did not pin at pairing: maybe a device
    in between, maybe a new office certificate. Nothing is sent; the loop keeps trying, so a
    passing interception ends by itself, and a new certificate needs a new pairing."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"{NOT_TRUSTED}: {detail}")


def not_trusted(exc: httpx.HTTPError) -> bool:
    """An httpx error that is a certificate check failing (not an absent hub)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        cause = cause.__cause__ or cause.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)


class HubRefused(Exception):
    """The hub said no (4xx) with a stable code, e.g. ``kiosk_revoked``."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code


def error_code(answer: httpx.Response) -> str:
    try:
        return str(answer.json().get("code", f"http_{answer.status_code}"))
    except ValueError:
        return f"http_{answer.status_code}"


@dataclass
class SyncResult:
    pushed: int = 0
    clock_skew_seconds: float | None = None  # the hub's time minus ours, when it measured it
    people_changed: bool = False
    events: list[EventRecord] = field(default_factory=list)  # others' events new to this door


def _event_json(row: Event) -> dict[str, Any]:
    return {
        "uuid": row.uuid,
        "type": row.type,
        "occurred_at": row.occurred_at.isoformat(),
        "device": row.device,
        "child_id": row.child_id,
        "adult_id": row.adult_id,
        "staff_id": row.staff_id,
        "visitor_id": row.visitor_id,
        "room_id": row.room_id,
        "ref": row.ref,
        "payload": row.payload or {},
        **seal_values(seal_of(row)),
    }


def _seal(data: dict[str, Any]) -> Seal | None:
    """The seal served beside an event (its signer's chain), None on an unsigned one."""
    try:
        return Seal(
            str(data["signer"]), int(data["device_seq"]), str(data["prev_hash"]),
            str(data["payload_digest"]), data.get("payload_salt"), str(data["signature"]),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return None


def _record(data: dict[str, Any]) -> EventRecord:
    return EventRecord(
        uuid=str(data["uuid"]),
        type=EventType(data["type"]),
        occurred_at=datetime.fromisoformat(data["occurred_at"]),
        device=str(data["device"]),
        child_id=data.get("child_id"),
        adult_id=data.get("adult_id"),
        staff_id=data.get("staff_id"),
        visitor_id=data.get("visitor_id"),
        room_id=data.get("room_id"),
        ref=data.get("ref"),
        payload=data.get("payload") or {},
        seal=_seal(data),
    )


class SyncClient:
    def __init__(
        self,
        store: KioskStore,
        hub_url: str,
        token: str,
        *,
        clock: Callable[[], datetime],
        http: httpx.Client,
        write: Writer = write_here,
        clock_offset: Callable[[], float] = lambda: 0.0,
    ) -> None:
        self.store = store
        self.api = f"{hub_url.rstrip('/')}/api/v1"
        self.clock = clock
        self.http = http
        self.write = write
        self.clock_offset = clock_offset
        self.token = token
        self.skew: float | None = None
        self.page = PAGE
        self.disk_told = False  # the hub hears of free space once a round, not every request
        self.own_events = False  # True only to rebuild a damaged database: see sync/start.py
        self.from_starting_point = True  # False: a new door pulls every event ever recorded
        self.started = False

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        # Our clock goes with every request, with the correction we already add to the system
        # clock: the hub measures how far off we are, reports it, and puts our events in the
        # right order among the other doors'.
        headers = {
            "Authorization": f"Bearer {self.token}",
            "X-Device-Time": self.clock().isoformat(),
            "X-Device-Clock-Offset": f"{self.clock_offset():.3f}",
        }
        if not self.disk_told and (free := self.store.free_bytes()) is not None:
            headers["X-Device-Free-Space"] = str(free)
            self.disk_told = True
        try:
            answer = self.http.request(method, self.api + path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:  # refused, reset, timed out: the hub is away
            if not_trusted(exc):
                raise HubNotTrusted(str(exc)) from exc
            raise HubUnavailable(str(exc)) from exc
        if (skew := answer.headers.get("X-Clock-Skew")) is not None:
            # A hub that says something odd about the clock changes nothing.
            with suppress(ValueError):
                self.skew = float(skew)
        if answer.status_code >= 500:
            raise HubUnavailable(f"{answer.status_code} {error_code(answer)}")
        if answer.status_code >= 400:
            raise HubRefused(answer.status_code, error_code(answer))
        body: dict[str, Any] = answer.json()
        return body

    def sync_once(self) -> SyncResult:
        """One full round; raises :class:`HubUnavailable` or :class:`HubRefused`, after noting
        the error in the sync state for staff mode to show."""
        self.disk_told = False
        try:
            result = SyncResult(pushed=self.push())
            result.people_changed = self.pull_people()
            result.events = self.pull_events()
        except (HubUnavailable, HubRefused) as exc:
            error = str(exc)
            self.write(lambda: self.store.note_sync_attempt(at=self.clock(), error=error))
            raise
        result.clock_skew_seconds = self.skew
        skew = self.skew
        self.write(lambda: self.store.note_sync_attempt(at=self.clock(), error=None, skew=skew))
        return result

    def report_fault(self, fault: SaveFault) -> None:
        """Tell the office this door cannot save: one request, from memory, touching no disk
        here. Raises like any call; the hub stores a resend of the same report once."""
        body = {
            "uuid": fault.uuid,
            "kind": "cannot_save",
            "occurred_at": fault.since.isoformat(),
            "device": self.store.device,
            "detail": fault.reason[:300],
            "free_space_bytes": fault.free_bytes,
        }
        self._call("POST", "/faults", json=body)

    def push(self) -> int:
        sent = 0
        self.write(self.store.seal_waiting)
        while batch := self.store.unsent(PUSH_BATCH):
            self._call("POST", "/events", json={"events": [_event_json(e) for e in batch]})
            uuids = [e.uuid for e in batch]
            self.write(partial(self.store.mark_sent, uuids, at=self.clock()))
            sent += len(batch)
        return sent

    def pull_people(self) -> bool:
        changed, more = False, True
        while more:
            since, _ = self.store.sync_cursors()
            page = self._call("GET", "/people", params={"since": since, "limit": self.page})
            rows = page["rows"]
            if rows:
                cursor = int(page["next"])
                changed |= self.write(partial(self.store.receive_people, rows, cursor=cursor))
            more = bool(page["more"]) and bool(rows)
        return changed

    def pull_events(self) -> list[EventRecord]:
        fresh: list[EventRecord] = []
        more = True
        _, since = self.store.sync_cursors()
        if since == 0 and self.from_starting_point and not self.started:
            fresh += self._start()
            self.started = True  # a hub with no events yet leaves the cursor at 0: ask once
        while more:
            _, since = self.store.sync_cursors()
            params: dict[str, Any] = {"since": since, "limit": self.page}
            if not self.own_events:
                params["device"] = self.store.device
            page = self._call("GET", "/events", params=params)
            fresh += self._apply_events(page)
            more = bool(page["more"]) and bool(page["events"])
        return fresh

    def _start(self) -> list[EventRecord]:
        """A new door takes the hub's starting point (today and what is still open) instead of
        every event since the nursery began; a hub from before starting points has none."""
        try:
            page = self._call("GET", "/events/start")
        except HubRefused as exc:
            if exc.status == 404:
                return []
            raise
        return self._apply_events(page)

    def _apply_events(self, page: dict[str, Any]) -> list[EventRecord]:
        # A kind of event from a newer door that this kiosk does not know is passed over (the
        # cursor still moves past it): the door keeps syncing until it is updated.
        records = [_record(e) for e in page["events"] if e.get("type") in KNOWN_TYPES]
        cursor = int(page["next"])
        return self.write(partial(self.store.receive, records, cursor=cursor))

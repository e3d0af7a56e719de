"""One round of sync with the hub: push the outbox, pull door data, pull others' events.

Push first, so what happened at this door reaches the office before anything else; alerts
first within the push. An outbox row is marked sent only after the hub's 2xx: a lost reply
means a resend, which the hub ignores by UUID.

A round is one request in the common case (``POST /round``: the outbox's first batch and both
cursors out, both pages back): three requests one after another made a round at 50 doors
twice as slow as any of them. What its answer leaves (a page that says ``more``, an outbox
longer than a batch) goes on with the paged calls. A hub from before rounds answers 404: the
door then makes the three calls, and asks for a round again an hour later.

What a round receives is written once, at its end, in one transaction with the cursors that
cover it (kiosk/store/hub_pages.py): a write and an fsync for each page, for the events marked
sent and for the round's note were half of a door's own time in a round. A round that pulls
many pages (a new door, a door back from days offline) writes every :data:`WRITE_ROWS` rows, so
what it holds in memory stays small.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Protocol, TypeVar

import httpx

from db.events import KNOWN_TYPES
from db.models import Event
from db.timeline import EventRecord
from kiosk.store.disk import SaveFault
from kiosk.store.hub_pages import Attempt, Received
from kiosk.store.local import KioskStore
from kiosk.sync.hub_errors import NOT_TRUSTED as NOT_TRUSTED  # importable from here, as before
from kiosk.sync.hub_errors import HubNotTrusted as HubNotTrusted
from kiosk.sync.hub_errors import HubRefused as HubRefused
from kiosk.sync.hub_errors import HubUnavailable as HubUnavailable
from kiosk.sync.hub_errors import error_code, not_trusted
from kiosk.sync.wire import event_json, record_of

PUSH_BATCH = 100
ROUNDS_AGAIN_AFTER = 3600.0  # seconds before asking a hub that had no rounds again
PAGE = 500
PEOPLE_PAGE = 1000  # the most a hub serves: a new door's 2,000 rows of people in two requests
WRITE_ROWS = 5000  # rows received before a long round writes them (and their cursor) down
T = TypeVar("T")


class Writer(Protocol):
    """Runs a write to the kiosk's database and returns its result. The running kiosk passes
    one that hands the write to its door thread, so SQLite keeps a single writer."""

    def __call__(self, work: Callable[[], T], /) -> T: ...


def write_here(work: Callable[[], T], /) -> T:
    return work()


@dataclass
class SyncResult:
    pushed: int = 0
    clock_skew_seconds: float | None = None  # the hub's time minus ours, when it measured it
    people_changed: bool = False
    events: list[EventRecord] = field(default_factory=list)  # others' events new to this door


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
        self.people_page = PEOPLE_PAGE
        self.disk_told = False  # the hub hears of free space once a round, not every request
        self.own_events = False  # True only to rebuild a damaged database: see sync/start.py
        self.from_starting_point = True  # False: a new door pulls every event ever recorded
        self.started = False
        self.rounds_after = 0.0  # monotonic time: from then on, try a round in one request
        self._received: Received | None = None  # what the round under way received so far
        self._result = SyncResult()

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
        the error in the sync state for staff mode to show, with whatever came before it."""
        self.disk_told = False
        with self._round() as result:
            try:
                result.pushed = self._exchange()
            except (HubUnavailable, HubRefused) as exc:
                self._note(Attempt(self.clock(), str(exc)))
                raise
            self._note(Attempt(self.clock(), None, self.skew))
        result.clock_skew_seconds = self.skew
        return result

    @contextmanager
    def _round(self) -> Iterator[SyncResult]:
        """Gathers what a round (or a push or a pull on its own) receives and writes it as it
        ends; when the hub fails it part way, what came before is written all the same."""
        if self._received is not None:  # a part of a round: written at the round's end
            yield self._result
            return
        self._received, self._result = Received(), SyncResult()
        try:
            try:
                yield self._result
            except (HubUnavailable, HubRefused):
                self._write_received()
                raise
            self._write_received()
        finally:
            self._received = None

    def _note(self, attempt: Attempt) -> None:
        assert self._received is not None
        self._received.attempt = attempt

    def _write_received(self) -> None:
        received, self._received = self._received, Received()
        if received is None or received.nothing():
            return
        written = self.write(partial(self.store.receive_round, received))
        self._result.people_changed |= written.people_changed
        self._result.events += written.fresh

    def _cursors(self) -> tuple[int, int]:
        """Where the next pulls start: what this round received, else what the store holds."""
        people, events = self.store.sync_cursors()
        if (received := self._received) is not None:
            people = people if received.people_cursor is None else received.people_cursor
            events = events if received.events_cursor is None else received.events_cursor
        return people, events

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
        with self._round():
            return self._push()

    def pull_people(self) -> bool:
        with self._round() as result:
            self._pull_people()
        return result.people_changed

    def pull_events(self) -> list[EventRecord]:
        with self._round() as result:
            self._pull_events()
        return result.events

    def _exchange(self) -> int:
        """A round's requests; how many of the door's events went."""
        if time.monotonic() >= self.rounds_after:
            self._from_starting_point()
            pushed = self._one_request()
            if pushed is not None:
                return pushed
        pushed = self._push()
        self._pull_people()
        self._pull_events()
        return pushed

    def _one_request(self) -> int | None:
        """The round in one request, then the paged calls for what it left; None (nothing
        done) from a hub without rounds."""
        self.write(self.store.seal_waiting)  # the door's own events: on disk before they go
        batch = self.store.unsent(PUSH_BATCH)
        people, events = self._cursors()
        body = {
            "events": [event_json(e) for e in batch],
            "people_since": people, "people_limit": self.people_page,
            "events_since": events, "events_limit": self.page,
            "device": None if self.own_events else self.store.device,
        }  # fmt: skip
        try:
            answer = self._call("POST", "/round", json=body)
        except HubRefused as exc:
            if exc.status != 404:
                raise
            # An office not yet updated: three calls a round, and a new try an hour later.
            self.rounds_after = time.monotonic() + ROUNDS_AGAIN_AFTER
            self.disk_told = False  # the 404 did not hear it
            return None
        self._sent(batch)
        full = len(batch) == PUSH_BATCH
        since = (people, events)
        return len(batch) + self._rest_of_round(answer, since=since, full=full)

    def _rest_of_round(self, answer: dict[str, Any], *, since: tuple[int, int], full: bool) -> int:
        """Takes the round's pages, then goes on with the paged calls where the answer says
        there is more: the outbox after a full batch, people, events. Returns the events
        pushed after the round's batch."""
        people, events = answer["people"], answer["events"]
        self._take_people(people, since[0])
        self._take_events(events, since[1])
        pushed = 0
        if full:  # maybe more waiting: this batch is marked sent before the next is read
            self._write_received()
            pushed = self._push()
        if people["more"] and people["rows"]:
            self._pull_people()
        if events["more"] and events["events"]:
            self._pull_events()
        return pushed

    def _push(self) -> int:
        sent = 0
        self.write(self.store.seal_waiting)  # the door's own events: on disk before they go
        while batch := self.store.unsent(PUSH_BATCH):
            self._call("POST", "/events", json={"events": [event_json(e) for e in batch]})
            self._sent(batch)
            sent += len(batch)
            if len(batch) < PUSH_BATCH:  # the last: marked sent with the rest of the round
                break
            self._write_received()  # the next batch is read from the outbox: mark this one
        return sent

    def _sent(self, batch: list[Event]) -> None:
        """The hub answered 2xx for ``batch``: marked sent when the round is written."""
        assert self._received is not None
        self._received.sent += [e.uuid for e in batch]
        self._received.sent_at = self.clock()

    def _pull_people(self) -> None:
        more = True
        while more:
            since, _ = self._cursors()
            limit = self.people_page
            page = self._call("GET", "/people", params={"since": since, "limit": limit})
            self._take_people(page, since)
            more = bool(page["more"]) and bool(page["rows"])

    def _take_people(self, page: dict[str, Any], since: int) -> None:
        # The cursor may move with no rows: past versions of tables no door holds.
        rows, cursor = page["rows"], int(page["next"])
        if rows or cursor != since:
            self._take(people=rows, people_cursor=cursor)

    def _pull_events(self) -> None:
        self._from_starting_point()
        more = True
        while more:
            _, since = self._cursors()
            params: dict[str, Any] = {"since": since, "limit": self.page}
            if not self.own_events:
                params["device"] = self.store.device
            page = self._call("GET", "/events", params=params)
            self._take_events(page, since)
            more = bool(page["more"]) and bool(page["events"])

    def _from_starting_point(self) -> None:
        _, since = self._cursors()
        if since == 0 and self.from_starting_point and not self.started:
            self._start()
            self.started = True  # a hub with no events yet leaves the cursor at 0: ask once

    def _start(self) -> None:
        """A new door takes the hub's starting point (today and what is still open) instead of
        every event since the nursery began; a hub from before starting points has none."""
        try:
            page = self._call("GET", "/events/start")
        except HubRefused as exc:
            if exc.status == 404:
                return
            raise
        self._take_events(page, None)

    def _take_events(self, page: dict[str, Any], since: int | None) -> None:
        # A kind of event from a newer door that this kiosk does not know is passed over (the
        # cursor still moves past it): the door keeps syncing until it is updated.
        records = [record_of(e) for e in page["events"] if e.get("type") in KNOWN_TYPES]
        cursor = int(page["next"])
        if records or cursor != since:  # nothing new and the cursor where it was: no write
            self._take(events=records, events_cursor=cursor)

    def _take(
        self,
        *,
        people: list[dict[str, Any]] | None = None,
        people_cursor: int | None = None,
        events: list[EventRecord] | None = None,
        events_cursor: int | None = None,
    ) -> None:
        received = self._received
        assert received is not None
        received.people += people or []
        received.events += events or []
        if people_cursor is not None:
            received.people_cursor = people_cursor
        if events_cursor is not None:
            received.events_cursor = events_cursor
        if received.rows() >= WRITE_ROWS:
            self._write_received()

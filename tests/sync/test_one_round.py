"""A sync round in one request (issue 12, point 3): the door's outbox batch and both cursors go
to ``POST /round``, both pages come back. Against a real ``handover hub`` on SQLite and
PostgreSQL, counting the requests the door makes as the hub would see them.

What the answer leaves (a page that says ``more``, an outbox longer than a batch) goes on with
the paged calls; a lost answer means the round is sent again and the hub keeps each event once;
a hub not yet updated (404) gets the three calls it knows."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.clock import utc_now
from db.engine import make_engine, session_factory
from db.models import Adult, Child, Kiosk, Outbox
from kiosk.store.local import KioskStore
from kiosk.sync import HubRefused, HubUnavailable, SyncClient
from kiosk.sync.client import PUSH_BATCH
from tests.sync.events import Door, arrival, hub_event_uuids, pair_door
from tests.sync.nursery import SIDE_DOOR_CODE, Hub, Nursery, add_side_door, free_port
from tests.sync.office import on_the_hub

ROUND = "POST /round"
# The hub as it was before rounds: the same process, without the one route it did not have.
BEFORE_ROUNDS = (
    "import runpy, admin.api.rounds as rounds; rounds.router.routes.clear(); "
    "runpy.run_module('handover', run_name='__main__')"
)


@contextmanager
def requests_made(http: httpx.Client) -> Iterator[list[str]]:
    """The requests sent through ``http`` while the block runs, as ``METHOD /path``."""
    asked: list[str] = []

    def note(request: httpx.Request) -> None:
        asked.append(f"{request.method} {request.url.path.removeprefix('/api/v1')}")

    http.event_hooks["request"] = [note]
    try:
        yield asked
    finally:
        http.event_hooks["request"] = []


def _gate_arrivals(hub: Hub, nursery: Nursery, http: httpx.Client, count: int) -> list[str]:
    """``count`` arrivals recorded at the garden gate and pushed: for the front door to pull."""
    add_side_door(nursery.url)
    gate: Door = pair_door(hub.base, code=SIDE_DOOR_CODE, device="garden-gate")
    made = [
        replace(arrival(nursery.child_id, nursery.adult_id), device="garden-gate")
        for _ in range(count)
    ]
    answer = http.post(f"{hub.base}/api/v1/events", json=gate.batch(*made), headers=gate.auth)
    assert answer.status_code == 200, answer.text
    return [e.uuid for e in made]


def _renamed(nursery: Nursery, *, child: str, adult: str | None = None) -> None:
    """The office corrects names: each in its own save, so each is a version of its own."""

    def rename_child(db: Session) -> None:
        db.get_one(Child, nursery.child_id).first_name = child

    def rename_adult(db: Session) -> None:
        db.get_one(Adult, nursery.adult_id).first_name = adult or ""

    on_the_hub(nursery.url, rename_child)
    if adult is not None:
        on_the_hub(nursery.url, rename_adult)


def _unsent(store: KioskStore) -> int:
    with store.sessions() as session:
        return len(session.scalars(select(Outbox).where(Outbox.sent_at.is_(None))).all())


def _free_space_heard(url: str) -> bool:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        heard = db.scalars(select(Kiosk.free_space_bytes)).all()
    engine.dispose()
    return any(free is not None for free in heard)


def test_a_round_with_a_little_of_everything_is_one_request(
    client: SyncClient, store: KioskStore, hub: Hub, nursery: Nursery, http: httpx.Client
) -> None:
    with requests_made(http) as first:
        client.sync_once()  # a new door: the starting point, then the round
    assert first == ["GET /events/start", ROUND]
    assert _free_space_heard(nursery.url)  # X-Device-Free-Space, once a round
    pulled = _gate_arrivals(hub, nursery, http, 2)
    _renamed(nursery, child="Maia")
    own = arrival(nursery.child_id, nursery.adult_id)
    store.append([own])

    with requests_made(http) as asked:
        result = client.sync_once()

    assert asked == [ROUND]
    assert result.pushed == 1 and result.people_changed
    assert [e.uuid for e in result.events] == pulled
    assert result.clock_skew_seconds is not None  # X-Clock-Skew came back with it
    assert hub_event_uuids(nursery.url, device="front-door") == [own.uuid]
    assert _unsent(store) == 0
    assert store.book().children[nursery.child_id].first_name == "Maia"
    with requests_made(http) as quiet:
        nothing = client.sync_once()
    assert quiet == [ROUND] and nothing.pushed == 0 and nothing.events == []


def test_a_lost_answer_means_the_round_is_sent_again_and_each_event_is_stored_once(
    client: SyncClient, store: KioskStore, nursery: Nursery, http: httpx.Client
) -> None:
    client.sync_once()
    made = [arrival(nursery.child_id, nursery.adult_id) for _ in range(3)]
    store.append(made)

    def lose_the_answer(response: httpx.Response) -> None:
        if response.request.url.path.endswith("/round"):
            raise httpx.ReadError("the Wi-Fi dropped", request=response.request)

    http.event_hooks["response"] = [lose_the_answer]
    with pytest.raises(HubUnavailable):
        client.sync_once()
    http.event_hooks["response"] = []
    assert hub_event_uuids(nursery.url, device="front-door") == [e.uuid for e in made]
    assert _unsent(store) == 3  # no answer, so not marked sent

    assert client.sync_once().pushed == 3
    assert hub_event_uuids(nursery.url, device="front-door") == [e.uuid for e in made]
    assert _unsent(store) == 0


def test_a_round_that_says_more_goes_on_with_the_paged_calls_until_the_door_has_everything(
    client: SyncClient, store: KioskStore, hub: Hub, nursery: Nursery, http: httpx.Client
) -> None:
    client.sync_once()
    client.page = client.people_page = 1  # a page of one: every answer says more
    pulled = _gate_arrivals(hub, nursery, http, 3)
    _renamed(nursery, child="Maia", adult="Ngozika")
    own = [arrival(nursery.child_id, nursery.adult_id) for _ in range(PUSH_BATCH + 5)]
    store.append(own)

    with requests_made(http) as asked:
        result = client.sync_once()

    # The round, the rest of the outbox, then the people and the events the round left.
    assert asked == [ROUND, "POST /events", "GET /people", "GET /events", "GET /events"], asked
    assert result.pushed == len(own) and result.people_changed
    assert sorted(e.uuid for e in result.events) == sorted(pulled)
    assert sorted(hub_event_uuids(nursery.url, device="front-door")) == sorted(e.uuid for e in own)
    assert _unsent(store) == 0
    book = store.book()
    assert book.children[nursery.child_id].first_name == "Maia"
    assert book.adults[nursery.adult_id].first_name == "Ngozika"
    with requests_made(http) as quiet:
        client.sync_once()
    assert quiet == [ROUND]


@pytest.fixture
def older_hub(hub: Hub, token: str, tmp_path: Path) -> Iterator[Hub]:
    """The office's hub as it was before rounds, on the same database and certificate (the
    same data folder), in place of the up-to-date one the door paired with."""
    hub.stop()
    older = Hub(hub.db_url, free_port(), tmp_path / "older-hub.log")
    older.launch = ("-c", BEFORE_ROUNDS)
    yield older.start()
    older.stop()


def test_a_door_updated_before_the_office_syncs_with_three_calls_and_asks_again_later(
    older_hub: Hub, store: KioskStore, nursery: Nursery, token: str, http: httpx.Client
) -> None:
    client = SyncClient(store, older_hub.base, token, clock=utc_now, http=http)
    client.from_starting_point = False  # so the round is the first request the hub hears
    own = arrival(nursery.child_id, nursery.adult_id)
    store.append([own])

    with requests_made(http) as first:
        result = client.sync_once()

    assert first == [ROUND, "POST /events", "GET /people", "GET /events"]
    assert result.pushed == 1 and result.people_changed
    assert hub_event_uuids(nursery.url, device="front-door") == [own.uuid]
    assert _free_space_heard(nursery.url)  # sent again after the 404, which did not hear it
    assert _unsent(store) == 0
    with requests_made(http) as then:
        client.sync_once()
    assert then == ["GET /people", "GET /events"]  # remembered: no round asked for
    client.rounds_after = time.monotonic()  # an hour on: the office may have been updated
    with requests_made(http) as later:
        client.sync_once()
    assert later == [ROUND, "GET /people", "GET /events"]


def test_a_round_that_the_hub_refuses_marks_nothing_sent_and_says_why(
    client: SyncClient, store: KioskStore, nursery: Nursery
) -> None:
    client.sync_once()
    own = arrival(nursery.child_id, nursery.adult_id)
    store.append([own])
    engine = make_engine(nursery.url)
    with session_factory(engine)() as db:  # the panel's "Revoke"
        db.execute(update(Kiosk).values(revoked_at=utc_now()))
        db.commit()
    engine.dispose()

    with pytest.raises(HubRefused) as refused:
        client.sync_once()
    assert (refused.value.status, refused.value.code) == (403, "kiosk_revoked")
    assert _unsent(store) == 1 and hub_event_uuids(nursery.url) == []
    assert store.sync_status(None).last_error == "403 kiosk_revoked"

"""``POST /events`` (a kiosk's outbox arrives) and ``GET /events`` (what others recorded).

The work is in admin/api/event_batch.py and admin/api/event_pages.py, shared with
``POST /round`` (admin/api/rounds.py), which does a push and both pulls in one request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from admin.api.device_deps import CurrentKiosk, DeviceClock
from admin.api.errors import ERRORS
from admin.api.event_batch import Batch, Stored, store_batch
from admin.api.event_pages import (
    MAX_CURSOR,
    MAX_PAGE,
    EventsPage,
    events_page,
    json_answer,
    starting_page,
)
from admin.deps import NowDep, SessionDep

router = APIRouter(tags=["events"])


@router.post("/events", response_model=Stored, responses=ERRORS(400, 401, 403, 413, 422, 429))
def push(
    batch: Batch,
    kiosk: CurrentKiosk,
    clock: DeviceClock,
    db: SessionDep,
    now: NowDep,
    request: Request,
) -> Stored:
    """Store a batch, all or nothing, idempotently by UUID (see
    :func:`admin.api.event_batch.store_batch`)."""
    quotas = request.app.state.quotas
    return store_batch(db, batch.events, kiosk=kiosk, clock=clock, quotas=quotas, now=now)


@router.get("/events", response_model=EventsPage, responses=ERRORS(400, 401, 403, 422))
def pull(
    kiosk: CurrentKiosk,
    db: SessionDep,
    now: NowDep,
    response: Response,
    since: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
    device: Annotated[str | None, Query(max_length=64, pattern=r"^[^\x00]*$")] = None,
) -> Response:
    """Events above ``since`` in the order their pushes committed (db/events.py): a cursor
    moved to ``next`` never passes an event still being written. ``device`` (the asking
    kiosk's own name) leaves out what it sent itself; it would be ignored by UUID anyway."""
    page = events_page(db, kiosk_id=kiosk.id, since=since, limit=limit, device=device, now=now)
    return json_answer(page, headers=response)


@router.get("/events/start", response_model=EventsPage, responses=ERRORS(400, 401, 403, 422))
def start(kiosk: CurrentKiosk, db: SessionDep, now: NowDep, response: Response) -> Response:
    """Where a new door starts: the events it needs to decide (since yesterday began, and
    every alert still open; see db/starting_point.py) and the position to pull on from, in
    one answer (``more`` is false), whatever the years of history behind them."""
    return json_answer(starting_page(db, kiosk_id=kiosk.id, now=now), headers=response)

"""``POST /round``: a door's whole sync round in one request, for the common case.

A round was three requests one after another (push the outbox, pull people, pull events): at
50 doors each was under 50 ms at p95, the round they made was not. Here the door sends its
outbox's first batch and both cursors; the hub, having checked the door once, stores the batch
exactly as ``POST /events`` does, then answers with the people page and the events page above
those cursors, exactly as ``GET /people`` and ``GET /events`` would (the same shared functions:
admin/api/event_batch.py, admin/api/people_pages.py, admin/api/event_pages.py). The push
commits before the pulls read, so the pages are what a pull after the push would see.

A page that says ``more`` (a new door, a door back from days offline) is continued with the
paged calls, which stay; so is a long outbox. A refusal (401, 403, 413, 422, 429) is the one
``POST /events`` would give and stores nothing; a lost answer means the door sends the round
again, and the hub ignores the events it already holds by UUID.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from admin.api.device_deps import CurrentKiosk, DeviceClock
from admin.api.errors import ERRORS
from admin.api.event_batch import EventIn, Stored, store_batch
from admin.api.event_pages import MAX_CURSOR, EventsPage, events_page, json_answer
from admin.api.event_pages import MAX_PAGE as EVENTS_PAGE
from admin.api.people_pages import MAX_PAGE as PEOPLE_PAGE
from admin.api.people_pages import PeoplePage, people_page
from admin.deps import NowDep, SessionDep

router = APIRouter(tags=["events"])


class RoundIn(BaseModel):
    # No max_length here: an oversized batch is a 413 with its own code, as on POST /events.
    events: list[EventIn] = Field(
        default_factory=list, description="The door's next outbox batch; may be empty."
    )
    people_since: int = Field(default=0, ge=0, le=MAX_CURSOR)
    people_limit: int = Field(default=200, ge=1, le=PEOPLE_PAGE)
    events_since: int = Field(default=0, ge=0, le=MAX_CURSOR)
    events_limit: int = Field(default=500, ge=1, le=EVENTS_PAGE)
    device: str | None = Field(
        default=None,
        max_length=64,
        pattern=r"^[^\x00]*$",
        description="The door's own name: its own events are left out of the events page.",
    )


class RoundOut(BaseModel):
    stored: Stored
    people: PeoplePage
    events: EventsPage


@router.post("/round", response_model=RoundOut, responses=ERRORS(400, 401, 403, 413, 422, 429))
def sync_round(
    body: RoundIn,
    kiosk: CurrentKiosk,
    clock: DeviceClock,
    db: SessionDep,
    now: NowDep,
    request: Request,
    response: Response,
) -> Response:
    """Store the batch (as ``POST /events``), then answer with the people page (as
    ``GET /people``) and the events page (as ``GET /events``) above the door's cursors."""
    skew = clock.skew if clock else None
    stored = Stored(stored=0, duplicates=0, server_time=now, clock_skew_seconds=skew)
    if body.events:
        quotas = request.app.state.quotas
        stored = store_batch(db, body.events, kiosk=kiosk, clock=clock, quotas=quotas, now=now)
    people = people_page(
        db, kiosk_id=kiosk.id, since=body.people_since, limit=body.people_limit, now=now
    )
    events = events_page(
        db, kiosk_id=kiosk.id, since=body.events_since, limit=body.events_limit,
        device=body.device, now=now,
    )  # fmt: skip
    answer = {"stored": stored.model_dump(mode="json"), "people": people.model_dump(),
              "events": events}  # fmt: skip
    return json_answer(answer, headers=response)

"""What a door pulls of the event stream: the page above its cursor (``GET /events``, and the
events part of ``POST /round``) and a new door's starting point (``GET /events/start``).
Shared by those routes, so a page has the same cursor, limit, ``more`` flag and filter
whichever way it was asked for.

Events come in the order their pushes committed (db/events.py): a cursor moved to ``next``
never passes an event still being written.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from admin.api.event_batch import EventOut
from admin.office.viewing import record_door_pull
from db.events import SEAL_COLUMNS
from db.models import Event
from db.register import setting_zone
from db.starting_point import STARTING_COLUMNS, starting_point

MAX_PAGE = 1000
MAX_CURSOR = 2**62  # a cursor beyond any 64-bit counter is a mistake, not a position
SERVED = STARTING_COLUMNS
SERVED_TYPE = 2  # the place of the event's type in a served row (see served_events() below)


class EventsPage(BaseModel):
    events: list[EventOut]
    next: int
    more: bool


def events_page(
    db: Session, *, kiosk_id: int, since: int, limit: int, device: str | None, now: datetime
) -> dict[str, Any]:
    """An :class:`EventsPage` as JSON-ready data: the events above ``since``, at most
    ``limit``. ``device`` (the asking kiosk's own name) leaves out what it sent itself; it
    would be ignored by UUID anyway."""
    query = select(*SERVED).where(Event.seq > since).order_by(Event.seq).limit(limit + 1)
    if device is not None:
        query = query.where(Event.device != device)
    rows = db.execute(query).all()
    page = rows[:limit]
    top = page[-1].seq if page else since
    _record_pull(db, kiosk_id, page, span=f"{since}-{top}", now=now)
    return {"events": served_events(page), "next": top, "more": len(rows) > limit}


def starting_page(db: Session, *, kiosk_id: int, now: datetime) -> dict[str, Any]:
    """Where a new door starts: the events it needs to decide (since yesterday began, and
    every alert still open; see db/starting_point.py) and the position to pull on from, in
    one answer (``more`` is false), whatever the years of history behind them."""
    rows, position = starting_point(db, now=now, zone=setting_zone(db))
    _record_pull(db, kiosk_id, rows, span=f"start-{position}", now=now)
    return {"events": served_events(rows), "next": position, "more": False}


def _record_pull(
    db: Session, kiosk_id: int, rows: Sequence[Sequence[Any]], *, span: str, now: datetime
) -> None:
    """Events name children and adults (and hold typed collectors' names): a door's pull of
    them is audited once a pull, with how many of each kind went (R12, issue 14.2)."""
    if rows:
        counts = Counter(str(row[SERVED_TYPE]) for row in rows)
        record_door_pull(
            db, kiosk_id=kiosk_id, what="door events", counts=counts, span=span, now=now
        )


def served_events(rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Events written straight from the rows: what is stored was checked when it came in, and
    checking hundreds of events again on the way out was most of a pull."""
    return [
        {
            "seq": seq, "uuid": uuid, "type": kind, "occurred_at": at.isoformat(),
            "device": device, "child_id": child, "adult_id": adult, "staff_id": staff,
            "visitor_id": visitor, "room_id": room, "ref": ref, "payload": payload or {},
            **dict(zip(SEAL_COLUMNS, seal, strict=True)),
        }
        for seq, uuid, kind, at, device, child, adult, staff, visitor, room, ref, payload, *seal
        in rows
    ]  # fmt: skip


def json_answer(body: dict[str, Any], *, headers: Response) -> Response:
    """``body`` as the answer, unchecked (its events come from :func:`served_events`), with the
    headers the request's dependencies set: a Response returned whole skips them otherwise
    (X-Clock-Skew)."""
    answer = Response(json.dumps(body, default=str), media_type="application/json")
    for name, value in headers.headers.items():
        if name not in ("content-length", "content-type"):
            answer.headers[name] = value
    return answer

"""Server-sent events for every open panel page: the events table is polled about once a second
for rows newer than the page's cursor; alerts are pushed with their text, anything else that
changes "today" as a quiet "change"."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin.db_slots import slots_of
from admin.office.viewing import record_seen
from admin.security import SESSION_COOKIE, staff_for_token
from db.audit import set_actor
from db.models import Event
from db.register import Names
from db.vocabulary import STAFF_TEXT, EventType, Reason

router = APIRouter()
RECHECK_EVERY = 30  # polls between checks that the browser is still signed in
BATCH = 200


@dataclass(frozen=True)
class Notice:
    kind: str  # "alert" or "change"
    uuid: str
    text: str
    child_id: int | None = None  # the child an alert names, whose view is recorded


def latest_seq(db: Session) -> int:
    return int(db.scalar(select(func.max(Event.seq))) or 0)


def notices_after(db: Session, seq: int) -> tuple[list[Notice], int]:
    """What happened since ``seq``, and the new cursor."""
    rows = db.execute(
        select(Event.seq, Event.uuid, Event.type, Event.child_id, Event.payload)
        .where(Event.seq > seq)
        .order_by(Event.seq)
        .limit(BATCH)
    ).all()
    if not rows:
        return [], seq
    names = Names.load(db) if any(r.type == EventType.ALERT_RAISED for r in rows) else None
    notices = []
    for row in rows:
        if row.type == EventType.ALERT_RAISED and names is not None:
            payload = row.payload or {}
            text = str(payload.get("text") or STAFF_TEXT.get(Reason(payload["reason"]), "Alert"))
            if row.child_id is not None:
                text = f"{text}: {names.child(row.child_id)}"
            notices.append(Notice("alert", row.uuid, text, row.child_id))
        else:
            notices.append(Notice("change", row.uuid, row.type))
    return notices, int(rows[-1].seq)


def _signed_in(request: Request) -> str | None:
    """The listener as the audit log names them ("staff:3"), or None when not signed in."""
    app = request.app
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    with app.state.sessions() as db:
        idle = timedelta(minutes=app.state.settings.session_idle_minutes)
        # Listening is not activity: an idle panel still expires.
        state = staff_for_token(db, token, now=app.state.clock(), idle=idle, touch=False)
        return f"staff:{state.staff.id}" if state.staff is not None else None


def _poll(request: Request, seq: int, listener: str) -> tuple[list[Notice], int]:
    with request.app.state.sessions() as db:
        notices, seq = notices_after(db, seq)
        named = [n.child_id for n in notices if n.child_id is not None]
        if named:  # the banner names the child: a view, as on the Alerts page
            set_actor(db, listener)
            record_seen(request, db, "children", named, "alerts")
        return notices, seq


def _start(request: Request) -> int:
    with request.app.state.sessions() as db:
        return latest_seq(db)


def _frame(notice: Notice, seq: int) -> str:
    data = json.dumps({"uuid": notice.uuid, "text": notice.text})
    return f"id: {seq}\nevent: {notice.kind}\ndata: {data}\n\n"


async def _stream(request: Request, seq: int, listener: str) -> AsyncIterator[str]:
    pause: float = request.app.state.settings.live_poll_seconds
    yield "retry: 3000\n\n"
    polls = 0
    while not await request.is_disconnected():
        notices, seq = await slots_of(request.app).run(_poll, request, seq, listener)
        for notice in notices:
            yield _frame(notice, seq)
        polls += 1
        if polls % RECHECK_EVERY == 0:
            if not await slots_of(request.app).run(_signed_in, request):
                yield "event: signed_out\ndata: {}\n\n"
                return
            yield ": still here\n\n"
        await asyncio.sleep(pause)


@router.get("/live")
async def live(request: Request) -> Response:
    listener = await slots_of(request.app).run(_signed_in, request)
    if listener is None:
        return Response("Please sign in.", status_code=401, media_type="text/plain")
    last = request.headers.get("last-event-id", "")
    seq = int(last) if last.isdigit() else await slots_of(request.app).run(_start, request)
    return StreamingResponse(
        _stream(request, seq, listener),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )

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
from starlette.concurrency import run_in_threadpool

from admin.security import SESSION_COOKIE, staff_for_token
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
            notices.append(Notice("alert", row.uuid, text))
        else:
            notices.append(Notice("change", row.uuid, row.type))
    return notices, int(rows[-1].seq)


def _signed_in(request: Request) -> bool:
    app = request.app
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return False
    with app.state.sessions() as db:
        idle = timedelta(minutes=app.state.settings.session_idle_minutes)
        # Listening is not activity: an idle panel still expires.
        state = staff_for_token(db, token, now=app.state.clock(), idle=idle, touch=False)
        return state.staff is not None


def _poll(request: Request, seq: int) -> tuple[list[Notice], int]:
    with request.app.state.sessions() as db:
        return notices_after(db, seq)


def _start(request: Request) -> int:
    with request.app.state.sessions() as db:
        return latest_seq(db)


def _frame(notice: Notice, seq: int) -> str:
    data = json.dumps({"uuid": notice.uuid, "text": notice.text})
    return f"id: {seq}\nevent: {notice.kind}\ndata: {data}\n\n"


async def _stream(request: Request, seq: int) -> AsyncIterator[str]:
    pause: float = request.app.state.settings.live_poll_seconds
    yield "retry: 3000\n\n"
    polls = 0
    while not await request.is_disconnected():
        notices, seq = await run_in_threadpool(_poll, request, seq)
        for notice in notices:
            yield _frame(notice, seq)
        polls += 1
        if polls % RECHECK_EVERY == 0:
            if not await run_in_threadpool(_signed_in, request):
                yield "event: signed_out\ndata: {}\n\n"
                return
            yield ": still here\n\n"
        await asyncio.sleep(pause)


@router.get("/live")
async def live(request: Request) -> Response:
    if not await run_in_threadpool(_signed_in, request):
        return Response("Please sign in.", status_code=401, media_type="text/plain")
    last = request.headers.get("last-event-id", "")
    seq = int(last) if last.isdigit() else await run_in_threadpool(_start, request)
    return StreamingResponse(
        _stream(request, seq),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )

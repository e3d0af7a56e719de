"""Requests wait for the database in the event loop, never in a worker thread.

FastAPI runs a plain ``def`` dependency or route in a pool of 40 worker threads, and each step
(the session, the kiosk's token check, the route, closing the session) is a separate trip to
that pool. A request holding one of the hub's few pooled connections (five on PostgreSQL by
default, db/engine.py) needs a worker again for its next step. With more than 40 requests at
once, every worker could be waiting for a connection while every connection waited for a
worker: nothing moved until SQLAlchemy's 30 s pool timeout, and then the waiting requests were
answered 503. Measured on PostgreSQL: 60 doors asking at once got 503 after 30.4 s, flat out
the hub stored 16 to 39 events a second instead of about 950 (fastapi/fastapi#3205 is the same
trap).

So a request takes a slot here before its first trip to a worker and gives it back after its
session is closed. There is one slot fewer than the pool has connections: one connection is
always left for what a request opens beside its own session (the settings cache filling) and
for the hub's background work (the "last seen" writer, the e-mail sender), so those are never
stuck behind the requests either.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import ParamSpec, TypeVar

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool
from starlette.concurrency import run_in_threadpool

P = ParamSpec("P")
T = TypeVar("T")
UNBOUNDED = 1000  # a pool without a limit (SQLite in memory, NullPool): the workers are the limit


class DatabaseSlots:
    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        # One semaphore per event loop: a test may serve the same app from more than one loop,
        # and an asyncio semaphore belongs to the loop that first waited on it.
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._by_loop = weakref.WeakKeyDictionary()

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        semaphore = self._by_loop.get(loop)
        if semaphore is None:
            semaphore = self._by_loop[loop] = asyncio.Semaphore(self.size)
        async with semaphore:
            yield

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``work`` (which opens and closes its own session) in a worker thread, once a slot
        is free: for the async routes and middleware that read the database themselves."""
        async with self.held():
            return await run_in_threadpool(work, *args, **kwargs)


def slots_of(app: FastAPI) -> DatabaseSlots:
    """The slots of the hub that serves ``app`` (the office or its sync API: one count)."""
    slots: DatabaseSlots = app.state.db_slots
    return slots


def slots_for(engine: Engine) -> DatabaseSlots:
    """As many slots as the engine's pool has connections, less the one kept free."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return DatabaseSlots(UNBOUNDED)
    # The pool keeps its overflow limit only as a private attribute; -1 means no limit.
    overflow = getattr(pool, "_max_overflow", 0)
    if overflow < 0:
        return DatabaseSlots(UNBOUNDED)
    return DatabaseSlots(pool.size() + overflow - 1)

"""Typed dependency aliases for the views: the database session, the signed-in member of staff,
the manager, a CSRF-checked form, and the clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData

from admin.db_slots import slots_of
from admin.errors import HubError, LoginRequired, SetupRequired, forbidden
from admin.security import SESSION_COOKIE, csrf_matches, csrf_seed, staff_for_token
from db.audit import set_actor
from db.models import Staff
from db.vocabulary import Role


async def database_slot(request: Request) -> AsyncIterator[None]:
    """Waits, in the event loop, until the request may hold a connection (admin/db_slots.py)."""
    async with slots_of(request.app).held():
        yield


def get_db(
    request: Request, _slot: Annotated[None, Depends(database_slot, scope="function")]
) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.sessions
    with factory() as session:
        yield session


# "function": the session closes (and gives its connection back to the pool) when the route has
# made its answer, not after the answer has reached the client. With the default ("request") a
# read-only request held a pooled PostgreSQL connection while its answer crawled over TLS to a
# slow or busy door; 50 doors flat out then queued for the hub's five connections for 30 s.
SessionDep = Annotated[Session, Depends(get_db, scope="function")]


def get_now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


NowDep = Annotated[datetime, Depends(get_now)]


def manager_exists(db: Session) -> bool:
    manager = db.scalar(
        select(Staff.id).where(
            Staff.role == Role.MANAGER.value,
            Staff.password_hash.is_not(None),
            Staff.deleted_at.is_(None),
        )
    )
    return manager is not None


def setup_done(request: Request, db: Session) -> bool:
    if getattr(request.app.state, "setup_done", False):
        return True
    request.app.state.setup_done = manager_exists(db)
    return bool(request.app.state.setup_done)


def current_staff(request: Request, db: SessionDep, now: NowDep) -> Staff:
    if not setup_done(request, db):
        raise SetupRequired
    token = request.cookies.get(SESSION_COOKIE, "")
    idle = timedelta(minutes=request.app.state.settings.session_idle_minutes)
    state = staff_for_token(db, token, now=now, idle=idle) if token else None
    if state is None or state.staff is None:
        expired = state is not None and state.expired
        raise LoginRequired("You were signed out after a while idle." if expired else "")
    set_actor(db, f"staff:{state.staff.id}")
    request.state.staff = state.staff
    return state.staff


CurrentStaff = Annotated[Staff, Depends(current_staff)]


def manager_only(staff: CurrentStaff) -> Staff:
    if staff.role != Role.MANAGER.value:
        raise forbidden()
    return staff


ManagerOnly = Annotated[Staff, Depends(manager_only)]


async def checked_form(request: Request) -> FormData:
    """The posted form, refused with 403 unless it carries this browser's CSRF token."""
    form = await request.form(max_files=4, max_fields=400, max_part_size=8 * 1024 * 1024)
    token = form.get("csrf_token")
    secret: str = request.app.state.settings.secret_key
    if not isinstance(token, str) or not csrf_matches(secret, csrf_seed(request), token):
        raise HubError(
            403,
            "csrf_failed",
            "This form has expired or did not come from Handover. "
            "Please go back, reload the page and try again.",
        )
    return form


FormDep = Annotated[FormData, Depends(checked_form)]

"""Setting up: the first-run path a new nursery's manager is taken through after ``/setup``,
one step per page (the setting, sessions, rooms, ratios, staff, the door). Every step can be
skipped and revisited; this page shows which have something in them yet. Manager only."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from admin.deps import ManagerOnly, SessionDep
from admin.office.nursery import setup_steps
from admin.templating import render

router = APIRouter()


@router.get("/welcome")
def welcome_page(request: Request, me: ManagerOnly, db: SessionDep, finished: int = 0) -> Response:
    steps = setup_steps(db)
    context = {"steps": steps, "finished": finished, "rooms_ready": steps[2].done}
    return render(request, "welcome.html", context)

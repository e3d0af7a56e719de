"""``GET /people``: door data above the kiosk's cursor, oldest version first, in pages (see
admin/api/people_pages.py, shared with ``POST /round``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from admin.api.device_deps import CurrentKiosk
from admin.api.errors import ERRORS
from admin.api.people_pages import MAX_CURSOR, MAX_PAGE, PeoplePage, people_page
from admin.deps import NowDep, SessionDep

router = APIRouter(tags=["people"])


@router.get("/people", response_model=PeoplePage, responses=ERRORS(400, 401, 403, 422))
def people(
    kiosk: CurrentKiosk,
    db: SessionDep,
    now: NowDep,
    since: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 200,
) -> PeoplePage:
    return people_page(db, kiosk_id=kiosk.id, since=since, limit=limit, now=now)

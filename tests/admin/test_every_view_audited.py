"""No page can forget the audit log (R12, issue 14.2): every GET route of the panel is opened
as the manager, on a nursery where one child and one of her carers have names found nowhere
else; any answer that shows either name (in a page, a CSV, or inside a zip or a spreadsheet)
must have written a view of that person. A new page that shows people and records nothing
fails here, and so does a new route this test does not know how to open."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import zipfile
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from starlette.routing import BaseRoute

from admin.office.setting_rows import KINDS
from admin.office.viewing import ViewLog
from admin.views.live import _poll, latest_seq
from db.models import Adult, AuditEntry, Authorisation, Child, Kiosk, Staff
from tests.admin.conftest import MANAGER, NOW, post_form, sign_in
from tests.admin.nursery_day import morning, unknown_card_alert
from tests.admin.test_people import db_of

CHILD_NAME = "Quillonette"  # a first name, so pages that show first names only count too
ADULT_NAME = "Ottoline"
# Not pages: the live feed never ends (its alerts are checked in test_today_and_alerts).
NOT_OPENED = {"/live"}
# Pages that show more when a link opens them with a person named in the query.
QUERIES = {"/adults/new": "?child={child_id}", "/cards": "?holder=adult:{adult_id}"}
PARAMETER = re.compile(r"{(\w+)}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, seeded_template: Path, tmp_path: Path) -> str:
    """The demo nursery on both backends the hub supports."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("demo_on_postgres")
        return url
    copy = tmp_path / "hub.db"
    shutil.copy(seeded_template, copy)
    return str(copy)


@pytest.fixture
def office(app: FastAPI, database: str) -> Iterator[TestClient]:
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1))
        mia = db.scalars(select(Child).where(Child.first_name == "Mia")).one()
        mia.first_name = CHILD_NAME
        carer = db.scalars(
            select(Adult)
            .join(Authorisation, Authorisation.adult_id == Adult.id)
            .where(Authorisation.child_id == mia.id, Authorisation.deleted_at.is_(None))
        ).first()
        assert carer is not None
        carer.first_name = ADULT_NAME
        db.commit()
        unknown_card_alert(db, at=NOW - timedelta(minutes=5), child_id=mia.id)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        assert sign_in(client, MANAGER).status_code == 303
        # A card for her carer: the card list names him, and her parents get a notice.
        issued = post_form(client, "/cards", "/cards/issue", {"holder": f"adult:{carer.id}"})
        assert issued.status_code == 200
        yield client


def _values(app: FastAPI) -> dict[str, list[str]]:
    """What each path parameter of the panel is filled with."""
    with app.state.sessions() as db:
        child = db.scalar(select(Child.id).where(Child.first_name == CHILD_NAME))
        adult = db.scalar(select(Adult.id).where(Adult.first_name == ADULT_NAME))
        saskia = db.scalar(select(Staff.id).where(Staff.username == "saskia"))
        kiosk = db.scalar(select(Kiosk.id).limit(1)) or 1
    return {
        "child_id": [str(child)],
        "adult_id": [str(adult)],
        "staff_id": [str(saskia)],
        "kiosk_id": [str(kiosk)],
        "person_id": [str(child), str(adult)],
        "kind": ["child", "adult", "csv", "xlsx"],  # photos' kinds, and files' kinds
        "key": list(KINDS),
        "row_id": ["1"],
        "code": ["pl"],  # the parents' page's language switch
        "request_id": ["1"],  # a parent's request (the photo it carries)
        "permission_id": ["1"],
    }


def _routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every route, including those of the routers the app includes (which FastAPI keeps
    behind a wrapper holding ``original_router``; the panel includes them without prefix)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes)
        elif isinstance(route, APIRoute):
            yield route


def _urls(app: FastAPI, values: dict[str, list[str]]) -> Iterator[str]:
    for route in _routes(app.routes):
        if "GET" not in (route.methods or set()):
            continue
        if route.path in NOT_OPENED:
            continue
        names = PARAMETER.findall(route.path)
        unknown = [n for n in names if n not in values]
        assert not unknown, f"teach this test how to open {route.path} ({unknown})"
        for chosen in itertools.product(*(values[n] for n in names)):
            url = route.path
            for name, value in zip(names, chosen, strict=True):
                url = url.replace(f"{{{name}}}", value)
            yield url
            if route.path in QUERIES:
                yield url + QUERIES[route.path].format(
                    **{name: choices[0] for name, choices in values.items()}
                )


def _text(answer: Response) -> str:
    """What the answer shows, zips and spreadsheets opened."""
    body = answer.content
    if body[:2] != b"PK":
        return answer.text
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return "\n".join(
            archive.read(n).decode("utf-8", "replace")
            for n in archive.namelist()
            if not n.endswith((".jpg", ".png"))
        )


def _views_of(app: FastAPI, entity: str, person: int) -> int:
    # The hub's own sessions: one pool, however many pages are counted (PostgreSQL's
    # connections are few).
    with app.state.sessions() as db:
        return int(
            db.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(
                    AuditEntry.action == "view",
                    AuditEntry.entity == entity,
                    AuditEntry.entity_id == str(person),
                )
            )
            or 0
        )


def test_every_panel_page_that_shows_a_person_records_that_they_were_seen(
    app: FastAPI, office: TestClient, database: str
) -> None:
    values = _values(app)
    people = {
        CHILD_NAME: ("children", int(values["child_id"][0])),
        ADULT_NAME: ("adults", int(values["adult_id"][0])),
    }
    forgotten, shown = [], set()
    for url in _urls(app, values):
        app.state.viewed = ViewLog()  # each page is a first look, not one already recorded
        before = {name: _views_of(app, *who) for name, who in people.items()}
        answer = office.get(url)
        assert answer.status_code < 500, f"{url}: {answer.status_code}"
        text = _text(answer)
        for name, who in people.items():
            photo = url == f"/photos/{'child' if who[0] == 'children' else 'adult'}/{who[1]}"
            if name in text or (photo and answer.status_code == 200):
                shown.add(url)
                if _views_of(app, *who) == before[name]:
                    forgotten.append(f"{url} shows {who[0]} {who[1]} and recorded no view")
    assert not forgotten, "\n".join(forgotten)
    # The walk reached the pages that matter, so it cannot pass by opening nothing.
    her_photo = f"/photos/child/{values['child_id'][0]}"
    for url in ("/today", "/alerts", "/cards", "/register", "/notices", her_photo):
        assert url in shown, f"{url} did not show the seeded child or carer"


def test_an_alert_pushed_to_an_open_page_records_that_the_child_was_seen(
    app: FastAPI, office: TestClient, database: str
) -> None:
    """The live feed (not a page the walk above can open) names the child in its banner."""
    child = int(_values(app)["child_id"][0])
    with db_of(database) as db:
        start = latest_seq(db)
        unknown_card_alert(db, at=NOW, child_id=child)
    app.state.viewed = ViewLog()
    before = _views_of(app, "children", child)
    cookie = "; ".join(f"{k}={v}" for k, v in office.cookies.items())
    scope = {"type": "http", "app": app, "headers": [(b"cookie", cookie.encode())]}
    notices, _ = _poll(Request(scope), start, "staff:1")
    assert any(CHILD_NAME in n.text for n in notices)
    assert _views_of(app, "children", child) == before + 1

"""The day's records (issue 15 §4) on PostgreSQL: a forgotten sign-out corrected, an absence
recorded, the register signed off, who collected whom, and the funded-hours headcount."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from admin.office.absences import not_yet_arrived
from db.models import Child, Event
from tests.admin.conftest import MANAGER, NOW, make_app, post_form, sign_in
from tests.admin.test_on_postgres import demo_morning
from tests.admin.test_people import db_of

REGISTER = "/register?day=2026-11-23"


@pytest.mark.postgres
def test_the_days_records_work_on_postgresql(postgres_url: str) -> None:
    with demo_morning(postgres_url) as db:
        came = db.scalars(select(Child.id).order_by(Child.id)).first()
        late = not_yet_arrived(db, NOW)[0].child_id
    with TestClient(
        make_app(postgres_url), base_url="https://testserver", follow_redirects=False
    ) as client:
        assert sign_in(client, MANAGER).status_code == 303
        gone = {"child": came, "day": "2026-11-23", "left_at": "09:30", "reason": "Forgot"}
        form = f"/register/departure?child={came}&day=2026-11-23"
        assert post_form(client, form, "/register/departure", gone).status_code == 303
        away = {"child": late, "day": "2026-11-23", "reason": "holiday"}
        form = f"/register/absence?child={late}"
        assert post_form(client, form, "/register/absence", away).status_code == 303
        signed = post_form(client, REGISTER, "/register/sign-off", {"day": "2026-11-23"})
        assert signed.status_code == 303
        page = client.get(REGISTER).text
        assert "data-corrected" in page and "On holiday" in page and "Signed off by" in page
        who = client.get(f"/attendance?child={came}").text
        assert "<strong>1 period</strong> of 1 child · 0 h 30 min" in who
        funded = f"/children/{came}/funding"
        assert post_form(client, funded, funded, {"hours": 30, "weeks": 38}).status_code == 303
        headcount = client.get("/funding/headcount.csv?start=2026-11-23&end=2026-11-23").text
        assert headcount.splitlines()[1].endswith("30,38,30.00,1,30.00,0.50,")  # none unknown
    with db_of(postgres_url) as db:
        kinds = set(db.scalars(select(Event.type).where(Event.device == "office")))
        assert {"child_collected", "child_absent", "register_signed_off"} <= kinds

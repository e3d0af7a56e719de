"""Settings, sessions, rooms and ratio rules are changed in the panel: each change is audited,
every bad value is explained beside its field, and nothing in use is pulled from under a child."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import make_engine, session_factory
from db.models import AuditEntry, NurserySession, RatioRule, Room, Setting
from tests.admin.conftest import MANAGER, make_app, post_form, sign_in


@contextmanager
def db_of(database: str) -> Iterator[Session]:
    engine = make_engine(database)
    with session_factory(engine)() as db:
        yield db
    engine.dispose()


def _audit(database: str, entity: str) -> list[AuditEntry]:
    with db_of(database) as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.entity == entity)))


def test_a_new_room_is_listed_audited_with_the_manager_and_can_be_changed(
    manager: TestClient, database: str
) -> None:
    before = len(_audit(database, "rooms"))
    added = post_form(
        manager,
        "/settings/rooms",
        "/settings/rooms",
        {"name": "Garden Room", "min_age_months": "24", "max_age_months": "47"},
    )
    assert added.status_code == 303
    page = manager.get("/settings/rooms?saved=1")
    assert "Garden Room" in page.text and "24–47 months" in page.text
    with db_of(database) as db:
        room = db.scalars(select(Room).where(Room.name == "Garden Room")).one()
    changed = post_form(
        manager,
        f"/settings/rooms/{room.id}",
        f"/settings/rooms/{room.id}",
        {"name": "Garden Room", "min_age_months": "30", "max_age_months": ""},
    )
    assert changed.status_code == 303
    entries = _audit(database, "rooms")[before:]
    assert [e.action for e in entries] == ["create", "update"]
    assert all(e.actor.startswith("staff:") for e in entries)
    assert entries[1].changes["min_age_months"] == [24, 30]  # before and after
    assert "30 months and over" in manager.get("/settings/rooms").text


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"name": "Late", "starts_at": "15:00", "ends_at": "14:00"}, "ends_at", "end after"),
        ({"name": "Dotty", "starts_at": "8.30", "ends_at": "11:30"}, "starts_at", "08:30"),
        ({"name": "Odd", "starts_at": "25:00", "ends_at": "26:00"}, "starts_at", "hours:minutes"),
        ({"name": "", "starts_at": "08:30", "ends_at": "11:30"}, "name", "session's name"),
    ],
)
def test_a_session_with_bad_times_is_explained_and_not_saved(
    manager: TestClient, database: str, form: dict[str, str], field: str, message: str
) -> None:
    with db_of(database) as db:
        before = len(db.scalars(select(NurserySession)).all())
    page = post_form(manager, "/settings/sessions", "/settings/sessions", form)
    assert page.status_code == 400
    assert f'id="e-{field}"' in page.text and message in html.unescape(page.text)
    with db_of(database) as db:
        assert len(db.scalars(select(NurserySession)).all()) == before


@pytest.mark.parametrize(
    ("kind", "form", "message"),
    [
        ("rooms", {"name": "Upside", "min_age_months": "36", "max_age_months": "12"}, "below"),
        ("rooms", {"name": "Ancient", "min_age_months": "400"}, "from 0 to 96"),
        ("ratios", {"label": "None", "min_age_months": "0", "children_per_adult": "0"}, "1 to 30"),
        ("ratios", {"label": "No age", "children_per_adult": "4"}, "youngest age"),
    ],
)
def test_rooms_and_ratio_rules_with_impossible_ages_or_ratios_are_refused(
    manager: TestClient, kind: str, form: dict[str, str], message: str
) -> None:
    page = post_form(manager, f"/settings/{kind}", f"/settings/{kind}", form)
    assert page.status_code == 400 and message in page.text


def test_a_room_with_children_in_it_cannot_be_removed_and_says_why(
    manager: TestClient, database: str
) -> None:
    with db_of(database) as db:
        babies = db.scalars(select(Room).where(Room.name == "Babies")).one()
    page = post_form(manager, "/settings/rooms", f"/settings/rooms/{babies.id}/remove", {})
    assert page.status_code == 409 and "move them to another room first" in page.text
    with db_of(database) as db:
        assert db.get(Room, babies.id).deleted_at is None  # type: ignore[union-attr]


def test_an_empty_room_is_removed_as_a_tombstone(manager: TestClient, database: str) -> None:
    post_form(manager, "/settings/rooms", "/settings/rooms", {"name": "Spare"})
    with db_of(database) as db:
        spare = db.scalars(select(Room).where(Room.name == "Spare")).one()
    assert post_form(manager, "/settings/rooms", f"/settings/rooms/{spare.id}/remove", {})
    with db_of(database) as db:
        assert db.get(Room, spare.id).deleted_at is not None  # type: ignore[union-attr]
    assert "Spare" not in manager.get("/settings/rooms").text


def test_the_eyfs_ratios_are_offered_once_and_never_twice(
    manager: TestClient, database: str
) -> None:
    for _ in range(2):
        post_form(manager, "/settings/ratios", "/settings/ratios/eyfs", {})
    with db_of(database) as db:
        labels = [
            r.label for r in db.scalars(select(RatioRule).where(RatioRule.deleted_at.is_(None)))
        ]
    assert sorted(set(labels)) == sorted(labels)
    assert {"Under 2", "2-year-olds", "3 and over"} <= set(labels)
    assert "or to 13 with a qualified teacher" in manager.get("/settings/ratios").text


def test_the_setting_keeps_its_address_and_refuses_a_made_up_time_zone(
    manager: TestClient, database: str
) -> None:
    page = manager.get("/settings")
    form = {"name": "Little Acorns", "address": "1 Oak Lane, Leeds", "time_zone": "Mars/Olympus"}
    numbers = {
        "minimum_collector_age": "16",
        "arrival_acknowledgement_minutes": "10",
        "late_collection_grace_minutes": "10",
        "retention_years": "3",
        "kiosk_low_space_mb": "200",
    }
    assert page.status_code == 200
    refused = post_form(manager, "/settings", "/settings", form | numbers)
    assert refused.status_code == 400 and "is not a time zone" in refused.text
    emptied = post_form(manager, "/settings", "/settings", form | numbers | {"time_zone": " "})
    assert emptied.status_code == 400 and "Please enter the time zone" in emptied.text
    sneaky = {"time_zone": "../../etc/passwd"}  # ZoneInfo refuses a path; so must the page
    climbed = post_form(manager, "/settings", "/settings", form | numbers | sneaky)
    assert climbed.status_code == 400 and "is not a time zone" in climbed.text
    saved = post_form(
        manager, "/settings", "/settings", form | numbers | {"time_zone": "Europe/Dublin"}
    )
    assert saved.status_code == 303
    with db_of(database) as db:
        setting = db.scalars(select(Setting)).one()
        assert (
            setting.time_zone == "Europe/Dublin" and setting.extra["address"] == "1 Oak Lane, Leeds"
        )
    assert any(
        e.changes.get("time_zone", [None])[-1] == "Europe/Dublin"
        for e in _audit(database, "settings")
    )


def test_the_door_settings_are_saved_and_bad_ones_explained(
    manager: TestClient, database: str
) -> None:
    door = {
        "privacy_mode": "first_name_initial",
        "language_pl": "on",
        "kiosk_idle_seconds": "45",
        "password_attempt_limit": "3",
        "password_window_minutes": "60",
    }
    bad = post_form(manager, "/settings/door", "/settings/door", door | {"privacy_mode": "x"})
    assert bad.status_code == 400 and "Please choose what the kiosk" in bad.text
    short = post_form(
        manager, "/settings/door", "/settings/door", door | {"kiosk_idle_seconds": "2"}
    )
    assert short.status_code == 400 and "from 10 to 600" in short.text
    assert post_form(manager, "/settings/door", "/settings/door", door).status_code == 303
    with db_of(database) as db:
        setting = db.scalars(select(Setting)).one()
        assert setting.privacy_mode == "first_name_initial"
        assert setting.languages == ["en", "pl"] and setting.kiosk_idle_seconds == 45


def test_an_unknown_kind_of_setting_row_is_not_found(manager: TestClient) -> None:
    assert manager.get("/settings/ponies").status_code == 404


def test_staff_cannot_change_the_rooms(staff_client: TestClient) -> None:
    assert staff_client.get("/settings/rooms").status_code == 403
    assert staff_client.get("/welcome").status_code == 403


@pytest.mark.postgres
def test_sessions_rooms_ratios_and_the_door_are_set_up_on_postgresql(demo_on_postgres: str) -> None:
    postgres_url = demo_on_postgres
    with TestClient(
        make_app(postgres_url), base_url="https://testserver", follow_redirects=False
    ) as client:
        assert sign_in(client, MANAGER).status_code == 303
        session = {"name": "Breakfast club", "starts_at": "07:30", "ends_at": "08:30"}
        assert post_form(client, "/settings/sessions", "/settings/sessions", session).is_redirect
        assert "07:30–08:30" in client.get("/settings/sessions").text
        room = {"name": "Forest", "min_age_months": "36"}
        assert post_form(client, "/settings/rooms", "/settings/rooms", room).is_redirect
        assert post_form(client, "/settings/ratios", "/settings/ratios/eyfs", {}).is_redirect
        door = {
            "privacy_mode": "card_first",
            "kiosk_idle_seconds": "60",
            "password_attempt_limit": "4",
            "password_window_minutes": "30",
        }
        assert post_form(client, "/settings/door", "/settings/door", door).is_redirect
        assert "Done" in client.get("/welcome").text
    with db_of(postgres_url) as db:
        assert db.scalars(select(Room).where(Room.name == "Forest")).one().min_age_months == 36
        assert db.scalars(select(Setting)).one().privacy_mode == "card_first"
        actions = db.scalars(select(AuditEntry.entity).where(AuditEntry.actor.like("staff:%")))
        assert {"nursery_sessions", "rooms", "settings"} <= set(actions)

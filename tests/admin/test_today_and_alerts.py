"""Today and alerts: who is on site by room, ratios, arrivals to acknowledge, and alerts that
are acknowledged and resolved with a note of what was done."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from admin.views.live import latest_seq, notices_after
from db.events import events_between
from db.models import Child
from db.timeline import Timeline
from db.vocabulary import EventType
from tests.admin.conftest import NOW, post_form
from tests.admin.nursery_day import morning, unknown_card_alert
from tests.admin.test_people import db_of


def test_today_shows_each_room_with_its_children_staff_and_ratio(
    manager: TestClient, database: str
) -> None:
    with db_of(database) as db:
        morning(db, start=NOW - timedelta(hours=1, minutes=30))
    page = manager.get("/today").text
    assert "14</strong> children, <strong>4</strong> staff" in page
    assert "Dr Hana Ito" in page
    twos = page.split('data-room="Twos"')[1].split("</article>")[0]
    assert "Ratio breached: 7 children · 1 staff · needs 2 adults" in twos
    preschool = page.split('data-room="Pre-school"')[1].split("</article>")[0]
    assert "breached" not in preschool and "Priya Shah" in preschool


def test_an_arrival_waits_until_a_member_of_staff_has_seen_the_child(
    staff_client: TestClient, database: str
) -> None:
    with db_of(database) as db:
        records = morning(db, start=NOW - timedelta(hours=1))
    last = [r for r in records if r.type == EventType.CHILD_ARRIVED][-1]
    page = staff_client.get("/today").text
    assert f"/today/acknowledge/{last.uuid}" in page
    response = post_form(staff_client, "/today", f"/today/acknowledge/{last.uuid}", {})
    assert response.status_code == 303
    assert f"/today/acknowledge/{last.uuid}" not in staff_client.get("/today").text
    with db_of(database) as db:
        timeline = Timeline.of(
            events_between(db, NOW - timedelta(hours=2), NOW + timedelta(minutes=1))
        )
        assert timeline.arrivals_by_uuid[last.uuid].acknowledged_at is not None


def test_an_alert_is_acknowledged_then_resolved_with_a_note_of_what_was_done(
    staff_client: TestClient, database: str
) -> None:
    with db_of(database) as db:
        mia = db.scalar(select(Child.id).where(Child.first_name == "Mia"))
        alert = unknown_card_alert(db, at=NOW - timedelta(minutes=2), child_id=mia)
    today = staff_client.get("/today").text
    assert "An unknown card was shown" in today and "Mia Walsh" in today
    post_form(staff_client, "/alerts", f"/alerts/{alert.uuid}/acknowledge", {"back": "/alerts"})
    assert "seen by Saskia Brown" in staff_client.get("/alerts").text
    empty = post_form(staff_client, "/alerts", f"/alerts/{alert.uuid}/resolve", {"note": " "})
    assert empty.status_code == 400 and "Please write what was done" in empty.text
    done = post_form(
        staff_client,
        "/alerts",
        f"/alerts/{alert.uuid}/resolve",
        {"note": "Uncle without a card; mum phoned, Mia stayed until she came."},
    )
    assert done.status_code == 303
    page = staff_client.get("/alerts?status=resolved").text
    assert "No open alerts." in page
    assert "Uncle without a card" in page.split("History")[1]


def test_alert_history_filters_by_severity(staff_client: TestClient, database: str) -> None:
    with db_of(database) as db:
        unknown_card_alert(db, at=NOW - timedelta(days=2))
    assert (
        "An unknown card was shown"
        in staff_client.get("/alerts?severity=high").text.split("History")[1]
    )
    assert (
        "An unknown card was shown"
        not in staff_client.get("/alerts?severity=critical").text.split("History")[1]
    )


def test_the_live_feed_tells_open_pages_about_a_new_alert_and_other_changes(
    database: str,
) -> None:
    with db_of(database) as db:
        start = latest_seq(db)
        morning(db, start=NOW - timedelta(hours=1), children=1)
        alert = unknown_card_alert(db, at=NOW, child_id=None)
        notices, cursor = notices_after(db, start)
        assert [n.kind for n in notices].count("alert") == 1
        assert notices[-1].uuid == alert.uuid and "unknown card" in notices[-1].text
        assert {n.kind for n in notices[:-1]} == {"change"}
        assert notices_after(db, cursor) == ([], cursor)


def test_the_live_feed_is_closed_to_a_browser_that_is_not_signed_in(client: TestClient) -> None:
    response = client.get("/live")
    assert response.status_code == 401


def test_an_alert_from_a_kiosk_whose_clock_runs_ahead_is_still_resolved_by_the_office(
    staff_client: TestClient, database: str
) -> None:
    with db_of(database) as db:
        alert = unknown_card_alert(db, at=NOW + timedelta(minutes=3))
    done = post_form(
        staff_client,
        "/alerts",
        f"/alerts/{alert.uuid}/resolve",
        {"note": "Aunt's card from her old nursery; sent away politely."},
    )
    assert done.status_code == 303
    assert "No open alerts." in staff_client.get("/alerts").text


def test_the_alert_chime_is_a_short_sound_any_browser_plays(client: TestClient) -> None:
    response = client.get("/sound/alert.wav")
    assert response.headers["content-type"] == "audio/wav"
    assert response.content[:4] == b"RIFF" and 10_000 < len(response.content) < 100_000

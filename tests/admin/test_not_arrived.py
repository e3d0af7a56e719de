"""Children not brought (issue 15 §4), through ``handover hub`` in its own process on the real
clock: the hub raises one "not yet arrived" alert per child and day, a door pulls it, and an
arrival, an absence or a member of staff's note answers it; a restart raises none twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import select

from admin.office.not_arrived import raise_not_arrived
from db.clock import utc_now
from db.models import Authorisation
from db.timeline import EventRecord, Timeline
from db.verify import verify
from db.vocabulary import STAFF_TEXT, EventType, Reason
from kiosk import staff_views
from kiosk.i18n import Translator
from kiosk.store.local import KioskStore
from kiosk.sync import SyncClient, hub_client
from tests.admin.conftest import MANAGER, STAFF, csrf_of
from tests.admin.hub_process import PairedKiosk, RunningHub, pair_kiosk, signed_in
from tests.admin.not_arrived_day import Morning, prepare_morning, records, wait_for
from tests.sync.events import arrival

# Slow enough that an answer read straight after an arrival or absence is the hook's, not the
# next check's.
WATCH = {"HANDOVER_NOT_ARRIVED_CHECK_SECONDS": "4"}


@pytest.fixture
def morning(seeded_template: Path, tmp_path: Path) -> Morning:
    # A grace of ten hours to start: nobody is due until the test says so.
    return prepare_morning(seeded_template, tmp_path, grace=600)


@pytest.fixture
def hub(morning: Morning, tmp_path: Path) -> Iterator[RunningHub]:
    running = RunningHub(morning.url, tmp_path / "console.log", env=WATCH).start()
    yield running
    running.stop()


def _record_absence(manager: httpx.Client, morning: Morning, role: str, note: str) -> None:
    form = manager.get("/register/absence", params={"child": morning.ids[role]})
    assert form.status_code == 200, form.text
    data = {"child": str(morning.ids[role]), "day": morning.today.isoformat()}
    data |= {"reason": "ill", "note": note, "csrf_token": csrf_of(form)}
    saved = manager.post("/register/absence", data=data)
    assert saved.status_code == 303, saved.text


def _pulled(hub: RunningHub, token: str) -> list[dict[str, object]]:
    answer = httpx.get(
        f"{hub.url}/api/v1/events",
        params={"since": 0},
        headers={"Authorization": f"Bearer {token}"},
        verify=hub.verify,
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["events"])


def test_a_child_not_brought_raises_one_alert_that_the_record_or_staff_answer(
    hub: RunningHub, morning: Morning, tmp_path: Path
) -> None:
    manager = signed_in(hub, MANAGER)
    _record_absence(manager, morning, "ben", "Mum rang yesterday: chickenpox")  # in advance
    morning.set_grace(30)
    # Amara, Gus and Hal: booked into the session that began 45 minutes ago, nobody has come.
    # Not Ben (absence recorded), Cara (her parent told the office), Dev (not booked today),
    # Eli (left yesterday) or Fay (her session began 10 minutes ago).
    wait_for(lambda: len(morning.alerted()) >= 3)
    assert morning.alerted() == ["amara", "gus", "hal"]
    raised = morning.not_arrived_alerts()
    assert all(e.device == "office" and e.signer for e in raised)  # signed by the hub's key
    assert {e.payload["text"] for e in raised} == {STAFF_TEXT[Reason.NOT_ARRIVED]}

    staff = signed_in(hub, STAFF)
    alerts_page = staff.get("/alerts").text
    assert "has not arrived" in alerts_page and morning.names["amara"] in alerts_page
    assert morning.names["gus"] in staff.get("/today").text

    # The front door pulls the alerts with everything else, and shows them in staff mode.
    door = pair_kiosk(hub, manager, "Front door")
    pulled = [e for e in _pulled(hub, door.token) if e["type"] == "alert_raised"]
    assert sorted(e["child_id"] for e in pulled) == sorted(  # type: ignore[type-var]
        morning.ids[r] for r in ("amara", "gus", "hal")
    )

    # The front door's staff mode lists them, in the language chosen at the door.
    rows = _door_staff_mode(hub, door, morning, tmp_path / "front-door.db")
    assert sorted(r["child"] for r in rows) == sorted(
        morning.names[r] for r in ("amara", "gus", "hal")
    )
    polish = Translator(offered=("en", "pl"))
    polish.choose("pl")
    assert polish.gettext(rows[0]["text"]).startswith("Zapisane dziecko nie przyszło")

    # Only the hub raises it: a door's own copy would be a second alert for the same child.
    forged = door.door.batch(_door_alert(morning.ids["dev"]))
    refused = httpx.post(
        f"{hub.url}/api/v1/events", json=forged, headers=door.door.auth, verify=hub.verify
    )
    assert [r["code"] for r in refused.json()["refused"]] == ["office_only"], refused.text

    # Gus arrives at the door: his alert is resolved with the arrival, not at the next check.
    adult = _an_adult_of(morning, "gus")
    pushed = httpx.post(
        f"{hub.url}/api/v1/events",
        json=door.door.batch(arrival(morning.ids["gus"], adult)),
        headers=door.door.auth,
        verify=hub.verify,
    )
    assert pushed.status_code == 200, pushed.text
    answered = morning.resolution_of("gus")
    assert answered is not None and answered.payload["note"].startswith("Arrived at ")

    # Hal's absence recorded by the manager answers his, in her name.
    _record_absence(manager, morning, "hal", "Dad rang at 9: ear infection")
    answered = morning.resolution_of("hal")
    assert answered is not None and answered.staff_id is not None
    assert answered.payload["note"] == "Absence recorded: Ill (Dad rang at 9: ear infection)."

    # Nothing answers Amara's: Saskia phones her mum and resolves it with a note.
    [amara] = [e for e in raised if e.child_id == morning.ids["amara"]]
    note = {
        "note": "Phoned mum at 09:50: Amara is ill",
        "csrf_token": csrf_of(staff.get("/alerts")),
    }
    assert staff.post(f"/alerts/{amara.uuid}/resolve", data=note).status_code == 303
    history = staff.get("/alerts", params={"status": "resolved"}).text
    assert "Phoned mum at 09:50: Amara is ill" in history and "Saskia" in history
    assert "Dad rang at 9: ear infection" in history
    # The register keeps who followed up, what they did and when, on screen and in the CSV.
    register = manager.get("/register").text
    assert "Phoned mum at 09:50: Amara is ill (Saskia" in register
    sheet = manager.get("/register.csv").text
    assert "Followed up" in sheet and "Phoned mum at 09:50: Amara is ill (Saskia" in sheet

    # A restart raises nothing twice; Fay comes due now the grace is 5 minutes, so the
    # watch has surely run again by the time hers appears.
    hub.stop()
    morning.set_grace(5)
    hub.start()
    wait_for(lambda: "fay" in morning.alerted())
    assert morning.alerted() == ["amara", "fay", "gus", "hal"]
    register = signed_in(hub, MANAGER).get("/register").text  # the hub is on a new port
    assert "not followed up yet" in register  # Fay's, so far
    pulled = [e for e in _pulled(hub, door.token) if e["type"] == "alert_resolved"]
    assert len(pulled) == 3  # one answer each for Amara, Gus and Hal, none twice
    with records(morning.url) as db:
        checked = verify(db)  # what the hub raised and answered is in its chain, unbroken
    # (The door's chain lacks the alert the hub refused from it: that gap is the door's.)
    assert [b.device for b in checked.breaks] == ["Front door (front-door)"]


def test_two_checks_at_once_raise_one_alert_per_child(morning: Morning) -> None:
    morning.set_grace(30)
    results: list[int] = []

    def check() -> None:
        with records(morning.url) as db:
            results.append(len(raise_not_arrived(db, utc_now())))

    checks = [threading.Thread(target=check) for _ in range(4)]
    for thread in checks:
        thread.start()
    for thread in checks:
        thread.join()
    # Ben's absence is not recorded in this one: he is due with Amara, Gus and Hal.
    assert sorted(results) == [0, 0, 0, 4]
    assert morning.alerted() == ["amara", "ben", "gus", "hal"]


def _door_staff_mode(
    hub: RunningHub, door: PairedKiosk, morning: Morning, path: Path
) -> list[dict[str, Any]]:
    """The door's own store after one sync round, as staff mode reads it."""
    store = KioskStore(str(path), device="front-door")
    try:
        with hub_client(door.door.certificate) as http:
            SyncClient(store, hub.url, door.token, clock=utc_now, http=http).sync_once()
        timeline = Timeline.of(store.today(now=utc_now(), zone=morning.zone))
        return staff_views.alert_rows(store.book(), timeline, morning.zone)
    finally:
        store.close()


def _door_alert(child_id: int) -> EventRecord:
    payload = {"reason": Reason.NOT_ARRIVED.value, "severity": "warning"}
    return EventRecord(
        uuid=str(uuid4()),
        type=EventType.ALERT_RAISED,
        occurred_at=utc_now(),
        device="front-door",
        child_id=child_id,
        payload=payload,
    )


def _an_adult_of(morning: Morning, role: str) -> int:
    with records(morning.url) as db:
        adult = db.scalar(
            select(Authorisation.adult_id).where(Authorisation.child_id == morning.ids[role])
        )
        assert adult is not None
        return int(adult)

"""A kiosk lost or stolen, and 6-digit staff PINs: the manager's one action in the office, with
a real hub process over HTTPS, a kiosk paired as a kiosk pairs, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from db.engine import make_engine, session_factory
from db.migrate import upgrade_to_head
from db.models import Setting, Staff
from db.seed import seed_demo
from kiosk.sync import hub_client
from tests.admin.conftest import MANAGER, STAFF, csrf_of
from tests.admin.hub_process import RunningHub, register_kiosk, signed_in
from tests.sync.events import pair_door


def _staff_with_pins(url: str) -> dict[str, bool]:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        staff = {s.username: s.pin_hash is not None for s in db.scalars(select(Staff))}
    engine.dispose()
    return staff


@pytest.fixture
def hub(database_url: str, tmp_path: Path) -> Iterator[RunningHub]:
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    with session_factory(engine)() as db:
        seed_demo(db, today=date.today())
        db.commit()
    engine.dispose()
    running = RunningHub(database_url, tmp_path / "console.log").start()
    yield running
    running.stop()


def _post(client: httpx.Client, page: str, action: str, data: dict[str, str]) -> httpx.Response:
    return client.post(action, data={**data, "csrf_token": csrf_of(client.get(page))})


def test_a_lost_kiosk_is_revoked_and_every_staff_pin_stops_until_changed(
    hub: RunningHub, database_url: str
) -> None:
    manager = signed_in(hub, MANAGER)
    code, kiosk_id = register_kiosk(manager, "Front door")
    pairing = pair_door(hub.url, code=code, device="front-door")
    auth = {"Authorization": f"Bearer {pairing.token}"}
    door = hub_client(pairing.certificate)
    assert door.get(f"{hub.url}/api/v1/people", headers=auth).status_code == 200

    asked = manager.get(f"/kiosks/{kiosk_id}/lost")
    assert asked.status_code == 200 and "stop <strong>every staff PIN</strong>" in asked.text
    unconfirmed = _post(manager, f"/kiosks/{kiosk_id}/lost", f"/kiosks/{kiosk_id}/lost", {})
    assert unconfirmed.status_code == 303  # back to the question: nothing done without the box
    assert door.get(f"{hub.url}/api/v1/people", headers=auth).status_code == 200
    assert all(_staff_with_pins(database_url).values())

    lost = f"/kiosks/{kiosk_id}/lost"
    assert _post(manager, lost, lost, {"confirm": "yes"}).status_code == 303
    refused = door.get(f"{hub.url}/api/v1/people", headers=auth)
    assert refused.status_code == 403 and refused.json()["code"] == "kiosk_revoked"
    assert not any(_staff_with_pins(database_url).values())  # no PIN works at any door
    listed = manager.get("/kiosks").text
    assert "Staff PINs to change after a lost kiosk" in listed and "Saskia" in listed
    assert "kiosk_lost" in hub.output()

    # The manager now asks for 6 digits; Saskia's new PIN must have them.
    _require_pin_digits(manager, database_url, 6)
    saskia = _staff_id(database_url, "saskia")
    page, action = f"/staff/{saskia}", f"/staff/{saskia}/pin"
    short = _post(manager, page, action, {"pin": "4829", "pin_again": "4829"})
    assert short.status_code == 400 and "A PIN is 6 to 8 digits." in short.text
    six = _post(manager, page, action, {"pin": "482913", "pin_again": "482913"})
    assert six.status_code == 303
    after = manager.get("/kiosks").text
    assert "Saskia" not in after.split("Staff PINs to change")[1].split("</section>")[0]
    assert _staff_with_pins(database_url)["saskia"]
    door.close()
    manager.close()


def test_only_the_manager_may_report_a_kiosk_lost(hub: RunningHub) -> None:
    manager = signed_in(hub, MANAGER)
    _code, kiosk_id = register_kiosk(manager, "Side door")
    staff = signed_in(hub, STAFF)
    assert staff.get(f"/kiosks/{kiosk_id}/lost").status_code in (303, 403)
    assert staff.post(f"/kiosks/{kiosk_id}/lost", data={"confirm": "yes"}).status_code in (
        303,
        403,
    )
    assert "Lost or stolen" in manager.get("/kiosks").text
    staff.close()
    manager.close()


def _staff_id(url: str, username: str) -> int:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        found = db.scalar(select(Staff.id).where(Staff.username == username))
    engine.dispose()
    assert found is not None
    return found


def _require_pin_digits(manager: httpx.Client, url: str, digits: int) -> None:
    """As the manager does it, on the Settings page (every field sent back as it was)."""
    from admin.views.settings import NUMBERS

    engine = make_engine(url)
    with session_factory(engine)() as db:
        setting = db.scalar(select(Setting))
        assert setting is not None
        form = {key: str(getattr(setting, key)) for key in ("name", *NUMBERS)}
    engine.dispose()
    form["staff_pin_min_digits"] = str(digits)
    assert _post(manager, "/settings", "/settings", form).status_code == 303

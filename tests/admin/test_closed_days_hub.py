"""A real hub with its not-arrived watch running on the real clock: on a day the manager has put
down as closed, the booked children who have not come raise no alert; once the day is open
again, the same children do."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.admin.conftest import MANAGER, STAFF, csrf_of
from tests.admin.hub_process import RunningHub, signed_in
from tests.admin.not_arrived_day import Morning, prepare_morning, wait_for

EVERY = 2  # seconds between the watch's checks
PAGE = "/settings/closed-days"


@pytest.fixture
def morning(seeded_template: Path, tmp_path: Path) -> Morning:
    return prepare_morning(seeded_template, tmp_path, grace=600)  # nobody due yet


@pytest.fixture
def hub(morning: Morning, tmp_path: Path) -> Iterator[RunningHub]:
    env = {"HANDOVER_NOT_ARRIVED_CHECK_SECONDS": str(EVERY)}
    running = RunningHub(morning.url, tmp_path / "console.log", env=env).start()
    yield running
    running.stop()


def test_a_closed_day_raises_no_alert_and_an_open_day_still_does(
    hub: RunningHub, morning: Morning
) -> None:
    manager = signed_in(hub, MANAGER)
    form = {"first_day": morning.today.isoformat(), "last_day": "", "label": "INSET day"}
    added = manager.post(PAGE, data=form | {"csrf_token": csrf_of(manager.get(PAGE))})
    assert added.status_code == 303, added.text

    morning.set_grace(30)  # Amara, Ben, Gus and Hal are overdue now (see not_arrived_day.py)
    time.sleep(EVERY * 4)  # the watch has looked three times or more
    assert morning.alerted() == []
    staff = signed_in(hub, STAFF)
    today = staff.get("/today").text
    assert "The nursery is closed today (INSET day)." in today
    assert morning.names["amara"] not in today

    page = manager.get(PAGE)
    [row] = re.findall(r"/settings/closed-days/(\d+)/remove", page.text)
    removed = manager.post(f"{PAGE}/{row}/remove", data={"csrf_token": csrf_of(page)})
    assert removed.status_code == 303, removed.text
    wait_for(lambda: len(morning.alerted()) >= 4)
    assert morning.alerted() == ["amara", "ben", "gus", "hal"]
    assert "Not yet arrived" in staff.get("/today").text

"""Sync pulls land on the door thread while staff mode redraws on the UI thread: each drawing
shows one moment of the day, never half a pull (kiosk/snapshot.py)."""

from __future__ import annotations

import time
from concurrent.futures import Future
from datetime import timedelta

from db.timeline import EventRecord
from db.vocabulary import EventType, Reason
from kiosk.door.decisions import new_event
from kiosk.ui.widgets import Text
from tests.kiosk.ui.conftest import Kiosk
from tests.kiosk.ui.test_flows import _pin

ROUNDS = 200
OTHER_DOOR = "garden-door"


def _pull(kiosk: Kiosk, child_id: int, open_alert: str | None, round_: int) -> list[EventRecord]:
    """What the garden door did since the last pull: a child arrived and staff were called to
    them, or the child went home and that call was answered. Never one without the other."""
    now = kiosk.clock.now + timedelta(seconds=round_)
    if open_alert is None:
        return [
            new_event(EventType.CHILD_ARRIVED, now=now, device=OTHER_DOOR, child_id=child_id),
            new_event(
                EventType.ALERT_RAISED,
                now=now,
                device=OTHER_DOOR,
                child_id=child_id,
                payload={"reason": Reason.HELP_ASKED.value, "why": f"round {round_}"},
            ),
        ]
    staff = {"staff_id": kiosk.ids["Saskia Brown"]}
    return [
        new_event(EventType.CHILD_COLLECTED, now=now, device=OTHER_DOOR, child_id=child_id),
        new_event(EventType.ALERT_RESOLVED, now=now, device=OTHER_DOOR, ref=open_alert, **staff),
    ]


def _drawn(kiosk: Kiosk) -> tuple[int, int]:
    """Children on the On site tab, and the number on its Alerts tab, as drawn."""
    texts = [w.plain for w in kiosk.app.screens.current_screen.walk() if isinstance(w, Text)]
    (alerts,) = [t for t in texts if t.startswith("Alerts (")]
    children = sum(1 for t in texts if " · " in t)
    return children, int(alerts.removeprefix("Alerts (").removesuffix(")"))


def test_staff_mode_never_shows_half_a_pull_from_the_garden_door(kiosk: Kiosk) -> None:
    app, service = kiosk.app, kiosk.app.service
    kiosk.app.flows.start_staff_mode()
    kiosk.pump()
    _pin(kiosk)
    assert kiosk.screen == "staff"
    children = sorted(service.snapshot.book.children)[:6]
    open_alerts: dict[int, str] = {}
    landed: list[Future[None]] = []
    for round_ in range(ROUNDS):
        child = children[round_ % len(children)]
        events = _pull(kiosk, child, open_alerts.pop(child, None), round_)
        if events[0].type == EventType.CHILD_ARRIVED:
            open_alerts[child] = events[1].uuid
        people = round_ % 25 == 0  # now and then the office changed people data too

        def pull(events: list[EventRecord] = events, people: bool = people) -> None:
            service.pulled(events, people_changed=people)

        landed.append(service.run(pull))
        app.last_touch = time.monotonic()  # staff are at the screen: it must not go idle
        app.screens.current_screen.refresh()  # redraws race the pull just sent
        kiosk.pump()
        seen = app.screens.current_screen.seen
        on_site = set(seen.timeline.on_site)
        assert on_site == {a.child_id for a in seen.timeline.open_alerts()}, round_
        assert _drawn(kiosk) == (len(on_site), len(on_site)), round_
    for future in landed:
        future.result(timeout=10)  # no pull failed on the door thread
    kiosk.settle()
    assert app.screens.current_screen.seen.version == service.snapshot.version
    assert _drawn(kiosk) == (len(open_alerts), len(open_alerts))
    assert set(service.snapshot.timeline.on_site) == set(open_alerts)

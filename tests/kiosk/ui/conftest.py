"""The kiosk, built once per test session and rendered offscreen, driven by real touches.

One Kivy window per process (PLATFORM.md): the app is built once; each test starts from the
home screen with an empty day, on a fixed Wednesday morning in London.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete

from kiosk.bootstrap import prepare_kivy

prepare_kivy(headless=not os.environ.get("DISPLAY"))

from db.engine import make_engine, session_factory  # noqa: E402 - Kivy must be prepared first
from db.migrate import upgrade_to_head  # noqa: E402
from db.models import Event, Outbox  # noqa: E402
from db.seed import DemoCredentials, seed_demo  # noqa: E402

TODAY = date(2026, 11, 25)
MORNING = datetime(2026, 11, 25, 8, 35, tzinfo=UTC)
# Screenshots for the README land in docs/ only when asked (scripts/screenshots); an ordinary
# test run writes them to a scratch folder and leaves the checkout as it found it.
DOCS = Path(
    os.environ.get("HANDOVER_SCREENSHOTS") or Path(tempfile.gettempdir()) / "handover-shots"
)


@dataclass
class FakeClock:
    now: datetime = MORNING

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Kiosk:
    """The running app and ways to use it as a person would."""

    app: Any
    clock: FakeClock
    credentials: DemoCredentials
    ids: dict[str, int] = field(default_factory=dict)
    taps: int = 0  # every touch a person made, for counting what a flow costs

    def pump(self, until: Callable[[], bool] | None = None, timeout: float = 8.0) -> None:
        from kivy.base import EventLoop

        deadline = time.monotonic() + timeout
        while True:
            EventLoop.idle()
            if until is None or until():
                if until is None:
                    for _ in range(3):
                        EventLoop.idle()
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out on {self.app.screens.current!r}")
            time.sleep(0.01)

    def settle(self) -> None:
        """Wait for the door thread to finish, then for its results to reach the screen."""
        self.app.service.run(lambda: None).result(timeout=10)
        self.pump()

    @property
    def screen(self) -> str:
        return str(self.app.screens.current)

    def texts(self) -> list[str]:
        from kiosk.ui.widgets import Text

        return [
            w.plain
            for w in self.app.root.walk()
            if isinstance(w, Text)
            if w.get_root_window() is not None and w.opacity > 0
        ]

    def find(self, text: str) -> Any:
        from kivy.uix.behaviors import ButtonBehavior

        from kiosk.ui.widgets import Text

        for widget in self.app.screens.current_screen.walk():
            if isinstance(widget, Text) and widget.plain == text:
                target = widget
                for _ in range(10):
                    if target is None or isinstance(target, ButtonBehavior):
                        break
                    target = target.parent
                if isinstance(target, ButtonBehavior):
                    return target
        raise AssertionError(f"no button {text!r} on {self.screen}: {self.texts()}")

    def tap(self, text: str | Any) -> None:
        from kivy.tests.common import UnitTestTouch

        widget = self.find(text) if isinstance(text, str) else text
        _scroll_into_view(widget)
        self.pump()
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        self.taps += 1
        self.settle()

    def type_on_keyboard(self, text: str) -> None:
        for char in text.upper():
            self.tap(" ".join("␣") if char == " " else char)

    def card(self, holder: str, *, revoked: bool = False) -> str:
        return next(
            c.payload for c in self.credentials.cards if c.holder == holder and c.revoked == revoked
        )

    def scan(self, payload: str) -> None:
        """What a USB 2D scanner does: type the payload quickly, then Enter."""
        from kivy.core.window import Window

        Window.dispatch("on_textinput", payload)
        Window.dispatch("on_key_down", 13, 40, "\r", [])
        self.settle()
        self.pump()

    def screenshot(self, name: str) -> Path:
        from kivy.core.window import Window

        self.pump()
        DOCS.mkdir(exist_ok=True)
        made = Window.screenshot(name=str(DOCS / f"{name}.png"))
        target = DOCS / f"{name}.png"
        shutil.move(made, target)
        return target


def _scroll_into_view(widget: Any) -> None:
    from kivy.uix.scrollview import ScrollView

    parent = widget.parent
    for _ in range(50):  # the window is its own parent: never walk up forever
        if parent is None or isinstance(parent, ScrollView):
            break
        parent = parent.parent
    if isinstance(parent, ScrollView):
        parent.scroll_to(widget, padding=10, animate=False)


@pytest.fixture(scope="session")
def kiosk_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kiosk]:
    from sqlalchemy import select

    from db.models import Adult, Child, Staff
    from kiosk.bootstrap import build_app

    database = str(tmp_path_factory.mktemp("kiosk") / "kiosk.db")
    engine = make_engine(database)
    upgrade_to_head(engine)
    with session_factory(engine)() as session:
        credentials = seed_demo(session, today=TODAY, now=MORNING - timedelta(hours=1))
        session.commit()
        ids = {f"{a.first_name} {a.last_name}": a.id for a in session.scalars(select(Adult))}
        ids |= {f"{c.first_name} {c.last_name}": c.id for c in session.scalars(select(Child))}
        ids |= {f"{s.first_name} {s.last_name}": s.id for s in session.scalars(select(Staff))}
    engine.dispose()
    clock = FakeClock()
    app = build_app(db=database, camera="none", clock=clock)
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    app._run_prepare()
    kiosk = Kiosk(app=app, clock=clock, credentials=credentials, ids=ids)
    kiosk.pump()
    yield kiosk
    app.stop()


@pytest.fixture
def kiosk(kiosk_session: Kiosk) -> Kiosk:
    """A fresh morning: no events, the home screen, English."""
    service = kiosk_session.app.service

    def reset() -> None:

        with service.store.sessions.begin() as session:
            session.execute(delete(Event))
            session.execute(delete(Outbox))
        service.reload_day()

    kiosk_session.clock.now = MORNING
    service.run(reset).result(timeout=10)
    kiosk_session.app.banner.refresh()
    kiosk_session.app.translator.choose("en")
    kiosk_session.app.flows.intent = None
    kiosk_session.taps = 0
    kiosk_session.app.last_touch = time.monotonic()
    kiosk_session.app.home()
    kiosk_session.pump()
    return kiosk_session

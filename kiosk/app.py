"""The kiosk app, a small navigator: which screen is showing, with which snapshot of the door.

Where a tap or a card leads is :class:`kiosk.ui.flows.Flows`; what the door decides runs on the
service's door thread, and results come back here with ``mainthread``. The devices and the
sync loop are made in kiosk/bootstrap.py and handed in. The UI thread never waits on bcrypt or
the database.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from kivy.app import App
from kivy.clock import Clock, mainthread
from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from db.clock import local_day
from db.vocabulary import Severity
from kiosk.devices.keyboard_scanner import KeyboardScanner
from kiosk.devices.scanning import CameraScanner
from kiosk.devices.sound import Chime, SilentChime
from kiosk.door import StaffInfo
from kiosk.i18n import Translator
from kiosk.service import ALERT, CANNOT_SAVE, CHANGED, KioskService
from kiosk.snapshot import DoorSnapshot
from kiosk.store.disk import CannotSave
from kiosk.sync.loop import SyncLoop
from kiosk.ui.arrival import ArrivalBoardScreen, ArrivalConfirmScreen, ChooseAdultScreen
from kiosk.ui.banner import AlertBanner
from kiosk.ui.collection import CollectionBoardScreen, DropOrCollectScreen, GoingHomeScreen
from kiosk.ui.entry import EntryScreen
from kiosk.ui.flows import Flows
from kiosk.ui.handover import HandoverScreen
from kiosk.ui.home import HomeScreen
from kiosk.ui.message import CannotSaveScreen, DoneScreen, WaitScreen
from kiosk.ui.staff import StaffModeScreen
from kiosk.ui.staff_pin import StaffPinScreen
from kiosk.watchdog import Watchdog, watchdog_interval

# Makes the camera's scanner, given what the app does with a card and with a lost camera.
CameraMaker = Callable[..., CameraScanner]

SCREENS = {
    "home": HomeScreen,
    "arrival": ArrivalBoardScreen,
    "arrival_confirm": ArrivalConfirmScreen,
    "choose_adult": ChooseAdultScreen,
    "collection": CollectionBoardScreen,
    "going_home": GoingHomeScreen,
    "drop_or_collect": DropOrCollectScreen,
    "entry": EntryScreen,
    "wait": WaitScreen,
    "done": DoneScreen,
    "cannot_save": CannotSaveScreen,
    "staff_pin": StaffPinScreen,
    "handover": HandoverScreen,
    "staff": StaffModeScreen,
}


class KioskApp(App):
    title = "Handover"

    def __init__(
        self,
        service: KioskService,
        translator: Translator,
        *,
        camera: CameraMaker | None = None,
        chime: Chime | None = None,
        keyboard: KeyboardScanner | None = None,
        sync_loop: SyncLoop | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.service = service
        self.translator = translator
        self.flows = Flows(self, service, translator)
        self.camera = (
            camera(on_payload=self.camera_payload, on_unavailable=self.camera_unavailable)
            if camera is not None
            else None
        )
        self.camera_ready = self.camera is not None
        self.chime = chime or SilentChime()
        self.keyboard = keyboard or KeyboardScanner()
        self.last_touch = time.monotonic()
        self.notice = ""
        self.sync_loop = sync_loop  # None: this door works alone

    def build(self) -> Any:
        Window.clearcolor = (0.97, 0.96, 0.93, 1)
        Window.set_title("Handover")  # what window managers, xdotool and people see
        # The banner sits above the screens, never over them: it must not hide a button.
        root = BoxLayout(orientation="vertical")
        self.banner = AlertBanner(self)
        root.add_widget(self.banner)
        self.screens = ScreenManager(transition=NoTransition())
        for name, screen in SCREENS.items():
            self.screens.add_widget(screen(self, name=name))
        root.add_widget(self.screens)
        # However many changes land at once (a sync pull, a write), one redraw on the next frame,
        # from the latest snapshot. A trigger may be pulled from the door thread.
        self.redraw = Clock.create_trigger(lambda _dt: self._redraw())
        self.service.subscribe(CHANGED, self.redraw)
        self.service.subscribe(ALERT, self._alerted)
        self.service.subscribe(CANNOT_SAVE, self._cannot_save)
        self.translator.on_change(self._language_changed)
        Window.bind(on_touch_down=self._touched, on_textinput=self._typed, on_key_down=self._key)
        Clock.schedule_interval(lambda _dt: self._idle_check(), 1)
        Clock.schedule_interval(lambda _dt: self.service.run(self.service.tick), 5)
        if self.camera is not None:
            self.camera.start()
        self._start_watchdog()
        self.go("home")
        return root

    def _start_watchdog(self) -> None:
        """Under systemd (deploy/raspberry-pi): READY once drawn, then pings from this clock."""
        if not os.environ.get("NOTIFY_SOCKET"):
            return
        self.watchdog = Watchdog(self.service.run)
        Clock.schedule_once(lambda _dt: self.watchdog.tick(), 0)
        Clock.schedule_interval(lambda _dt: self.watchdog.tick(), watchdog_interval() or 10.0)

    def on_stop(self) -> None:
        if self.camera is not None:
            self.camera.stop()
        if self.sync_loop is not None:  # before the door thread goes: it writes through it
            self.sync_loop.stop()
        self.service.shutdown()

    # --- navigation and plumbing ------------------------------------------------------------

    def go(self, name: str, **context: Any) -> None:
        screen = self.screens.get_screen(name)
        self.screens.current = name
        screen.show(**context)

    def home(self, notice: str = "") -> None:
        self.notice = notice  # said once on the home screen, e.g. "That is not a Handover card."
        self.go("home")

    @property
    def snapshot(self) -> DoorSnapshot:
        """The latest picture of the door's day; never the door's live objects (see
        kiosk/snapshot.py). Read it once per decision, so both halves come from one moment."""
        return self.service.snapshot

    def scanned(self, payload: str) -> None:
        # A card shown is a person at the door: the idle timer starts again from now.
        self.last_touch = time.monotonic()
        self.flows.scanned(payload)

    def call(
        self,
        work: Callable[[], Any],
        then: Callable[[Any], None] | None = None,
        failed: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run on the door thread; ``then``/``failed`` come back on the UI thread. A write the
        disk refused goes to the "cannot save" screen whatever the flow: it must never look
        like an ordinary refusal or wait."""
        otherwise = failed or self._failed

        def went_wrong(error: Exception) -> None:
            if isinstance(error, CannotSave):
                self.go("cannot_save")
            else:
                otherwise(error)

        self.service.run(work, mainthread(then) if then else None, mainthread(went_wrong))

    def _failed(self, error: Exception) -> None:
        self.go("wait")

    def photo(self, key: tuple[str, int] | None) -> bytes | None:
        return self.service.photos.get(key) if key else None

    def local_time(self) -> str:
        return self.service.clock().astimezone(self.service.setting.zone).strftime("%H:%M")

    def today(self) -> date:
        return local_day(self.service.clock(), self.service.setting.zone)

    def preview_frame(self) -> Any:
        return self.camera.latest_frame() if self.camera is not None else None

    def choose_language(self, code: str) -> None:
        self.translator.choose(code)

    # --- what happens around the screens ----------------------------------------------------

    def _redraw(self) -> None:
        self.banner.refresh()
        current = self.screens.current_screen
        if isinstance(current, StaffModeScreen):
            current.refresh()

    @mainthread
    def _alerted(self) -> None:
        alerts = self.snapshot.timeline.open_alerts()
        critical = any(a.severity == Severity.CRITICAL for a in alerts)
        self.chime.play("critical" if critical else "alert")

    @mainthread
    def _cannot_save(self) -> None:
        self.banner.refresh()
        self.chime.play("critical")

    def _language_changed(self) -> None:
        self.go(self.screens.current, **self.screens.current_screen.context)

    def _touched(self, *_: Any) -> None:
        self.last_touch = time.monotonic()

    def _idle_check(self) -> None:
        screen = self.screens.current_screen
        idle = time.monotonic() - self.last_touch
        if screen.name != "home" and screen.idle_home and idle > self.service.setting.idle_seconds:
            self.home()

    def _typed(self, _window: Any, text: str) -> None:
        payload = self.keyboard.feed_text(text)
        if payload:
            self.scanned(payload)

    def _key(self, _window: Any, key: int, *_: Any) -> bool:
        if key in (13, 271):  # Enter, keypad Enter: the end of a USB scanner's burst
            payload = self.keyboard.feed_enter()
            if payload:
                self.scanned(payload)
                return True
        return False

    @mainthread
    def camera_unavailable(self) -> None:
        self.camera_ready = False
        if self.screens.current == "home":
            self.home()

    @mainthread
    def camera_payload(self, payload: str) -> None:
        self.scanned(payload)


__all__ = ["KioskApp", "StaffInfo"]

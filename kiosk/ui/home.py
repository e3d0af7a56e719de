"""Home: the nursery's name and the time, Arriving or Collecting, languages, and live scanning."""

from __future__ import annotations

from functools import partial
from typing import Any

from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from kiosk import staff_views
from kiosk.ui import theme
from kiosk.ui.arrival import arriving
from kiosk.ui.base import KioskScreen
from kiosk.ui.theme import u
from kiosk.ui.widgets import BigButton, Text


class HomeScreen(KioskScreen):
    family_data = False

    def build(self) -> Any:
        app = self.app
        column = BoxLayout(orientation="vertical", padding=u(14), spacing=u(12))
        top = BoxLayout(size_hint_y=None, height=theme.touch())
        self.clock_label = Text(app.local_time(), size=30, bold=True, size_hint_x=0.25)
        top.add_widget(Text(app.service.setting.name, size=30, bold=True))
        top.add_widget(self.clock_label)
        column.add_widget(top)
        choices = BoxLayout(spacing=u(16))
        choices.add_widget(arriving(self))  # one button, or the rooms of a large setting
        choices.add_widget(
            BigButton(
                self._("Collecting"),
                app.flows.start_collection,
                colour=theme.COLLECT,
                size=46,
                rtl=self.rtl,
            )
        )
        column.add_widget(choices)
        column.add_widget(self._scan_row())
        column.add_widget(self._language_row())
        office = staff_views.sync_lines(
            app.service.sync_status, now=app.service.clock(), zone=app.service.setting.zone
        )
        if office["home"]:  # for staff passing by; a parent can ignore it
            message, params = office["lines"][0]
            column.add_widget(
                Text(
                    self._(message).format(**params),
                    size=18,
                    color=theme.WARNING,
                    size_hint_y=None,
                    height=u(28),
                    rtl=self.rtl,
                )
            )
        Clock.schedule_once(lambda _dt: self._tick(), 0)
        return column

    def _scan_row(self) -> Any:
        row = BoxLayout(size_hint_y=None, height=u(96), spacing=u(12))
        self.preview = Image(size_hint_x=None, width=u(128), fit_mode="contain", color=(1, 1, 1, 0))
        if self.app.camera_ready:
            row.add_widget(self.preview)
        if self.app.notice:
            notice, self.app.notice = self.app.notice, ""
            row.add_widget(Text(notice, size=24, bold=True, color=theme.WARNING, rtl=self.rtl))
            return row
        hint = self._("Have a card? Hold it up to the camera.")
        if not self.app.camera_ready:
            hint = self._("Have a card? Use the scanner.")
        row.add_widget(Text(hint, size=24, color=theme.MUTED, rtl=self.rtl))
        return row

    def _language_row(self) -> Any:
        row = BoxLayout(size_hint_y=None, height=theme.touch(), spacing=u(10))
        for language in self.app.translator.offered:
            chosen = language.code == self.app.translator.language.code
            button = BigButton(
                language.name,
                partial(self.app.choose_language, language.code),
                colour=theme.SELECTED if chosen else theme.SURFACE,
                size=26,
            )
            button.language_code = language.code
            row.add_widget(button)
        staff = BigButton(
            self._("Staff"), self.app.flows.start_staff_mode, colour=theme.STAFF, size=22
        )
        row.add_widget(AnchorLayout(size_hint_x=0.4))
        row.add_widget(staff)  # as wide as a language button: "Personel" fits on one line
        return row

    def _tick(self) -> None:
        self.clock_label.set(self.app.local_time())
        frame = self.app.preview_frame()
        if frame is None:
            return
        height, width = frame.shape[:2]
        colours = "bgr" if frame.ndim == 3 else "luminance"
        texture = Texture.create(size=(width, height), colorfmt=colours)
        texture.blit_buffer(frame[::-1].tobytes(), colorfmt=colours, bufferfmt="ubyte")
        self.preview.texture = texture
        self.preview.color = (1, 1, 1, 1)

    def on_enter(self, *_: Any) -> None:
        self._ticker = Clock.schedule_interval(lambda _dt: self._tick(), 0.1)

    def on_leave(self, *_: Any) -> None:
        ticker = getattr(self, "_ticker", None)
        if ticker is not None:
            ticker.cancel()

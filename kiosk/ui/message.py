"""Calm full-screen messages: "please wait for a member of staff", and "all done"."""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui import theme
from kiosk.ui.base import KioskScreen
from kiosk.ui.theme import u
from kiosk.ui.widgets import BigButton, Text


class WaitScreen(KioskScreen):
    """Shown whenever anything is not right, and while a handover waits for staff. It shows no
    names, so it may stay while the adult waits; only staff move it on."""

    idle_home = False
    family_data = False

    def build(self) -> Any:
        column = BoxLayout(orientation="vertical", padding=u(30), spacing=u(20))
        column.add_widget(Text(self._("Please wait here."), size=52, bold=True, rtl=self.rtl))
        column.add_widget(
            Text(
                self._("A member of staff is coming to help you."),
                size=34,
                color=theme.MUTED,
                rtl=self.rtl,
            )
        )
        row = BoxLayout(size_hint_y=None, height=theme.touch() * 1.2, spacing=u(16))
        request = self.context.get("request_uuid")
        if request:
            row.add_widget(
                BigButton(
                    self._("Staff: confirm the handover"),
                    lambda: self.app.flows.open_handover(request),
                    colour=theme.STAFF,
                    size=28,
                    rtl=self.rtl,
                )
            )
        else:
            row.add_widget(staff_mode_button(self))
        column.add_widget(row)
        return column


def staff_mode_button(screen: KioskScreen) -> BigButton:
    """For staff on a public screen that needs them: staff mode, behind a PIN."""
    return BigButton(
        screen._("Staff: open staff mode"),
        screen.app.flows.start_staff_mode,
        colour=theme.STAFF,
        size=28,
        rtl=screen.rtl,
    )


class CannotSaveScreen(KioskScreen):
    """The door could not record what was just done (a full or failing disk). It says so
    plainly, never "please wait" as if all were well: nothing was signed in or out."""

    family_data = False

    def build(self) -> Any:
        column = BoxLayout(orientation="vertical", padding=u(30), spacing=u(20))
        column.add_widget(
            Text(
                self._("This door cannot save."),
                size=52,
                bold=True,
                color=theme.CRITICAL,
                rtl=self.rtl,
            )
        )
        column.add_widget(
            Text(self._("Please tell a member of staff."), size=38, bold=True, rtl=self.rtl)
        )
        column.add_widget(
            Text(
                self._("Nothing was signed in or out just now."),
                size=28,
                color=theme.MUTED,
                rtl=self.rtl,
            )
        )
        row = BoxLayout(size_hint_y=None, height=theme.touch() * 1.2, spacing=u(16))
        row.add_widget(staff_mode_button(self))
        column.add_widget(row)
        return column


class DoneScreen(KioskScreen):
    """The happy ending, with the key person named (R10). Goes home by itself."""

    def build(self) -> Any:
        column = BoxLayout(orientation="vertical", padding=u(30), spacing=u(18))
        column.add_widget(Text("✓", size=90, bold=True, color=theme.ARRIVE))
        for line in self.context["lines"]:
            column.add_widget(Text(line, size=38, bold=True, rtl=self.rtl))
        column.add_widget(
            BigButton(
                self._("OK"),
                self.app.home,
                colour=theme.ARRIVE,
                size=34,
                size_hint_y=None,
                height=theme.touch() * 1.2,
            )
        )
        return column

"""The door that cannot open: a clear screen with the reason, instead of an exit that systemd
would restart every 3 s for ever, leaving a blank door (issue 11, point 5).

A small app of its own: the kiosk's service never started (its database could not be opened
or replaced), so there is nothing else to show. It still tells systemd it is alive, so the
watchdog does not restart it; "Try again" ends it on purpose, and systemd starts the kiosk
afresh, which checks and recovers the database again.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import Translator
from kiosk.ui import theme
from kiosk.ui.theme import u
from kiosk.ui.widgets import BigButton, Text
from kiosk.watchdog import Watchdog, watchdog_interval

TRY_AGAIN = 75  # the exit status of "Try again" (EX_TEMPFAIL): systemd starts the kiosk again


def _answered(work: Any) -> Future[None]:
    done: Future[None] = Future()
    done.set_result(work())
    return done


class OutOfServiceApp(App):
    title = "Handover"

    def __init__(self, reason: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reason = reason
        self.translator = Translator()
        self.exit_status = 0

    def build(self) -> Any:
        _ = self.translator.gettext
        Window.clearcolor = theme.BACKGROUND
        Window.set_title("Handover")
        column = BoxLayout(orientation="vertical", padding=u(30), spacing=u(14))
        column.add_widget(
            Text(_("This door is out of service."), size=48, bold=True, color=theme.CRITICAL)
        )
        column.add_widget(
            Text(_("Please use another door or ask a member of staff."), size=32, bold=True)
        )
        column.add_widget(Text(_("For staff:") + " " + self.reason, size=18, color=theme.MUTED))
        column.add_widget(
            BigButton(
                _("Staff: try again"),
                self.try_again,
                colour=theme.STAFF,
                size=26,
                size_hint_y=None,
                height=theme.touch(),
            )
        )
        self.watchdog = Watchdog(_answered)  # no door thread here: the screen alone answers
        Clock.schedule_once(lambda _dt: self.watchdog.tick(), 0)
        Clock.schedule_interval(lambda _dt: self.watchdog.tick(), watchdog_interval() or 10.0)
        return column

    def try_again(self) -> None:
        self.exit_status = TRY_AGAIN
        self.stop()

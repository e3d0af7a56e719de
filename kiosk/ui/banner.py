"""The alert banner over every screen: everyone sees that staff are needed; only staff, in
staff mode, see who and why (a restricted-person alert shows no names in public)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk import staff_views
from kiosk.ui import theme
from kiosk.ui.theme import u
from kiosk.ui.widgets import Card, Text

if TYPE_CHECKING:
    from kiosk.app import KioskApp


class AlertBanner(Card):
    def __init__(self, app: KioskApp, **kwargs: Any) -> None:
        super().__init__(size_hint=(1, None), height=0, padding=u(8), **kwargs)
        self.app = app
        self.label = Text("", size=24, bold=True, color=(1, 1, 1, 1))
        self.add_widget(self.label)
        self.bind(on_release=lambda *_: app.flows.start_staff_mode())
        self.refresh()

    def refresh(self) -> None:
        if self.app.service.save_fault is not None:
            self._cannot_save()
            return
        banner = staff_views.public_alert_banner(self.app.snapshot.timeline)
        self.opacity = 0 if banner is None else 1
        self.disabled = banner is None
        self.height = 0 if banner is None else u(56)
        if banner is None:
            return
        self.background = list(theme.CRITICAL if banner["critical"] else theme.WARNING)
        text = self.app.translator.gettext("A member of staff is needed at the door.")
        self.label.set(f"⚠  {text}")

    def _cannot_save(self) -> None:
        """Above any alert: while the door cannot save, every arrival and collection fails."""
        self.opacity, self.disabled, self.height = 1, False, u(56)
        self.background = list(theme.CRITICAL)
        _ = self.app.translator.gettext
        self.label.set(f"⚠  {_('This door cannot save.')} {_('Please tell a member of staff.')}")

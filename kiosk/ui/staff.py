"""Staff mode: on site by room, alerts, waiting handovers, fire roll call, staff and visitors."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.scrollview import ScrollView

from kiosk import door_health, staff_views
from kiosk.ui import staff_people, theme
from kiosk.ui.base import KioskScreen
from kiosk.ui.theme import u
from kiosk.ui.widgets import BigButton, Card, Text

# Each tab fills the screen's rows: what needs acting on is drawn here, the people on site in
# kiosk/ui/staff_people.py.
TABS: dict[str, Callable[[StaffModeScreen, GridLayout], None]] = {
    "On site": staff_people.on_site,
    "Alerts": lambda screen, rows: screen.alerts(rows),
    "Pick-ups": lambda screen, rows: screen.handovers(rows),
    "Roll call": staff_people.roll_call,
    "Staff": staff_people.members_of_staff,
    "Visitors": staff_people.visitors_on_site,
}


class StaffModeScreen(KioskScreen):
    def build(self) -> Any:
        self.staff = self.context["staff"]
        tab = self.context.setdefault("tab", "On site")
        column = BoxLayout(orientation="vertical", padding=u(8), spacing=u(8))
        bar = BoxLayout(size_hint_y=None, height=theme.touch(), spacing=u(6))
        for name in TABS:
            label = self._(name)
            if name == "Alerts":
                label += f" ({len(self.seen.timeline.open_alerts())})"
            bar.add_widget(
                BigButton(
                    label,
                    partial(self.switch, name),
                    size=16,
                    colour=theme.SELECTED if name == tab else theme.SURFACE,
                )
            )
        bar.add_widget(
            BigButton(self._("Exit"), self.app.home, colour=theme.STAFF, size=20, size_hint_x=0.7)
        )
        column.add_widget(bar)
        rows = GridLayout(cols=1, spacing=u(6), size_hint_y=None)
        rows.bind(minimum_height=rows.setter("height"))
        TABS[tab](self, rows)
        scroll = ScrollView(do_scroll_x=False)
        scroll.add_widget(rows)
        column.add_widget(scroll)
        column.add_widget(self._office())
        return column

    def _office(self) -> Any:
        """A line at the foot of every tab: is this door in touch with the office, and can it
        save? A disk in trouble comes first: while it lasts nothing is recorded."""
        service = self.app.service
        zone = service.setting.zone
        said = staff_views.sync_lines(service.sync_status, now=service.clock(), zone=zone)
        disk = door_health.disk_lines(
            service.save_fault,
            service.free_bytes,
            low_space_mb=service.setting.low_space_mb,
            zone=zone,
        )
        lines = disk + said["lines"]
        text = "  ".join(self._(message).format(**params) for message, params in lines)
        colour = theme.CRITICAL if disk else theme.WARNING if said["warning"] else theme.MUTED
        height = u(40) if not disk else u(64)
        line = Text(text, size=16, color=colour, size_hint_y=None, height=height, rtl=self.rtl)
        line.sync_warning = said["warning"]
        line.disk_warning = bool(disk)
        return line

    def switch(self, tab: str) -> None:
        self.show(**dict(self.context, tab=tab))

    def refresh(self) -> None:
        if self.manager is not None and self.manager.current == self.name and self.context:
            self.show(**self.context)

    def row(
        self,
        text: str,
        *buttons: tuple[str, Any, tuple[float, ...]],
        colour: tuple[float, ...] = theme.SURFACE,
    ) -> Card:
        row = Card(size_hint_y=None, height=theme.touch() * 1.1, padding=u(8), spacing=u(8))
        row.background = list(colour)
        row.add_widget(Text(text, size=20, halign="left"))
        for label, action, button_colour in buttons:
            row.add_widget(
                BigButton(self._(label), action, colour=button_colour, size=18, size_hint_x=0.45)
            )
        return row

    # --- tabs -------------------------------------------------------------------------------

    def alerts(self, rows: GridLayout) -> None:
        app = self.app
        self._recovery(rows)
        alerts = staff_views.alert_rows(
            self.seen.book, self.seen.timeline, app.service.setting.zone
        )
        if not alerts:
            rows.add_widget(
                Text(self._("No open alerts."), size=24, size_hint_y=None, height=theme.touch())
            )
        for alert in alerts:
            colour = theme.CRITICAL if alert["severity"] == "critical" else theme.WARNING
            text = f"{alert['time']}  {self._(alert['text'])}\n{alert['child']}  {alert['who']}"
            buttons: list[tuple[str, Any, tuple[float, ...]]] = []
            if not alert["acknowledged"]:
                buttons.append(
                    (
                        "Acknowledge",
                        partial(app.flows.acknowledge_alert, alert["uuid"], self.staff),
                        theme.SURFACE,
                    )
                )
            buttons.append(
                (
                    "Resolve",
                    partial(app.flows.resolve_alert, alert["uuid"], self.staff),
                    theme.ARRIVE,
                )
            )
            if alert["locked_child_id"] is not None:
                child = alert["locked_child_id"]
                buttons.append(
                    ("Unlock", partial(app.flows.clear_lockout, child, self.staff), theme.SURFACE)
                )
            row = self.row(text, *buttons, colour=colour)
            row.children[-1].color = (1, 1, 1, 1)
            rows.add_widget(row)

    def _recovery(self, rows: GridLayout) -> None:
        """First on the Alerts tab, while this run lasts: the damaged database start-up
        replaced, and what may be missing because of it."""
        service = self.app.service
        names = {c.id: c.full_name for c in self.seen.book.children.values()}
        said = door_health.recovery_lines(service.recovery, names, zone=service.setting.zone)
        for number, (message, params) in enumerate(said):
            text = self._(message).format(**params)
            line = Text(text, size=18, bold=number == 0, halign="left", rtl=self.rtl)
            line.size_hint_y, line.height = None, u(60) if number == 0 else u(34)
            line.color = theme.CRITICAL if number == 0 else theme.MUTED
            rows.add_widget(line)

    def handovers(self, rows: GridLayout) -> None:
        app = self.app
        pending = list(self.seen.timeline.pending_collections.values())
        if not pending:
            rows.add_widget(
                Text(
                    self._("No handovers waiting."), size=24, size_hint_y=None, height=theme.touch()
                )
            )
        for request in pending:
            child = self.seen.book.children.get(request.child_id or -1)
            name = child.full_name if child else ""
            text = f"{name} ← {request.payload.get('collector_name', '')}"
            rows.add_widget(
                self.row(
                    text,
                    (
                        "Confirm",
                        partial(app.flows.open_handover, request.uuid, staff=self.staff),
                        theme.ARRIVE,
                    ),
                )
            )

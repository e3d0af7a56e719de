"""Collection (R3): choose the child who is going home, or, with a card, which of the adult's
children go together; and "dropping off or collecting?" when the door cannot tell."""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout

from kiosk import views
from kiosk.ui import theme
from kiosk.ui.arrival import ArrivalConfirmScreen
from kiosk.ui.base import KioskScreen
from kiosk.ui.theme import u
from kiosk.ui.widgets import BigButton, Text


class CollectionBoardScreen(KioskScreen):
    def build(self) -> Any:
        app = self.app
        column, body = self.page(self._("Who is going home?"))
        privacy_mode = app.service.setting.privacy_mode.value
        tiles = views.child_tiles(
            self.seen.book, self.seen.timeline, privacy_mode=privacy_mode, on_site=True
        )
        if tiles:
            body.add_widget(
                self.tile_grid(tiles, lambda t: app.flows.collection_child_chosen(t["id"]))
            )
            return column
        # Never an empty page that only asks for a card: say why, and offer staff.
        if privacy_mode != "card_first":
            body.add_widget(
                Text(self._("No child is signed in at this door yet."), size=32, rtl=self.rtl)
            )
        body.add_widget(
            Text(
                self._("Show your card, or ask a member of staff."),
                size=28,
                color=theme.MUTED,
                rtl=self.rtl,
            )
        )
        body.add_widget(
            BigButton(
                self._("Ask a member of staff"),
                lambda: app.flows.ask_for_staff("the collection board was empty at this door"),
                colour=theme.STAFF,
                size=30,
                size_hint_y=None,
                height=theme.touch() * 1.2,
                rtl=self.rtl,
            )
        )
        return column


class GoingHomeScreen(ArrivalConfirmScreen):
    """Brothers and sisters going home with one adult: one tap for all, one wait for staff."""

    title = "Who is going home?"
    action = "Going home"
    colour = theme.COLLECT

    def done(self, chosen: list[int]) -> None:
        self.app.flows.go_home_together(chosen, self.context["collector"])


class DropOrCollectScreen(KioskScreen):
    """Asked when a card is shown at the home screen of a door out of touch with the office:
    the children may have been signed in at another door, so only the adult can say."""

    def build(self) -> Any:
        app = self.app
        holder = self.context["holder"]
        column, body = self.page(self._("Dropping off or collecting?"))
        row = BoxLayout(spacing=u(16))
        row.add_widget(
            BigButton(
                self._("Dropping off"),
                lambda: app.flows.card_for_arrival(holder),
                colour=theme.ARRIVE,
                size=42,
                rtl=self.rtl,
            )
        )
        row.add_widget(
            BigButton(
                self._("Collecting"),
                lambda: app.flows.card_for_collection(holder),
                colour=theme.COLLECT,
                size=42,
                rtl=self.rtl,
            )
        )
        body.add_widget(row)
        return column

"""Arrival (R1): the self-registration board, then who brought them, then who else is coming in."""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout

from kiosk import views
from kiosk.ui import theme
from kiosk.ui.base import KioskScreen
from kiosk.ui.theme import u
from kiosk.ui.widgets import BigButton, Text


class ArrivalBoardScreen(KioskScreen):
    """Each child finds their own tile. In card-first mode the board asks for the card."""

    def build(self) -> Any:
        app = self.app
        column, body = self.page(self._("Who is arriving? Find your picture."))
        tiles = views.child_tiles(
            app.door.book,
            app.door.timeline,
            privacy_mode=app.service.setting.privacy_mode.value,
            on_site=False,
        )
        if not tiles:
            message = self._("Please show your card to the camera.")
            if app.service.setting.privacy_mode.value != "card_first":
                message = self._("Everyone is already here.")
            body.add_widget(Text(message, size=32, rtl=self.rtl))
            return column
        body.add_widget(self.tile_grid(tiles, lambda t: app.arrival_child_chosen(t["id"])))
        return column


class ArrivalConfirmScreen(KioskScreen):
    """Who is coming in with this carer: the chosen child, and brothers or sisters with a tap."""

    title = "Who is coming in today?"
    action = "Sign in"
    colour = theme.ARRIVE

    def build(self) -> Any:
        chosen: set[int] = self.context["chosen"]
        column, body = self.page(self._(self.title))
        tiles = [dict(t, selected=t["id"] in chosen) for t in self.context["tiles"]]

        def toggle(tile: dict[str, Any]) -> None:
            chosen.symmetric_difference_update({tile["id"]})
            self.show(**self.context)

        body.add_widget(self.tile_grid(tiles, toggle, columns=4))
        row = BoxLayout(size_hint_y=None, height=theme.touch() * 1.2, spacing=u(12))
        label = self._(self.action) + f" ({len(chosen)})"
        row.add_widget(
            BigButton(
                label,
                lambda: self.done(sorted(chosen)) if chosen else None,
                colour=self.colour,
                size=34,
                rtl=self.rtl,
            )
        )
        body.add_widget(row)
        return column

    def done(self, chosen: list[int]) -> None:
        self.app.arrive(chosen, **self.context["who"])


class ChooseAdultScreen(KioskScreen):
    """Who brought the child (arrival) or who is collecting (collection): photos of the adults
    who may, and "Someone else"."""

    def build(self) -> Any:
        app = self.app
        purpose = self.context["purpose"]
        child_id = self.context["child_id"]
        child = app.door.book.children[child_id]
        title = (
            self._("Who brought {name}?")
            if purpose == "arrival"
            else self._("Who is collecting {name}?")
        )
        column, body = self.page(title.format(name=child.first_name))
        tiles = views.adults_for_child(app.door.book, child_id, app.today())
        someone = BigButton(
            self._("Someone else"),
            lambda: app.someone_else(purpose, child_id),
            colour=theme.SURFACE,
            size=26,
            rtl=self.rtl,
        )
        body.add_widget(
            self.tile_grid(
                tiles,
                lambda t: app.adult_chosen(purpose, child_id, t["id"]),
                columns=4,
                extra=[someone],
            )
        )
        return column

"""Arrival (R1): the self-registration board, then who brought them, then who else is coming in."""

from __future__ import annotations

from functools import partial
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk import views
from kiosk.ui import theme
from kiosk.ui.base import KioskScreen
from kiosk.ui.theme import u
from kiosk.ui.widgets import BigButton, Card, RoomButton, Text

# Boards that show every child at once, largest tiles first: (columns, rows). Past the last,
# a face is too small for a three-year-old to find, and the children choose their room first.
SHAPES = ((5, 2), (6, 3), (7, 3), (7, 4))
ONE_SCREEN = max(columns * rows for columns, rows in SHAPES)
BOARD_HEIGHT = 480 - 2 * 12 - 64 - 10 - 2  # units: the window less the page's margins, title
# and two units so that rounding never makes a full board scroll


def board_shape(count: int) -> tuple[int, float]:
    """Columns and row height for a board of ``count`` tiles: the largest tiles that show them
    all on one screen; past one screen, the densest, scrolling."""
    columns, rows = next(((c, r) for c, r in SHAPES if count <= c * r), SHAPES[-1])
    return columns, u((BOARD_HEIGHT - 10 * (rows - 1)) / rows)


def waiting_to_arrive(screen: KioskScreen) -> list[dict[str, Any]]:
    return views.child_tiles(
        screen.seen.book,
        screen.seen.timeline,
        privacy_mode=screen.app.service.setting.privacy_mode.value,
        on_site=False,
    )


def rooms_to_choose(app: Any, tiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    service = app.service
    return views.rooms_on_board(tiles, service.rooms, fits=ONE_SCREEN, colours=service.room_colours)


def room_look(screen: KioskScreen, room: dict[str, Any]) -> tuple[str, tuple[float, ...]]:
    """A room's name and colour wherever the door shows it."""
    name = room["label"] or screen._("Everyone else")
    return name, theme.room_colour(room["colour"], room["place"])


def arriving(screen: KioskScreen) -> Any:
    """The home screen's way in: one Arriving button, or, when more children are to come than
    fit on one board, a button for each room (the first of the three taps)."""
    app = screen.app
    rooms = rooms_to_choose(app, waiting_to_arrive(screen))
    if not rooms:
        return BigButton(
            screen._("Arriving"),
            app.flows.start_arrival,
            colour=theme.ARRIVE,
            size=46,
            rtl=screen.rtl,
        )
    panel = Card(orientation="vertical", padding=u(8), spacing=u(8))
    panel.add_widget(
        Text(screen._("Arriving"), size=34, bold=True, color=theme.ARRIVE, size_hint_y=0.3)
    )
    choices = GridLayout(cols=min(len(rooms), 3), spacing=u(8))
    for room in rooms:
        faces = [face for face in map(app.photo, room["faces"]) if face]
        name, colour = room_look(screen, room)
        choices.add_widget(
            RoomButton(name, colour, faces, partial(app.flows.start_arrival, room["id"]))
        )
    panel.add_widget(choices)
    return panel


class ArrivalBoardScreen(KioskScreen):
    """Each child finds their own tile, among their room's when the setting is large. In
    card-first mode the board asks for the card."""

    def build(self) -> Any:
        app = self.app
        column, body = self.page(self._("Who is arriving? Find your picture."))
        tiles = waiting_to_arrive(self)
        if not tiles:
            message = self._("Please show your card to the camera.")
            if app.service.setting.privacy_mode.value != "card_first":
                message = self._("Everyone is already here.")
            body.add_widget(Text(message, size=32, rtl=self.rtl))
            return column
        rooms = rooms_to_choose(app, tiles)
        room = next((r for r in rooms if r["id"] == self.context.get("room_id")), None)
        if room is not None:
            tiles = [t for t in tiles if t["id"] in room["children"]]
            self._room_name(column, room)
        columns, row_height = board_shape(len(tiles))
        board = self.tile_grid(
            tiles,
            lambda t: app.flows.arrival_child_chosen(t["id"]),
            columns=columns,
            row_height=row_height,
        )
        body.add_widget(board)
        return column

    def _room_name(self, column: Any, room: dict[str, Any]) -> None:
        """The chosen room's name in its colour, in the title bar: the child sees it is the
        right room; Back goes to the rooms again."""
        name, colour = room_look(self, room)
        pill = Card(size_hint_x=0.3, padding=(u(8), 0))
        pill.background = list(colour)
        pill.add_widget(Text(name, size=24, bold=True, color=theme.ink_on(colour)))
        title_bar = column.children[-1]  # the first row page() laid out
        title_bar.add_widget(pill)


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
        self.app.flows.arrive(chosen, **self.context["who"])


class ChooseAdultScreen(KioskScreen):
    """Who brought the child (arrival) or who is collecting (collection): photos of the adults
    who may, and "Someone else"."""

    def build(self) -> Any:
        app = self.app
        purpose = self.context["purpose"]
        child_id = self.context["child_id"]
        name = views.first_name(self.seen.book, child_id)  # the office may remove them meanwhile
        title = (
            self._("Who brought {name}?")
            if purpose == "arrival"
            else self._("Who is collecting {name}?")
        )
        column, body = self.page(title.format(name=name))
        tiles = views.adults_for_child(self.seen.book, child_id, app.today())
        someone = BigButton(
            self._("Someone else"),
            lambda: app.flows.someone_else(purpose, child_id),
            colour=theme.SURFACE,
            size=26,
            rtl=self.rtl,
        )
        body.add_widget(
            self.tile_grid(
                tiles,
                lambda t: app.flows.adult_chosen(purpose, child_id, t["id"]),
                columns=4,
                extra=[someone],
            )
        )
        return column

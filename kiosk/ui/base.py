"""What every screen shares: the app, translations, a header, and a content area."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.screenmanager import Screen
from kivy.uix.scrollview import ScrollView

from kiosk.snapshot import DoorSnapshot
from kiosk.ui import theme
from kiosk.ui.theme import u
from kiosk.ui.widgets import BigButton, Text, Tile

if TYPE_CHECKING:
    from kiosk.app import KioskApp


class KioskScreen(Screen):
    """A screen is rebuilt from a context each time it is shown, so nothing from the last
    family lingers. ``idle_home`` says whether the idle timer may send it home."""

    idle_home = True
    family_data = True  # whether the screen shows a family's data (cleared on leaving)
    seen: DoorSnapshot  # what the door looked like when this screen was last drawn

    def __init__(self, app: KioskApp, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app
        self.context: dict[str, Any] = {}
        self.seen = app.snapshot
        with self.canvas.before:
            Color(*theme.BACKGROUND)
            self._bg = Rectangle()
        self.bind(pos=self._fill, size=self._fill)

    def _fill(self, *_: Any) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size

    def _(self, message: str) -> str:
        return self.app.translator.gettext(message)

    @property
    def rtl(self) -> bool:
        return self.app.translator.language.rtl

    def show(self, **context: Any) -> None:
        self.context = context
        # One snapshot for the whole drawing: every part of the screen shows the same moment.
        self.seen = self.app.snapshot
        self.clear_widgets()
        self.add_widget(self.build())

    def on_leave(self, *_: Any) -> None:
        if self.family_data:
            self.clear_widgets()
            self.context = {}

    def build(self) -> Any:
        """Each screen lays itself out from ``self.context``."""
        return BoxLayout()

    # --- helpers shared by screens ----------------------------------------------------------

    def page(self, title: str, *, back: bool = True) -> tuple[BoxLayout, BoxLayout]:
        """A column with a title bar (and a Back button) over an empty body."""
        column = BoxLayout(orientation="vertical", padding=u(12), spacing=u(10))
        bar = BoxLayout(size_hint_y=None, height=theme.touch(), spacing=u(10))
        if back:
            bar.add_widget(
                BigButton(
                    self._("Back"), self.app.home, colour=theme.SURFACE, size=24, size_hint_x=0.22
                )
            )
        bar.add_widget(Text(title, size=30, bold=True, rtl=self.rtl))
        column.add_widget(bar)
        body = BoxLayout(orientation="vertical", spacing=u(10))
        column.add_widget(body)
        return column, body

    def tile_grid(
        self,
        tiles: list[dict[str, Any]],
        on_tap: Any,
        *,
        columns: int = 5,
        extra: list[Any] | None = None,
        row_height: float | None = None,
    ) -> ScrollView:
        grid = GridLayout(
            cols=columns,
            spacing=u(10),
            size_hint_y=None,
            row_default_height=row_height or theme.touch() * 2.1,
            row_force_default=True,
        )
        grid.bind(minimum_height=grid.setter("height"))
        for tile in tiles:
            photo = self.app.photo(tile.get("photo"))
            widget = Tile(
                tile["label"], photo, partial(on_tap, tile), detail=tile.get("detail", "")
            )
            widget.tile = tile
            if tile.get("selected"):
                widget.selected = True
            grid.add_widget(widget)
        for widget in extra or []:
            grid.add_widget(widget)
        scroll = ScrollView(do_scroll_x=False)
        scroll.add_widget(grid)
        return scroll

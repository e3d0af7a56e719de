"""Collection (R3): choose the child who is going home. With a card, only that adult's children."""

from __future__ import annotations

from typing import Any

from kiosk import views
from kiosk.ui.base import KioskScreen
from kiosk.ui.widgets import Text


class CollectionBoardScreen(KioskScreen):
    def build(self) -> Any:
        app = self.app
        column, body = self.page(self._("Who is going home?"))
        only = self.context.get("only")
        tiles = views.child_tiles(
            app.door.book,
            app.door.timeline,
            privacy_mode=app.service.setting.privacy_mode.value,
            on_site=True,
        )
        if only is not None:
            tiles = [t for t in tiles if t["id"] in only]
        if not tiles:
            body.add_widget(
                Text(self._("Please show your card to the camera."), size=32, rtl=self.rtl)
            )
            return column
        body.add_widget(self.tile_grid(tiles, lambda t: app.collection_child_chosen(t["id"])))
        return column

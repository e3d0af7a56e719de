"""A member of staff proves who they are: their photo, then their PIN (or their staff card)."""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from kiosk import views
from kiosk.ui import theme
from kiosk.ui.base import KioskScreen
from kiosk.ui.theme import u
from kiosk.ui.widgets import PinPad, Text, photo_texture


class StaffPinScreen(KioskScreen):
    """``then(staff)`` runs once the PIN is right. Choosing yourself first means one bcrypt
    check, not one per member of staff."""

    family_data = False

    def build(self) -> Any:
        staff_id = self.context.get("staff_id")
        if staff_id is None:
            column, body = self.page(self._("Staff: tap your picture, or show your staff card."))
            body.add_widget(
                self.tile_grid(
                    views.staff_tiles(self.seen.book),
                    lambda t: self.show(**dict(self.context, staff_id=t["id"])),
                    columns=5,
                )
            )
            return column
        staff = self.seen.book.staff[staff_id]
        column, body = self.page(self._("{name}, your PIN please").format(name=staff.first_name))
        row = BoxLayout(spacing=u(20))
        side = BoxLayout(orientation="vertical", size_hint_x=0.45)
        self.pad = PinPad(self.check, size_hint_x=0.55)
        texture = photo_texture(self.app.photo(("staff", staff_id)))
        if texture is not None:  # so they see they tapped their own picture
            side.add_widget(Image(texture=texture, fit_mode="contain"))
        side.add_widget(self.pad.display)
        self.message = Text(
            self.context.get("message", ""), size=24, color=theme.CRITICAL, rtl=self.rtl
        )
        side.add_widget(self.message)
        row.add_widget(side)
        row.add_widget(self.pad)
        body.add_widget(row)
        return column

    def check(self, pin: str) -> None:
        self.message.set(self._("Checking…"))
        self.app.flows.check_staff_pin(
            self.context["staff_id"], pin, self.context["then"], self.wrong_pin
        )

    def wrong_pin(self, paused: bool = False) -> None:
        if paused:
            self.message.set(
                self._("Too many wrong PINs: PIN entry is paused. Please use a staff card.")
            )
        else:
            self.message.set(self._("That PIN is not right. Please try again."))

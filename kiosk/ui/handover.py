"""Staff confirm a handover (R3, R5): who is collecting whom, their photo, the ID checked."""

from __future__ import annotations

from functools import partial
from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from kiosk import views
from kiosk.ui import theme
from kiosk.ui.base import KioskScreen
from kiosk.ui.theme import u
from kiosk.ui.widgets import BigButton, Text, photo_texture

ID_DOCUMENTS = ("Passport", "Driving licence", "Other photo ID")


class HandoverScreen(KioskScreen):
    """Every child going home with one collector, with their photos, on one screen. Shows a
    family's names and photos, so the idle timer clears it like any other; the
    request keeps waiting and staff reopen it from the wait screen or staff mode."""

    def build(self) -> Any:
        card = views.handover_card(self.seen.book, self.context["pendings"])
        column, body = self.page(self._("Confirm the handover"))
        people = BoxLayout(spacing=u(16))
        for child in card["children"]:
            people.add_widget(self._person(child["photo"], child["name"], self._("going home")))
        people.add_widget(
            self._person(card["collector_photo"], card["collector"], self._("collecting"))
        )
        body.add_widget(people)
        for child in card["children"]:
            if child["not_seen_here"]:  # staff must have this child in front of them
                body.add_widget(
                    self._line(
                        self._(
                            "This door did not see {name} arrive: make sure {name} is with you."
                        ).format(name=child["first_name"]),
                        color=theme.WARNING,
                    )
                )
        if card["collector_photo"] is not None:
            body.add_widget(self._line(self._("Compare their face with the photo.")))
        if card["needs_id"]:
            body.add_widget(self._id_choice())
        row = BoxLayout(size_hint_y=None, height=theme.touch() * 1.1, spacing=u(12))
        row.add_widget(
            BigButton(
                self._("Not now"),
                self.app.flows.cancel_handover,
                colour=theme.SURFACE,
                size=26,
                size_hint_x=0.4,
                rtl=self.rtl,
            )
        )
        row.add_widget(
            BigButton(
                self._("Confirm with my PIN"),
                self.confirm,
                colour=theme.ARRIVE,
                size=30,
                rtl=self.rtl,
            )
        )
        body.add_widget(row)
        self.message = Text(
            self.context.get("message", ""),
            size=22,
            color=theme.CRITICAL,
            size_hint_y=None,
            height=u(30),
            rtl=self.rtl,
        )
        body.add_widget(self.message)
        return column

    def _person(self, photo_key: Any, name: str, caption: str) -> Any:
        person = BoxLayout(orientation="vertical")
        texture = photo_texture(self.app.photo(photo_key))
        if texture is not None:  # a damaged photo leaves the name alone, not a blank box
            person.add_widget(Image(texture=texture, fit_mode="contain"))
        person.add_widget(Text(name, size=24, bold=True, size_hint_y=0.3))
        person.add_widget(Text(caption, size=18, color=theme.MUTED, size_hint_y=0.2, rtl=self.rtl))
        return person

    def _line(self, text: str, color: Any = None) -> Any:
        colour = {"color": color} if color is not None else {}
        return Text(text, size=20, size_hint_y=None, height=u(30), rtl=self.rtl, **colour)

    def _id_choice(self) -> Any:
        row = BoxLayout(size_hint_y=None, height=theme.touch(), spacing=u(8))
        row.add_widget(Text(self._("ID checked:"), size=22, size_hint_x=0.5, rtl=self.rtl))
        for document in ID_DOCUMENTS:
            chosen = self.context.get("id_document") == document
            row.add_widget(
                BigButton(
                    self._(document),
                    partial(self.choose_id, document),
                    colour=theme.SELECTED if chosen else theme.SURFACE,
                    size=20,
                )
            )
        return row

    def choose_id(self, document: str) -> None:
        self.show(**dict(self.context, id_document=document, message=""))

    def confirm(self) -> None:
        card = views.handover_card(self.seen.book, self.context["pendings"])
        if card["needs_id"] and not self.context.get("id_document"):
            self.message.set(self._("Choose the ID document you checked first."))
            return
        self.app.flows.confirm_handover(
            self.context["pendings"],
            self.context.get("id_document", ""),
            staff=self.context.get("staff"),
        )

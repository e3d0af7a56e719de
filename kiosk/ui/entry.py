"""Typing on the big on-screen keyboard: a name, an agreed password, a note for staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui import theme
from kiosk.ui.base import KioskScreen
from kiosk.ui.theme import u
from kiosk.ui.widgets import BigButton, Keyboard, Text


class EntryScreen(KioskScreen):
    """``fields``: [(key, label, secret)], answered one after another; ``done`` gets a dict."""

    def build(self) -> Any:
        fields: list[tuple[str, str, bool]] = self.context["fields"]
        answers: dict[str, str] = self.context.setdefault("answers", {})
        index = len(answers)
        key, label, secret = fields[index]
        column, body = self.page(self._(label), back=True)
        self.value = ""
        self.secret = secret
        self.display = Text("", size=36, bold=True, size_hint_y=None, height=theme.touch())
        body.add_widget(self.display)
        if self.context.get("hint"):
            body.add_widget(
                Text(
                    self._(self.context["hint"]),
                    size=20,
                    color=theme.MUTED,
                    size_hint_y=None,
                    height=u(30),
                    rtl=self.rtl,
                )
            )
        self.message = Text(
            self.context.get("message", ""),
            size=20,
            color=theme.CRITICAL,
            size_hint_y=None,
            height=u(28),
            rtl=self.rtl,
        )
        body.add_widget(self.message)
        layout = self.app.translator.language.code
        body.add_widget(Keyboard(self.type, layout=layout))
        last = index == len(fields) - 1
        row = BoxLayout(size_hint_y=None, height=theme.touch(), spacing=u(10))
        row.add_widget(
            BigButton(
                self._("Done") if last else self._("Next"),
                lambda: self.next(key),
                colour=theme.ARRIVE,
                size=30,
                rtl=self.rtl,
            )
        )
        body.add_widget(row)
        return column

    def type(self, char: str) -> None:
        self.value = self.value[:-1] if char == "\b" else (self.value + char)[:200]
        self.display.set("●" * len(self.value) if self.secret else self.value)

    def next(self, key: str) -> None:
        if not self.value.strip():
            self.message.set(self._("Please type something first."))
            return
        answers = self.context["answers"]
        answers[key] = self.value
        if len(answers) < len(self.context["fields"]):
            self.show(**self.context)
            return
        done: Callable[[dict[str, str]], None] = self.context["done"]
        done(dict(answers))

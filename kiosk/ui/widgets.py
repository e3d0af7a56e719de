"""The few widgets every screen is built from: big buttons, photo tiles, a PIN pad and an
on-screen keyboard. All text goes through :func:`kiosk.ui.text.markup`."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from io import BytesIO
from typing import Any

from kivy.core.image import Image as CoreImage
from kivy.graphics import Color, RoundedRectangle
from kivy.properties import BooleanProperty, ListProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.label import Label

from kiosk.ui import theme
from kiosk.ui.text import fitting_size, markup
from kiosk.ui.theme import u

_textures: dict[int, Any] = {}


def photo_texture(data: bytes | None) -> Any:
    """A Kivy texture for a JPEG, made once per photo."""
    if not data:
        return None
    key = hash(data)
    if key not in _textures:
        try:
            _textures[key] = CoreImage(BytesIO(data), ext="jpg").texture
        except Exception:  # a damaged photo shows the name alone; it must not close the door
            _textures[key] = None
    return _textures[key]


class Text(Label):
    """A label that wraps inside its width and speaks any script."""

    def __init__(
        self,
        text: str = "",
        *,
        size: float = 24,
        bold: bool = False,
        color: tuple[float, ...] = theme.INK,
        rtl: bool = False,
        **kwargs: Any,
    ) -> None:
        halign = kwargs.pop("halign", "center")
        if rtl and halign != "center":  # right-to-left reading starts at the right
            halign = "right" if halign == "left" else "left"
        super().__init__(
            markup=True,
            font_name=theme.FONT_BOLD if bold else theme.FONT,
            font_size=u(size),
            color=color,
            halign=halign,
            valign="middle",
            **kwargs,
        )
        self.rtl = rtl
        self.largest = u(size)
        self.bind(size=self._fit)
        self.set(text)

    def set(self, text: str) -> None:
        self.plain = text
        self.text = markup(text, self.rtl)
        self._fit()

    def _fit(self, *_: Any) -> None:
        """Wrap inside the widget; where the text would spill out (a long name on a tile), a
        smaller size, and at the smallest an ellipsis: never over a neighbour."""
        font_size, shorten = fitting_size(
            self.plain,
            rtl=self.rtl,
            font=self.font_name,
            size=self.largest,
            width=max(self.width, 1),
            height=max(self.height, 1),
        )
        self.font_size = font_size
        self.shorten = shorten
        self.shorten_from = "left" if self.rtl else "right"
        self.text_size = (self.width, None)


class Card(ButtonBehavior, BoxLayout):
    """A rounded, tappable surface: the base of big buttons and tiles."""

    background = ListProperty(list(theme.SURFACE))
    selected = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.canvas.before:
            self._colour = Color(*self.background)
            self._shape = RoundedRectangle(radius=[u(14)])
        self.bind(
            pos=self._redraw, size=self._redraw, background=self._redraw, selected=self._redraw
        )

    def _redraw(self, *_: Any) -> None:
        self._colour.rgba = theme.SELECTED if self.selected else self.background
        self._shape.pos = self.pos
        self._shape.size = self.size


class BigButton(Card):
    def __init__(
        self,
        text: str,
        on_tap: Callable[[], None],
        *,
        colour: tuple[float, ...] = theme.COLLECT,
        size: float = 34,
        rtl: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("size_hint_min_y", theme.touch())
        # Little padding above and below: the label shrinks its text to fit its own box, and a
        # keyboard key is barely taller than its letter.
        super().__init__(padding=(u(10), u(2)), **kwargs)
        self.background = list(colour)
        self.label = Text(text, size=size, bold=True, rtl=rtl, color=theme.ink_on(colour))
        self.add_widget(self.label)
        self.bind(on_release=lambda *_: on_tap())


class Tile(Card):
    """A person's photo (where the setting shows photos) and name: the board's building block."""

    def __init__(
        self,
        label: str,
        photo: bytes | None,
        on_tap: Callable[[], None],
        *,
        detail: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(orientation="vertical", padding=u(5), spacing=u(2), **kwargs)
        # The smallest touch target: a board of 28 children has rows of 88 units.
        self.size_hint_min_y = theme.touch()
        texture = photo_texture(photo)
        if texture is not None:
            self.add_widget(Image(texture=texture, fit_mode="contain"))
        self.add_widget(
            Text(
                label,
                size=22 if texture is not None else 28,
                bold=True,
                size_hint_y=0.32 if texture is not None else 1,
                size_hint_min_y=u(26),  # one line of a name, however small the tile
            )
        )
        if detail:
            self.add_widget(
                Text(detail, size=15, color=theme.MUTED, size_hint_y=0.2, size_hint_min_y=u(20))
            )
        self.person_label = label
        self.bind(on_release=lambda *_: on_tap())


class RoomButton(Card):
    """A room on the arrival board's first step: its colour, a few faces and its name, so a
    child who cannot read finds "my room" by the colour and the friends in it."""

    def __init__(
        self, name: str, colour: tuple[float, ...], faces: list[bytes], on_tap: Callable[[], None]
    ) -> None:
        super().__init__(orientation="vertical", padding=u(8), spacing=u(4))
        self.background = list(colour)
        row = BoxLayout(spacing=u(4))
        for face in faces:
            row.add_widget(Image(texture=photo_texture(face), fit_mode="contain"))
        if faces:
            self.add_widget(row)
        self.add_widget(Text(name, size=28, bold=True, color=theme.ink_on(colour), size_hint_y=0.5))
        self.person_label = name
        self.bind(on_release=lambda *_: on_tap())


class PinPad(GridLayout):
    """Digits for a staff PIN; shows dots, never the digits."""

    def __init__(self, on_done: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(cols=3, spacing=u(8), **kwargs)
        self.pin = ""
        self.on_done = on_done
        self.display = Text("", size=40, bold=True)
        for key in ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]:
            colour = theme.ARRIVE if key == "OK" else theme.SURFACE
            self.add_widget(BigButton(key, partial(self.press, key), colour=colour, size=34))

    def press(self, key: str) -> None:
        if key == "⌫":
            self.pin = self.pin[:-1]
        elif key == "OK":
            pin, self.pin = self.pin, ""
            self.on_done(pin)
        elif len(self.pin) < 8:
            self.pin += key
        self.display.set("●" * len(self.pin))


KEYBOARD_ROWS = {
    "en": ["QWERTYUIOP", "ASDFGHJKL'", "ZXCVBNM-"],
    "pl": ["QWERTYUIOP", "ASDFGHJKLŁ", "ZXCVBNMĄĘ", "ĆŃÓŚŹŻ-"],
    "ur": ["ابپتٹثجچحخ", "دڈذرڑزژسشص", "ضطظعغفقکگل", "منوہھءیےں"],
}


class Keyboard(BoxLayout):
    """A large on-screen keyboard: nobody has a physical one in a nursery hallway. Where the
    language has its own script, a key switches between it and Latin letters."""

    def __init__(self, on_key: Callable[[str], None], *, layout: str = "en", **kwargs: Any) -> None:
        super().__init__(orientation="vertical", spacing=u(5), **kwargs)
        self.on_key = on_key
        self.layouts = [layout, "en"] if layout in KEYBOARD_ROWS and layout != "en" else ["en"]
        self.show(self.layouts[0])

    def show(self, layout: str) -> None:
        self.layout = layout
        self.clear_widgets()
        for row in KEYBOARD_ROWS[layout]:
            line = BoxLayout(spacing=u(5))
            for char in row:
                line.add_widget(
                    BigButton(
                        char,
                        partial(self.on_key, char),
                        colour=theme.SURFACE,
                        size=26,
                        size_hint_min_y=u(42),
                    )
                )
            self.add_widget(line)
        bottom = BoxLayout(spacing=u(5))
        if len(self.layouts) > 1:
            other = self.layouts[1 - self.layouts.index(layout)]
            label = "ABC" if other == "en" else KEYBOARD_ROWS[other][0][:3]
            bottom.add_widget(
                BigButton(label, lambda: self.show(other), colour=theme.SURFACE, size=22)
            )
        bottom.add_widget(BigButton("⌫", lambda: self.on_key("\b"), colour=theme.SURFACE, size=26))
        bottom.add_widget(
            BigButton("␣", lambda: self.on_key(" "), colour=theme.SURFACE, size=26, size_hint_x=3)
        )
        self.add_widget(bottom)

"""Text for Kivy labels in any script. Kivy's SDL2 text provider neither shapes Arabic script
nor orders right-to-left text, nor falls back to another font for a character its font lacks
(it draws an empty box). So runs of Arabic script (Urdu, and names such as ياسمين) are shaped
into presentation forms and reordered here, and every character is drawn with the first of
the kiosk's fonts that has it: a name such as "Zoë 🌈" gets its rainbow from the emoji font,
and a character no font has is left out rather than drawn as a box."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import arabic_reshaper
from bidi import get_display
from kivy.utils import escape_markup

from kiosk.ui import theme

_ARABIC = re.compile(
    r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]+"
    r"(?:[\s\u060C\u061F.,:!?0-9-]+[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF"
    r"\uFB50-\uFDFF\uFE70-\uFEFF]+)*"
)
# Emoji presentation selectors and the joiner of emoji sequences: a monochrome emoji font
# draws each emoji of a sequence on its own, and the invisible characters would only break
# the runs.
_INVISIBLE = frozenset("\u200d\ufe0e\ufe0f")


def has_arabic_script(text: str) -> bool:
    return _ARABIC.search(text) is not None


@lru_cache(maxsize=4096)
def markup(text: str, rtl: bool = False) -> str:
    """Kivy markup for ``text``: escaped, shaped, in visual order, with font runs. Use it
    with ``markup=True`` on every label that shows a name or a translated message."""
    # Composed forms: SDL_ttf places no combining accent over its letter (Nguyễn typed as
    # e + two accents would show the accents beside the e).
    text = unicodedata.normalize("NFC", text)
    lines = []
    for line in text.split("\n"):
        if rtl or has_arabic_script(line):
            shaped = arabic_reshaper.reshape(line) if has_arabic_script(line) else line
            line = get_display(shaped, base_dir="R" if rtl else "L")
        lines.append("".join(_marked(font, run) for font, run in font_runs(line)))
    return "\n".join(lines)


def _marked(font: str, run: str) -> str:
    escaped = str(escape_markup(run))
    return escaped if font == theme.FONT else f"[font={font}]{escaped}[/font]"


def font_runs(visual: str) -> Iterator[tuple[str, str]]:
    """``visual`` cut into (font, characters) runs: each character in the first font that has
    it. Spaces, digits and punctuation stay in the run they are in, so a name in Arabic
    script is one run and shapes as one word; a character no font has is dropped."""
    font, run = theme.FONT, ""
    for char in visual:
        if char in _INVISIBLE:
            continue
        if run and unicodedata.category(char)[0] in "ZPN" and covers(font, char):
            run += char
            continue
        chosen = font_for(char)
        if chosen is None:
            continue
        if chosen != font and run:
            yield font, run
            run = ""
        font = chosen
        run += char
    if run:
        yield font, run


def font_for(char: str) -> str | None:
    if char.isspace():
        return theme.FONT
    if _ARABIC.match(char):  # the font chosen for Arabic script has it all
        return theme.ARABIC_FONT
    fonts = (theme.FONT, theme.SYMBOL_FONT, theme.EMOJI_FONT, theme.ARABIC_FONT)
    return next((font for font in fonts if covers(font, char)), None)


def covers(font: str, char: str) -> bool:
    # Every font the kiosk takes for names has ASCII: the home screen (English, and the word
    # Urdu in Urdu) reads no font file to draw.
    return (font == theme.FONT and char.isascii()) or ord(char) in _characters(font)


@lru_cache(maxsize=16)
def _characters(font: str) -> frozenset[int]:
    """The characters a font file has (its cmap); none for a font that cannot be read."""
    from fontTools.ttLib import TTFont, TTLibError  # a fifth of a second: only when needed

    if not font:
        return frozenset()
    try:
        with TTFont(font, lazy=True, fontNumber=0) as opened:
            return frozenset(opened.getBestCmap() or {})
    except (OSError, TTLibError):
        return frozenset()


@lru_cache(maxsize=4096)
def fitting_size(
    text: str, *, rtl: bool, font: str, size: float, width: float, height: float
) -> tuple[float, bool]:
    """The font size at which ``text`` wraps inside a ``width`` x ``height`` box with no
    word cut in two, shrinking to three fifths of ``size`` at most; and whether, even then, it
    must be shortened to one line with an ellipsis. A long name stays inside its own tile."""
    # Whole pixels: Kivy opens a font file once for each size it is drawn at.
    sizes = sorted({round(size * 0.9**step) for step in range(9)}, reverse=True)
    for tried in sizes[:5]:  # down to three fifths
        if _fits(text, rtl, font, tried, width, height):
            return tried, False
    # One shortened line, as tall as the box allows.
    return next((s for s in sizes[4:] if s <= height), sizes[-1]), True


def _fits(text: str, rtl: bool, font: str, size: float, width: float, height: float) -> bool:
    """Whether the ink fits: a line's drawing is taller than its letters (Noto Sans Arabic's
    twice the font size, for marks that stack), and only the letters must stay inside, so
    the last line counts as one font size."""
    one_line, line_height = _measure(markup(text, rtl), font, size, None)
    if one_line <= width:  # most names: one line, no word to cut
        return size <= height
    _, drawn = _measure(markup(text, rtl), font, size, width)
    if drawn - line_height + size > height:
        return False
    # Kivy cuts a word wider than the box in two (Fitzgerald-M / ontgomery): shrink instead.
    words = re.split(r"(?<=-)|\s+", text)
    return all(_measure(markup(word, rtl), font, size, None)[0] <= width for word in words if word)


def _measure(marked_up: str, font: str, size: float, width: float | None) -> tuple[int, int]:
    from kivy.core.text.markup import MarkupLabel  # Kivy's text provider: after the window

    label = MarkupLabel(
        text=marked_up, font_name=font, font_size=size, markup=True, text_size=(width, None)
    )
    width_drawn, height_drawn = label.render(real=False)
    return int(width_drawn), int(height_drawn)

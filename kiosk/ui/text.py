"""Text for Kivy labels in any script. Kivy's SDL2 text provider neither shapes Arabic script
nor orders right-to-left text, so runs of Arabic script (Urdu, and names such as ياسمين) are
shaped into presentation forms and reordered here, and drawn with a font that has them."""

from __future__ import annotations

import re
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


_SYMBOLS = re.compile(r"[\u2190-\u2BFF]+")


def has_arabic_script(text: str) -> bool:
    return _ARABIC.search(text) is not None


@lru_cache(maxsize=4096)
def markup(text: str, rtl: bool = False) -> str:
    """Kivy markup for ``text``: escaped, shaped, in visual order, with font runs. Use it
    with ``markup=True`` on every label that shows a name or a translated message."""
    if not has_arabic_script(text) and not rtl:
        return _symbols(str(escape_markup(text)))
    lines = []
    for line in text.split("\n"):
        shaped = arabic_reshaper.reshape(line) if has_arabic_script(line) else line
        visual = get_display(shaped, base_dir="R" if rtl else "L")
        lines.append(_symbols(_font_runs(visual)))
    return "\n".join(lines)


def _symbols(marked_up: str) -> str:
    """Symbols (✓ ⚠ ⌫ ␣ ●) in the font that has them; markup never contains these."""
    return _SYMBOLS.sub(lambda m: f"[font={theme.SYMBOL_FONT}]{m.group()}[/font]", marked_up)


def _font_runs(visual: str) -> str:
    out = []
    last = 0
    for match in _ARABIC.finditer(visual):
        out.append(escape_markup(visual[last : match.start()]))
        out.append(f"[font={theme.ARABIC_FONT}]{escape_markup(match.group())}[/font]")
        last = match.end()
    out.append(escape_markup(visual[last:]))
    return "".join(out)

"""Calm colours, large type, and touch targets of at least 12 mm on a 7" 800x480 screen.

Sizes scale with the window's height: one unit is 1/480 of it, so the same layout serves the
official 7" panel (about 5 px per mm) and a 1280x800 HDMI panel.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from kivy import kivy_data_dir
from kivy.core.window import Window
from kivy.resources import resource_find
from kivy.utils import get_color_from_hex

BACKGROUND = (0.97, 0.96, 0.93, 1)  # warm paper
SURFACE = (1, 1, 1, 1)
INK = (0.12, 0.16, 0.19, 1)
MUTED = (0.36, 0.40, 0.43, 1)
ARRIVE = (0.23, 0.49, 0.33, 1)  # calm green
COLLECT = (0.18, 0.36, 0.54, 1)  # calm blue
STAFF = (0.33, 0.29, 0.45, 1)  # quiet violet
WARNING = (0.66, 0.38, 0.0, 1)  # 4.6:1 against white text
CRITICAL = (0.64, 0.15, 0.17, 1)
SELECTED = (0.96, 0.82, 0.45, 1)
# A room's colour on the arrival board where the office set none, by the room's place; each
# carries white text at 4.5:1 or more. A three-year-old knows "the purple room" before its name.
ROOMS = (
    (0.0, 0.44, 0.46, 1),  # teal
    (0.50, 0.25, 0.52, 1),  # plum
    (0.62, 0.33, 0.0, 1),  # amber
    (0.16, 0.35, 0.62, 1),  # blue
    (0.68, 0.18, 0.32, 1),  # raspberry
    (0.24, 0.42, 0.18, 1),  # leaf
)


def room_colour(colour: str, place: int) -> tuple[float, ...]:
    """The room's colour as the office set it (#rrggbb), else one of ROOMS by its place."""
    if re.fullmatch(r"#[0-9a-fA-F]{6}", colour or ""):
        return tuple(get_color_from_hex(colour))
    return ROOMS[place % len(ROOMS)]


def ink_on(colour: tuple[float, ...]) -> tuple[float, ...]:
    """Dark ink on a light colour, white on a dark one (relative luminance, roughly)."""
    light = 0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2] > 0.6
    return INK if light else (1, 1, 1, 1)


_FONTS = resources.files("kiosk") / "fonts"
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_SYMBOLA = Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf")
# Kivy's own Roboto, by its file: kiosk/ui/text.py reads which characters a font has.
_ROBOTO = resource_find("data/fonts/Roboto-Regular.ttf") or "Roboto"


def _packaged(name: str) -> str:
    # Installed from a wheel the package is a folder on disk, so Kivy can open the file by path.
    return str(_FONTS / name)


def _first(*candidates: Path, fallback: str) -> str:
    return next((str(p) for p in candidates if p.exists()), fallback)


# Noto covers Latin with every accent a register needs (Zoë, Łukasz, Nguyễn); Arabic-script
# text needs a font with presentation forms. Both travel in the package (SIL OFL, fonts/OFL.txt)
# so the kiosk reads the same on any machine, with or without Debian's font packages.
FONT = _packaged("NotoSans-Regular.ttf")
FONT_BOLD = _packaged("NotoSans-Bold.ttf")
ARABIC_FONT = _packaged("NotoSansArabic-Regular.ttf")
# Noto Sans has no ✓, ⚠, ⌫ or ␣; DejaVu Sans has them all. Its bold comes with Debian; Kivy
# carries the regular weight, so a machine without Debian's fonts still draws the symbols.
SYMBOL_FONT = _first(
    _DEJAVU / "DejaVuSans-Bold.ttf",
    Path(kivy_data_dir, "fonts", "DejaVuSans.ttf"),
    fallback=_ROBOTO,
)
# Emoji in names (Zoë 🌈, Łukasz ⭐): Symbola (Debian's fonts-symbola, free for any use) draws
# them in one colour at the label's size. Kivy's SDL2 text provider draws Noto Color Emoji
# only at its one bitmap size (109 px, five times a name's height), so that font is not used.
# Without Symbola, emoji are left out of what is drawn (kiosk/ui/text.py), never boxes.
EMOJI_FONT = _first(_SYMBOLA, fallback="")


def u(value: float) -> float:
    """Layout units: 1/480 of the window's height."""
    return float(value * Window.height / 480.0)


def touch() -> float:
    """The smallest touch target: 64 units is 12.7 mm on the official 7" panel."""
    return u(64)

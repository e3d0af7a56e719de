"""Calm colours, large type, and touch targets of at least 12 mm on a 7" 800x480 screen.

Sizes scale with the window's height: one unit is 1/480 of it, so the same layout serves the
official 7" panel (about 5 px per mm) and a 1280x800 HDMI panel.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from kivy import kivy_data_dir
from kivy.core.window import Window

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

_FONTS = resources.files("kiosk") / "fonts"
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


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
    fallback="Roboto",
)


def u(value: float) -> float:
    """Layout units: 1/480 of the window's height."""
    return float(value * Window.height / 480.0)


def touch() -> float:
    """The smallest touch target: 64 units is 12.7 mm on the official 7" panel."""
    return u(64)

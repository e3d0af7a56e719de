"""Photos: friendly generated portraits for the demo, and uploaded photos made safe to keep.

A photo is there so a member of staff can recognise a face at a glance (R5), so a few hundred
pixels are plenty. Whatever arrives is decoded, turned upright, shrunk and re-encoded from bare
pixels, so nothing a phone wrote into the file (GPS position, camera serial, thumbnails) is kept.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import warnings
from collections.abc import Callable, Sequence

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

NOT_A_PICTURE = "That file is not a picture we can read."
MAX_PIXELS = 20_000_000  # a phone photo is about 12 MP; beyond this it is a decompression bomb
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")

# Drawn in a 256-unit square, supersampled twice, then shrunk: smooth edges without antialias.
_UNITS = 256
_SUPERSAMPLE = 2

_BACKGROUNDS = (
    "#dbeaf2", "#e6f0d9", "#f6e3d7", "#ece1f3", "#f8efcf", "#dcefeb", "#f3dde4", "#e3e7f7",
)  # fmt: skip
_SKIN = ("#f6d7c3", "#eec1a2", "#d9a07a", "#b97a56", "#8d5a3b", "#5e3a26")
_HAIR = ("#2b2420", "#4a3223", "#7a4b2a", "#a0522d", "#d8b26e", "#c8642c")
_CLOTHES = (
    "#5b8c85", "#7a8cc2", "#c28a7a", "#8a6fa8", "#d0a650", "#6f9e6a", "#c26b8a", "#4f7399",
)  # fmt: skip
_INK = "#3b2f2f"

Box = tuple[float, float, float, float]


class _Canvas:
    """Draws in 256 units whatever the output size."""

    def __init__(self, size: int, background: str) -> None:
        self.scale = size * _SUPERSAMPLE / _UNITS
        self.image = Image.new("RGB", (size * _SUPERSAMPLE,) * 2, background)
        self.draw = ImageDraw.Draw(self.image)

    def box(self, box: Box) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = box
        s = self.scale
        return (x0 * s, y0 * s, x1 * s, y1 * s)

    def ellipse(self, box: Box, fill: str) -> None:
        self.draw.ellipse(self.box(box), fill=fill)

    def rect(self, box: Box, fill: str, radius: float = 0) -> None:
        self.draw.rounded_rectangle(self.box(box), radius=radius * self.scale, fill=fill)

    def chord(self, box: Box, start: float, end: float, fill: str) -> None:
        self.draw.chord(self.box(box), start, end, fill=fill)

    def arc(self, box: Box, start: float, end: float, fill: str, width: float) -> None:
        self.draw.arc(self.box(box), start, end, fill=fill, width=round(width * self.scale))


def _mix(colour: str, other: str, amount: float) -> str:
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(x + (y - x) * amount) for x, y in zip(a, b, strict=True)]
    return "#" + "".join(f"{v:02x}" for v in mixed)


def _pick(digest: bytes, index: int, options: Sequence[str]) -> str:
    return options[digest[index] % len(options)]


# Hair: what sits behind the head (long hair, a scarf) and what sits on top of it.
def _hair_short(c: _Canvas, hair: str) -> None:
    c.chord((70, 42, 186, 128), 180, 360, hair)
    c.ellipse((84, 50, 150, 90), hair)


def _hair_buzz(c: _Canvas, hair: str) -> None:
    c.chord((72, 50, 184, 122), 195, 345, hair)


def _hair_curly(c: _Canvas, hair: str) -> None:
    for x, y in ((78, 86), (88, 64), (108, 50), (128, 46), (148, 50), (168, 64), (178, 86)):
        c.ellipse((x - 20, y - 20, x + 20, y + 20), hair)


def _hair_long(c: _Canvas, hair: str) -> None:
    c.rect((62, 64, 194, 214), hair, radius=44)


def _hair_bun(c: _Canvas, hair: str) -> None:
    c.ellipse((106, 18, 150, 62), hair)
    c.chord((70, 46, 186, 136), 180, 360, hair)


def _hair_pigtails(c: _Canvas, hair: str) -> None:
    c.ellipse((44, 92, 80, 128), hair)
    c.ellipse((176, 92, 212, 128), hair)
    c.chord((70, 46, 186, 136), 180, 360, hair)


def _headscarf(c: _Canvas, scarf: str) -> None:
    c.rect((56, 40, 200, 230), scarf, radius=68)


_BEHIND: dict[str, Callable[[_Canvas, str], None]] = {
    "long": _hair_long,
    "bob": _hair_long,
    "scarf": _headscarf,
}
_ON_TOP: dict[str, Callable[[_Canvas, str], None]] = {
    "short": _hair_short,
    "buzz": _hair_buzz,
    "curly": _hair_curly,
    "long": _hair_short,
    "bob": _hair_short,
    "bun": _hair_bun,
    "pigtails": _hair_pigtails,
}
_STYLES = ("short", "buzz", "curly", "long", "bob", "bun", "pigtails", "scarf")


def _face(c: _Canvas, skin: str, hair: str, glasses: bool) -> None:
    c.ellipse((96, 101, 112, 119), _INK)
    c.ellipse((144, 101, 160, 119), _INK)
    c.ellipse((102, 104, 107, 109), "#ffffff")
    c.ellipse((150, 104, 155, 109), "#ffffff")
    brow = _mix(hair, _INK, 0.4)
    c.arc((94, 88, 114, 100), 200, 340, brow, 3.5)
    c.arc((142, 88, 162, 100), 200, 340, brow, 3.5)
    blush = _mix(skin, "#e8747c", 0.35)
    c.ellipse((84, 124, 104, 138), blush)
    c.ellipse((152, 124, 172, 138), blush)
    c.arc((124, 112, 134, 128), 300, 60, _mix(skin, _INK, 0.35), 3)
    c.arc((106, 124, 150, 152), 25, 155, _INK, 4.5)
    if glasses:
        for x in (104, 152):
            c.arc((x - 16, 94, x + 16, 126), 0, 360, "#4a4a55", 3.5)
        c.arc((118, 104, 138, 116), 200, 340, "#4a4a55", 3.5)


def _initials_badge(c: _Canvas, initials: str, size: int) -> None:
    # The built-in font has ASCII letters only; Ł becomes L, and a name in another script
    # simply gets no badge rather than empty boxes.
    text = unicodedata.normalize("NFKD", initials).translate({ord("Ł"): "L", ord("ł"): "l"})
    text = "".join(ch for ch in text if ch.isascii() and ch.isalpha()).upper()[:3]
    if not text:
        return
    font = ImageFont.load_default(size=max(8, round(size * 0.09)) * _SUPERSAMPLE)
    left, top, right, bottom = c.draw.textbbox((0, 0), text, font=font)
    pad = 5 * c.scale
    x1, y1 = _UNITS * c.scale - pad, _UNITS * c.scale - pad
    x0, y0 = x1 - (right - left) - 2 * pad, y1 - (bottom - top) - 2 * pad
    c.draw.rounded_rectangle((x0, y0, x1, y1), radius=pad, fill="#ffffff")
    c.draw.text((x0 + pad - left, y0 + pad - top), text, font=font, fill=_INK)


def make_avatar(*, seed: str, initials: str, size: int = 256) -> bytes:
    """A calm, friendly cartoon portrait as JPEG bytes; the same seed always draws the same
    face, so a demo nursery looks the same every time it is made."""
    if not 32 <= size <= 1024:
        raise ValueError("An avatar is between 32 and 1024 pixels square.")
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    skin, hair = _pick(digest, 1, _SKIN), _pick(digest, 2, _HAIR)
    clothes, style = _pick(digest, 3, _CLOTHES), _pick(digest, 4, _STYLES)
    canvas = _Canvas(size, _pick(digest, 0, _BACKGROUNDS))
    if style in _BEHIND:
        _BEHIND[style](canvas, clothes if style == "scarf" else hair)
    canvas.ellipse((36, 190, 220, 334), clothes)
    canvas.rect((112, 160, 144, 206), _mix(skin, _INK, 0.12), radius=8)
    if style != "scarf":
        canvas.ellipse((64, 104, 84, 134), skin)
        canvas.ellipse((172, 104, 192, 134), skin)
    canvas.ellipse((74, 56, 182, 176) if style != "scarf" else (82, 66, 174, 174), skin)
    if style in _ON_TOP:
        _ON_TOP[style](canvas, hair)
    _face(canvas, skin, hair, glasses=digest[5] % 6 == 0)
    _initials_badge(canvas, initials, size)
    image = canvas.image.resize((size, size), Image.Resampling.LANCZOS)
    return _jpeg(image, quality=82)


def _jpeg(image: Image.Image, *, quality: int) -> bytes:
    # Saved with no exif/icc arguments: Pillow writes only the bare JFIF header.
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _open_upload(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow only warns between 89 and 179 MP; our own, lower limit is checked below.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except Image.DecompressionBombError as exc:
            raise ValueError(_too_big_message()) from exc
        except (UnidentifiedImageError, OSError, SyntaxError) as exc:
            raise ValueError(NOT_A_PICTURE) from exc
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValueError(_too_big_message())
    return image


def _too_big_message() -> str:
    return (
        f"That picture is too large (over {MAX_PIXELS // 1_000_000} megapixels). "
        "Please choose a smaller photo."
    )


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: a transparent PNG would otherwise turn black behind the face."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        backing = Image.new("RGB", rgba.size, "#ffffff")
        backing.paste(rgba, mask=rgba.getchannel("A"))
        return backing
    return image.convert("RGB")


def resize_photo(data: bytes, *, max_side: int = 320) -> bytes:
    """An uploaded photo, upright, at most ``max_side`` on its longer side, as a JPEG that
    holds pixels and nothing else (no EXIF, GPS, ICC or comments)."""
    if max_side < 16:
        raise ValueError("max_side must be at least 16 pixels")
    image = _open_upload(data)
    try:
        image.draft("RGB", (max_side * 2, max_side * 2))  # JPEG: decode at reduced scale
        upright = ImageOps.exif_transpose(image)
        flat = _flatten(image if upright is None else upright)
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt pixel data
        raise ValueError(NOT_A_PICTURE) from exc
    flat.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    bare = Image.new("RGB", flat.size)
    bare.paste(flat)  # a fresh image carries no .info from the upload
    return _jpeg(bare, quality=85)

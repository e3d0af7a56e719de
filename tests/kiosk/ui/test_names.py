"""Names as families write them, on every screen that shows one (issue 11, point 7): a long
name stays inside its tile or line, and an emoji is drawn, never an empty box."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from db.models import Adult, Child
from tests.kiosk.ui.conftest import Kiosk
from tests.kiosk.ui.test_flows import _arrive, _pin

# (kind, name in the demo, new first name, new last name)
RENAMED = [
    ("child", "Theo Clarke", "Maximilian-Alexander", "Fitzgerald-Montgomery"),
    ("child", "Zoë Fletcher", "Zoë 🌈", "Fletcher"),
    ("child", "Łukasz Nowak", "Łukasz ⭐", "Nowak"),
    ("child", "Minh Anh Nguyễn", "Nguyễn Thị Minh Khai", "Nguyễn"),
    ("adult", "Gemma Clarke", "Anne-Marie-Louise ⭐", "Fitzgerald-Montgomery"),
    ("adult", "Marcus Clarke", "Nguyễn Thị Minh Khai", "Clarke"),
]
_RUN = re.compile(r"\[font=([^\]]+)\](.*?)\[/font\]", re.S)


def _reload_people(kiosk: Kiosk) -> None:
    service = kiosk.app.service
    service.run(lambda: service.pulled([], people_changed=True)).result(timeout=10)


def _rename(kiosk: Kiosk, session: Session, kind: str, row_id: int, first: str, last: str) -> None:
    row = session.get(Child, row_id) if kind == "child" else session.get(Adult, row_id)
    assert row is not None
    row.first_name, row.last_name = first, last


@pytest.fixture
def families_with_long_and_emoji_names(kiosk: Kiosk) -> Iterator[Kiosk]:
    """The demo nursery with some names as long, or as playful, as families make them."""
    sessions = kiosk.app.service.store.sessions
    before = {name: name.rsplit(" ", 1) for _, name, _, _ in RENAMED}
    with sessions.begin() as session:
        for kind, name, first, last in RENAMED:
            _rename(kiosk, session, kind, kiosk.ids[name], first, last)
    _reload_people(kiosk)
    try:
        yield kiosk
    finally:
        with sessions.begin() as session:
            for kind, name, _, _ in RENAMED:
                _rename(kiosk, session, kind, kiosk.ids[name], *before[name])
        _reload_people(kiosk)


def _shown_labels(kiosk: Kiosk) -> list[Any]:
    from kiosk.ui.widgets import Text

    kiosk.pump()
    return [
        w
        for w in kiosk.app.screens.current_screen.walk()
        if isinstance(w, Text) and w.get_root_window() is not None and w.plain
    ]


def _drawn_runs(label: Any) -> list[tuple[str, str]]:
    """What Kivy draws for a label: (font file, characters) for each run of its markup."""
    text = label.text
    runs = [(m.group(1), m.group(2)) for m in _RUN.finditer(text)]
    runs.append((label.font_name, _RUN.sub("", text)))
    unescape = {"&bl;": "[", "&br;": "]", "&amp;": "&"}
    return [(font, re.sub("&bl;|&br;|&amp;", lambda m: unescape[m.group()], s)) for font, s in runs]


def _ink(label: Any) -> tuple[float, float, float, float] | None:
    """Where a label's letters are on the screen (left, bottom, right, top): the pixels its
    texture draws, placed as Kivy places the texture, centred on the label."""
    label.texture_update()
    width, height = label.texture.size
    alpha = bytes(label.texture.pixels)[3::4]
    rows = [r for r in range(height) if any(alpha[r * width : (r + 1) * width])]
    columns = [c for c in range(width) if any(alpha[c::width])]
    if not rows:
        return None
    left, top = label.center_x - width / 2, label.center_y + height / 2
    return (left + columns[0], top - rows[-1] - 1, left + columns[-1] + 1, top - rows[0])


def assert_every_name_is_drawn_whole_and_inside(kiosk: Kiosk) -> list[str]:
    """Each label's characters are in a font that has them, and its letters stay inside the
    label (a tile's name inside the tile's name line; 4 px of leeway, as its neighbours are
    at least that far). Returns the texts checked."""
    from kiosk.ui.text import covers

    checked = []
    for label in _shown_labels(kiosk):
        for font, characters in _drawn_runs(label):
            missing = [c for c in characters if not c.isspace() and not covers(font, c)]
            assert not missing, f"{label.plain!r} draws {missing} as boxes with {font}"
        ink = _ink(label)
        assert ink is not None, f"{label.plain!r} draws nothing"
        left, bottom, right, top = ink
        assert (
            left >= label.x - 4
            and right <= label.right + 4
            and bottom >= label.y - 4
            and top <= label.top + 4
        ), f"{label.plain!r} spills out of {tuple(label.pos)} {tuple(label.size)}: ink at {ink}"
        checked.append(label.plain)
    return checked


def test_long_and_emoji_names_fit_their_tiles_from_the_board_to_the_welcome(
    families_with_long_and_emoji_names: Kiosk,
) -> None:
    kiosk = families_with_long_and_emoji_names
    kiosk.tap("Arriving")
    shown = assert_every_name_is_drawn_whole_and_inside(kiosk)
    assert {"Maximilian-Alexander", "Zoë 🌈", "Łukasz ⭐", "Nguyễn Thị Minh Khai"} <= set(shown)
    assert "ياسمين" in shown
    kiosk.screenshot("kiosk-long-and-emoji-names")
    kiosk.tap("Maximilian-Alexander")
    assert kiosk.screen == "choose_adult"
    shown = assert_every_name_is_drawn_whole_and_inside(kiosk)
    assert "Who brought Maximilian-Alexander?" in shown
    assert {"Anne-Marie-Louise ⭐", "Nguyễn Thị Minh Khai"} <= set(shown)
    kiosk.tap("Anne-Marie-Louise ⭐")
    assert kiosk.screen == "done"
    assert any(t.startswith("Maximilian-Alexander is in.") for t in kiosk.texts())
    assert_every_name_is_drawn_whole_and_inside(kiosk)


def test_long_and_emoji_names_fit_the_collection_board_the_handover_and_staff_lists(
    families_with_long_and_emoji_names: Kiosk,
) -> None:
    kiosk = families_with_long_and_emoji_names
    _arrive(kiosk, "Theo Clarke", by="Gemma Clarke")
    _arrive(kiosk, "Zoë Fletcher", by="Hannah Fletcher")
    _arrive(kiosk, "Łukasz Nowak", "Zofia Nowak", by="Anna Nowak")
    kiosk.tap("Collecting")
    shown = assert_every_name_is_drawn_whole_and_inside(kiosk)
    assert {"Maximilian-Alexander", "Zoë 🌈", "Łukasz ⭐"} <= set(shown)
    kiosk.tap("Maximilian-Alexander")
    kiosk.tap("Nguyễn Thị Minh Khai")
    assert kiosk.screen == "wait"
    kiosk.tap("Staff: confirm the handover")
    assert kiosk.screen == "handover"
    shown = assert_every_name_is_drawn_whole_and_inside(kiosk)
    assert "Maximilian-Alexander Fitzgerald-Montgomery" in shown
    kiosk.screenshot("kiosk-handover-long-names")
    kiosk.tap("Not now")
    kiosk.app.flows.start_staff_mode()
    kiosk.pump()
    _pin(kiosk)
    shown = assert_every_name_is_drawn_whole_and_inside(kiosk)
    assert any("Maximilian-Alexander" in t for t in shown)
    assert any("Zoë 🌈" in t for t in shown)
    kiosk.tap("Roll call")
    assert any("Łukasz ⭐" in t for t in assert_every_name_is_drawn_whole_and_inside(kiosk))


def _pixels(label: Any) -> bytes:
    label.texture_update()
    return bytes(label.texture.pixels)


def test_an_emoji_in_a_name_is_drawn_in_its_shape_not_as_the_empty_box(kiosk: Kiosk) -> None:
    from kiosk.ui.widgets import Text

    def box(emoji: str) -> bytes:
        """The same label drawn as Kivy would without font runs: in the name font alone."""
        label = Text(emoji, size=40)
        label.text = emoji
        return _pixels(label)

    assert box("🌈") == box("⭐"), "the name font has neither: both are its empty box"
    for emoji in ("🌈", "⭐"):
        drawn = _pixels(Text(emoji, size=40))
        assert any(drawn[3::4]), f"{emoji} is drawn"
        assert drawn != box(emoji), f"{emoji} is not the empty box"


def test_a_character_no_font_has_is_left_out_rather_than_drawn_as_a_box(kiosk: Kiosk) -> None:
    from kiosk.ui.widgets import Text

    unknown = "\U000f0000"  # a private-use character: no font on any kiosk has it
    assert _pixels(Text(f"Zoë{unknown}")) == _pixels(Text("Zoë"))

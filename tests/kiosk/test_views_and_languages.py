"""What screens show, as plain data (no Kivy), and the kiosk's languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk import views
from kiosk.door import Door
from kiosk.i18n import LOCALE_DIR, Translator, parse_po
from kiosk.messages import kiosk_messages
from tests.factories import MONDAY, MORNING, Nursery, arrive


def _nursery() -> tuple[Nursery, Door]:
    nursery = Nursery()
    zoe = nursery.child(first_name="Zoë", last_name="Adams")
    lukasz = nursery.child(first_name="Łukasz", last_name="Nowak")
    mum = nursery.adult(may_collect=(zoe, lukasz))
    door = nursery.door()
    arrive(door, lukasz, mum)
    return nursery, door


@pytest.mark.parametrize(
    ("mode", "label"), [("photo_first_name", "Zoë"), ("first_name_initial", "Zoë A.")]
)
def test_the_board_shows_only_what_the_setting_allows(mode: str, label: str) -> None:
    _, door = _nursery()
    tiles = views.child_tiles(door.book, door.timeline, privacy_mode=mode, on_site=False)
    assert [t["label"] for t in tiles] == [label]
    assert (tiles[0]["photo"] is None) == (mode == "first_name_initial")


def test_a_card_first_setting_shows_no_children_on_the_board() -> None:
    _, door = _nursery()
    assert (
        views.child_tiles(door.book, door.timeline, privacy_mode="card_first", on_site=False) == []
    )


def test_the_collection_board_lists_only_children_on_site() -> None:
    _, door = _nursery()
    tiles = views.child_tiles(
        door.book, door.timeline, privacy_mode="photo_first_name", on_site=True
    )
    assert [t["label"] for t in tiles] == ["Łukasz"]


def test_the_public_banner_never_names_anyone() -> None:
    nursery = Nursery()
    mia = nursery.child(first_name="Mia")
    father = nursery.adult(first_name="Darren", last_name="Cole")
    nursery.restrict(mia, name="Darren Cole", adult=father)
    door = nursery.door()
    door.record(door.arrive(child_ids=[mia.id], brought_by_adult_id=father.id, now=MORNING).events)
    banner = views.public_alert_banner(door.timeline)
    assert banner == {"critical": True}, "no names, and no count of incidents either"
    staff_rows = views.alert_rows(door.book, door.timeline, door.policy.time_zone)
    assert staff_rows[0]["severity"] == "critical" and staff_rows[0]["child"] == "Mia Okafor"


def test_an_expired_permission_is_offered_for_a_week_so_the_refusal_is_recorded() -> None:
    nursery = Nursery()
    theo = nursery.child(first_name="Theo")
    kemi = nursery.adult(first_name="Kemi")
    nursery.permission(theo, kemi, MONDAY.replace(day=16), MONDAY.replace(day=17))
    assert [t["label"] for t in views.adults_for_child(nursery.book(), theo.id, MONDAY)] == ["Kemi"]
    assert views.adults_for_child(nursery.book(), theo.id, MONDAY.replace(month=12, day=30)) == []


@pytest.mark.parametrize("language", ["pl", "ur"])
def test_every_kiosk_message_is_translated(language: str) -> None:
    catalog = parse_po((LOCALE_DIR / language / "LC_MESSAGES" / "handover.po").read_text("utf-8"))
    missing = [m for m in kiosk_messages() if m not in catalog]
    assert missing == []
    for message, translated in catalog.items():
        # A translation may leave a name out (Polish avoids declining it), never add one.
        placeholders = set(re.findall(r"\{(\w+)\}", message))
        assert set(re.findall(r"\{(\w+)\}", translated)) <= placeholders, message


def test_choosing_a_language_changes_the_words_and_the_direction() -> None:
    translator = Translator(offered=("en", "pl", "ur"))
    heard: list[str] = []
    translator.on_change(lambda: heard.append(translator.language.code))
    translator.choose("pl")
    assert translator.gettext("Arriving") == "Przyjście" and not translator.language.rtl
    translator.choose("ur")
    assert translator.gettext("Arriving") == "آمد" and translator.language.rtl
    translator.choose("xx")
    assert heard == ["pl", "ur"]


def test_a_po_file_with_continued_lines_and_blanks_is_read(tmp_path: Path) -> None:
    po = (
        'msgid ""\nmsgstr "header"\n\n# comment\n'
        'msgid "A "\n"B"\nmsgstr "C"\n"D"\n\nmsgid "E"\nmsgstr ""\n'
    )
    assert parse_po(po) == {"A B": "CD"}

"""What screens show, as plain data (no Kivy), and the kiosk's languages."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk import staff_views, views
from kiosk.door import Door
from kiosk.i18n import LOCALE_DIR, Translator, compiled_catalog
from kiosk.messages import kiosk_messages
from setup import compile_catalogs
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
    banner = staff_views.public_alert_banner(door.timeline)
    assert banner == {"critical": True}, "no names, and no count of incidents either"
    staff_rows = staff_views.alert_rows(door.book, door.timeline, door.policy.time_zone)
    assert staff_rows[0]["severity"] == "critical" and staff_rows[0]["child"] == "Mia Okafor"


def test_an_expired_permission_is_offered_for_a_week_so_the_refusal_is_recorded() -> None:
    nursery = Nursery()
    theo = nursery.child(first_name="Theo")
    kemi = nursery.adult(first_name="Kemi")
    nursery.permission(theo, kemi, MONDAY.replace(day=16), MONDAY.replace(day=17))
    assert [t["label"] for t in views.adults_for_child(nursery.book(), theo.id, MONDAY)] == ["Kemi"]
    assert views.adults_for_child(nursery.book(), theo.id, MONDAY.replace(month=12, day=30)) == []


def _written(language: str) -> dict[str, str]:
    """What the translator wrote: the .po, read with Babel as the build reads it."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / "handover.po"
    with po.open("rb") as text:
        # The kiosk's messages have no plurals: each id and string is one str.
        return {str(m.id): str(m.string) for m in read_po(text) if m.id and m.string}


@pytest.mark.parametrize("language", ["pl", "ur"])
def test_every_kiosk_message_is_translated(language: str) -> None:
    catalog = _written(language)
    missing = [m for m in kiosk_messages() if m not in catalog]
    assert missing == []
    for message, translated in catalog.items():
        # A translation may leave a name out (Polish avoids declining it), never add one.
        placeholders = set(re.findall(r"\{(\w+)\}", message))
        assert set(re.findall(r"\{(\w+)\}", translated)) <= placeholders, message


@pytest.mark.parametrize("language", ["pl", "ur"])
def test_the_kiosk_reads_what_the_translator_last_wrote(language: str) -> None:
    compiled = compiled_catalog(LOCALE_DIR, language)
    assert compiled is not None, "no .mo: run ./scripts/bootstrap.sh (it compiles the .po)"
    stale = {m: t for m, t in _written(language).items() if compiled.gettext(m) != t}
    assert stale == {}, "the .mo is older than its .po: run ./scripts/bootstrap.sh"


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


def test_a_po_file_with_continued_lines_and_an_untranslated_entry_compiles(tmp_path: Path) -> None:
    source = tmp_path / "src" / "pl" / "LC_MESSAGES"
    source.mkdir(parents=True)
    (source / "handover.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n# comment\n'
        'msgid "A "\n"B"\nmsgstr "C"\n"D"\n\nmsgid "Éclair"\nmsgstr ""\n',
        encoding="utf-8",
    )
    compile_catalogs(tmp_path / "src", tmp_path / "out")
    translator = Translator(resources.files("kiosk") / "no-such-folder", offered=("en", "pl"))
    assert [language.code for language in translator.offered] == ["en"]
    translator = Translator(tmp_path / "out", offered=("en", "pl"))
    translator.choose("pl")
    assert translator.gettext("A B") == "CD"
    assert translator.gettext("Éclair") == "Éclair"  # untranslated: English, never a blank

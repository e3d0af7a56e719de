"""The parents' page's catalogs (issue 17 §3): every message of its pages and of the Python that
hands them words is translated into Polish and Urdu, each translation keeps the values it is
given, and plurals have as many forms as the language has (three in Polish)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from admin.family_language import DOMAIN, browser_language, family_messages
from admin.notice_language import LANGUAGES, translation

LOCALE = Path(__file__).parents[2] / "admin" / "locale"
FORMS = {"pl": 3, "ur": 2}


def _values(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)\w", text))


@pytest.mark.parametrize("language", [c for c in LANGUAGES if c != "en"])
def test_every_message_of_the_parents_page_is_translated(language: str) -> None:
    with (LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as text:
        catalog = read_po(text)
    assert catalog.num_plurals == FORMS[language]
    missing = []
    for message in family_messages():
        found = catalog.get(message if isinstance(message, str) else message[0])
        if found is None or not found.string or found.fuzzy:
            missing.append(message)
            continue
        english = message if isinstance(message, str) else message[1]
        forms = found.string if isinstance(found.string, tuple) else (found.string,)
        assert len(forms) == (1 if isinstance(message, str) else FORMS[language]), message
        for form in forms:
            assert form and _values(str(form)) == _values(english), (message, form)
    assert missing == []


def test_polish_and_urdu_plurals_are_each_languages_own() -> None:
    days = ("%(num)d day at the nursery.", "%(num)d days at the nursery.")
    polish = translation("pl", DOMAIN)
    said = {n: polish.ngettext(*days, n) % {"num": n} for n in (1, 2, 5, 12, 22, 25)}
    assert said[1] == "1 dzień w placówce."
    assert all(said[n].endswith("dni w placówce.") for n in (2, 5, 12, 22, 25))
    away = ("%(num)d day is on the register as away.", "%(num)d days are on the register as away.")
    assert "są" in polish.ngettext(*away, 22) and "jest" in polish.ngettext(*away, 12)
    assert "دن" in translation("ur", DOMAIN).ngettext(*days, 3)


def test_the_browsers_language_is_the_first_the_nursery_has() -> None:
    assert browser_language("pl-PL,pl;q=0.9,en;q=0.8") == "pl"
    assert browser_language("de-DE, ur;q=0.5, en;q=0.4") == "ur"
    assert browser_language("en;q=0.2, pl;q=0.7") == "pl"
    assert browser_language("de, fr") == "en"
    assert browser_language("") == "en"

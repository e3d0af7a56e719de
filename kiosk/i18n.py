"""The kiosk's languages (R14): gettext catalogs, chosen by a tap on the home screen. Names are
never translated.

Translators edit ``kiosk/locale/<lang>/LC_MESSAGES/handover.po`` (text, easy to merge); the
build compiles each to the ``.mo`` read here (setup.py), so the wheel and the checkout's
editable install carry catalogs that match their ``.po``.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

# Found through the installed package, never beside a checkout: a wheel has no checkout.
LOCALE_DIR: Traversable = resources.files("kiosk") / "locale"
DOMAIN = "handover"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in its own language, as the picker shows it
    rtl: bool = False


LANGUAGES = {
    "en": Language("en", "English"),
    "pl": Language("pl", "Polski"),
    "ur": Language("ur", "اردو", rtl=True),
}


def compiled_catalog(locale_dir: Traversable, code: str) -> gettext.GNUTranslations | None:
    """The language's compiled catalog, or None when this install has none for it. An entry
    left untranslated in the .po is not compiled, so the English shows instead of a blank."""
    mo = locale_dir / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo.is_file():
        return None
    with mo.open("rb") as compiled:
        return gettext.GNUTranslations(compiled)


class Translator:
    def __init__(
        self, locale_dir: Traversable = LOCALE_DIR, *, offered: tuple[str, ...] = ("en",)
    ) -> None:
        self.catalogs: dict[str, gettext.NullTranslations] = {"en": gettext.NullTranslations()}
        for code in offered:
            if code != "en" and (catalog := compiled_catalog(locale_dir, code)) is not None:
                self.catalogs[code] = catalog
        self.offered = [LANGUAGES[c] for c in offered if c in self.catalogs and c in LANGUAGES]
        self.language = LANGUAGES["en"]
        self._listeners: list[Callable[[], None]] = []

    def gettext(self, message: str) -> str:
        return self.catalogs[self.language.code].gettext(message)

    def choose(self, code: str) -> None:
        if code in self.catalogs and code in LANGUAGES and code != self.language.code:
            self.language = LANGUAGES[code]
            for listener in self._listeners:
                listener()

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)
